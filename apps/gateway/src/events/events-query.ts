import { FEED_MAX_LIMIT, isPublicEventName, type PublicEventName } from '@wharf/contracts/events';
import { z } from 'zod';
import { documentedAs } from '../openapi/json-schema';

export const DEFAULT_FEED_LIMIT = 100;
/** Longest a long-poll may wait, in seconds. */
export const MAX_FEED_TIMEOUT_SECONDS = 30;

/** A query parameter or header given once (Express makes a repeated one an array). */
const once = z.string({ invalid_type_error: 'must be given once' });

const integer = (min: number, max: number) =>
  documentedAs(
    once
      .refine((raw) => /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) && Number(raw) >= min && Number(raw) <= max, `must be an integer from ${min} to ${max}`)
      .transform(Number),
    { type: 'integer', minimum: min, maximum: max },
  );

/** A position in the log: events after it are listed. */
export const FeedPosition = integer(0, Number.MAX_SAFE_INTEGER);

/**
 * `GET /v1/events` parameters: `after` (a position; 0, the beginning, by default), `types` (public event names,
 * comma-separated), `limit` (1–1000, default 100), `timeout` (seconds to wait for a first event, 0–30, default 0).
 */
export const FeedQuery = z.object({
  after: FeedPosition.optional().describe('List the events after this position (exclusive); 0, the beginning, by default. With SSE, `Last-Event-ID` stands in for it.'),
  types: once
    .transform((raw) => raw.split(',').map((type) => type.trim()))
    .superRefine((types, context) => {
      const unknown = types.find((type) => !isPublicEventName(type));
      if (unknown !== undefined) context.addIssue({ code: 'custom', message: `unknown event type ${JSON.stringify(unknown)}` });
    })
    .transform((types) => types as PublicEventName[])
    .optional()
    .describe('Only these public event names, comma-separated (e.g. `artifact.pushed,tag.deleted`)'),
  limit: integer(1, FEED_MAX_LIMIT).default(String(DEFAULT_FEED_LIMIT)).describe(`Events per page, 1–${FEED_MAX_LIMIT}`),
  timeout: integer(0, MAX_FEED_TIMEOUT_SECONDS)
    .default('0')
    .describe(`Seconds to wait for a first event when there is none yet (long-poll), 0–${MAX_FEED_TIMEOUT_SECONDS}`),
});

export type FeedQuery = z.output<typeof FeedQuery>;

/** With SSE and no `after`, the `Last-Event-ID` header (the last position the client saw) says where to resume. */
export const LastEventIdHeader = z.object({ 'Last-Event-ID': FeedPosition });

/** What the feed is asked for. */
export interface Feed {
  after: number;
  types?: PublicEventName[];
  limit: number;
  timeoutMs: number;
}

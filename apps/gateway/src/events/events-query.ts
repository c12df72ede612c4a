import { DomainError } from '@wharf/contracts';
import { FEED_MAX_LIMIT, isPublicEventName, type PublicEventName } from '@wharf/contracts/events';

export const DEFAULT_FEED_LIMIT = 100;
/** Longest a long-poll may wait, in seconds. */
export const MAX_FEED_TIMEOUT_SECONDS = 30;

export interface FeedQuery {
  after: number;
  types?: PublicEventName[];
  limit: number;
  timeoutMs: number;
}

const invalid = (path: string, reason: string) => new DomainError('PLATFORM.VALIDATION_FAILED', { path, reason });

const single = (query: Record<string, unknown>, name: string): string | undefined => {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, 'must be given once');
  return value;
};

const integer = (query: Record<string, unknown>, name: string, min: number, max: number, fallback: number): number => {
  const raw = single(query, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw invalid(name, `must be an integer from ${min} to ${max}`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw invalid(name, `must be an integer from ${min} to ${max}`);
  return value;
};

/**
 * `GET /v1/events` parameters: `after` (a position, default 0), `types` (public event names, comma-separated),
 * `limit` (1–1000, default 100), `timeout` (seconds to wait for a first event, 0–30, default 0). `lastEventId`
 * (SSE's `Last-Event-ID` header) stands in for `after` when that is absent.
 */
export const parseFeedQuery = (query: Record<string, unknown>, lastEventId?: string): FeedQuery => {
  const after =
    query.after === undefined && lastEventId !== undefined
      ? integer({ 'Last-Event-ID': lastEventId }, 'Last-Event-ID', 0, Number.MAX_SAFE_INTEGER, 0)
      : integer(query, 'after', 0, Number.MAX_SAFE_INTEGER, 0);
  const rawTypes = single(query, 'types');
  const types = rawTypes === undefined ? undefined : rawTypes.split(',').map((type) => type.trim());
  const unknown = types?.find((type) => !isPublicEventName(type));
  if (unknown !== undefined) throw invalid('types', `unknown event type ${JSON.stringify(unknown)}`);
  return {
    after,
    ...(types ? { types: types as PublicEventName[] } : {}),
    limit: integer(query, 'limit', 1, FEED_MAX_LIMIT, DEFAULT_FEED_LIMIT),
    timeoutMs: integer(query, 'timeout', 0, MAX_FEED_TIMEOUT_SECONDS, 0) * 1000,
  };
};

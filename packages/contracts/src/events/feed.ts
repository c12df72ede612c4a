import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';
import { PUBLIC_EVENT_NAMES, type PublicEventName } from './catalog';
import type { PublicCloudEvent } from './cloud-event';

/** Longest a single feed request waits in the service for new events; the gateway chains calls for longer waits. */
export const FEED_WAIT_SLICE_MS = 10000;
export const FEED_MAX_LIMIT = 1000;

export const EventFeedRequest = z.object({
  actor: Principal,
  /** Events after this position (exclusive); 0 for the beginning. */
  after: z.number().int().nonnegative(),
  types: z.array(z.enum(PUBLIC_EVENT_NAMES as [PublicEventName, ...PublicEventName[]])).optional(),
  limit: z.number().int().positive().max(FEED_MAX_LIMIT),
  /** How long to wait when nothing is there yet (long-poll). */
  waitMs: z.number().int().nonnegative().max(FEED_WAIT_SLICE_MS),
});

export const EventFeedReply = z.object({
  events: z.array(z.custom<PublicCloudEvent>((value) => typeof value === 'object' && value !== null)),
  /** Where the next request should start (`after`): the last event's position, or how far the log was read. */
  next: z.number().int().nonnegative(),
});
export type EventFeedReply = z.infer<typeof EventFeedReply>;

export const EventsRpc = {
  feed: rpc('lifecycle.events.feed', EventFeedRequest, EventFeedReply),
} as const;

import { randomUUID } from 'node:crypto';
import {
  ExpectedVersionConflictError,
  matchesExpectedRevision,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
  type SubscriptionHandler,
} from './event-store';
import { pollingSubscription } from './polling-subscription';
import type { Event, RecordedEvent } from './types';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The in-memory adapter: positions are 1-based indexes into one array. Passes the same contract suite. */
export const getInMemoryEventStore = (): EventStore => {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const listeners = new Set<() => void>();

  const appendToStream = async (
    stream: string,
    events: readonly Event[],
    { expectedRevision = 'any' }: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> => {
    const existing = streams.get(stream) ?? [];
    const current = existing.length - 1;
    if (!matchesExpectedRevision(expectedRevision, current)) {
      throw new ExpectedVersionConflictError(stream, expectedRevision, current);
    }
    if (events.length === 0) return { nextExpectedRevision: current, position: existing.at(-1)?.position ?? 0 };
    for (const event of events) {
      const recorded = {
        ...clone(event),
        metadata: clone(event.metadata ?? {}),
        id: randomUUID(),
        streamName: stream,
        revision: existing.length,
        position: log.length + 1,
      } as RecordedEvent;
      existing.push(recorded);
      log.push(recorded);
    }
    streams.set(stream, existing);
    for (const listener of listeners) listener();
    return { nextExpectedRevision: existing.length - 1, position: log.length };
  };

  const readStream = async (stream: string, { direction = 'forwards', fromRevision, maxCount }: ReadStreamOptions = {}) => {
    const events = streams.get(stream) ?? [];
    const ordered =
      direction === 'forwards'
        ? events.filter((e) => fromRevision === undefined || e.revision >= fromRevision)
        : events.filter((e) => fromRevision === undefined || e.revision <= fromRevision).reverse();
    return clone(ordered.slice(0, maxCount ?? ordered.length));
  };

  const readAll = async ({ direction = 'forwards', after, maxCount }: ReadAllOptions = {}) => {
    const ordered =
      direction === 'forwards'
        ? log.filter((e) => after === undefined || e.position > after)
        : log.filter((e) => after === undefined || e.position < after).reverse();
    return clone(ordered.slice(0, maxCount ?? ordered.length));
  };

  const subscribe = (options: SubscribeOptions, handler: SubscriptionHandler) =>
    pollingSubscription(
      {
        onAppend: (wake) => {
          listeners.add(wake);
          return () => listeners.delete(wake);
        },
        pageAfter: async (after, limit) => {
          const head = log.length;
          const prefixes = options.filter?.streamPrefixes;
          const events: RecordedEvent[] = [];
          let checkpoint = head;
          for (let i = after; i < head; i++) {
            const event = log[i]!;
            if (prefixes && !prefixes.some((p) => event.streamName.startsWith(p))) continue;
            events.push(clone(event));
            if (events.length === limit) {
              checkpoint = event.position;
              break;
            }
          }
          return { events, checkpoint: Math.max(checkpoint, after) };
        },
      },
      options,
      handler,
    );

  return {
    appendToStream,
    readStream,
    readAll,
    subscribe,
    headPosition: async () => log.length,
    close: async () => {
      listeners.clear();
    },
  };
};

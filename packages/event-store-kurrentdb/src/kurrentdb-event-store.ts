import {
  ANY as KURRENT_ANY,
  BACKWARDS,
  END,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  NO_STREAM as KURRENT_NO_STREAM,
  START,
  STREAM_EXISTS as KURRENT_STREAM_EXISTS,
  StreamNotFoundError,
  UnknownError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type JSONType,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
  ExpectedVersionConflictError,
  matchesExpectedRevision,
  type AppendResult,
  type Event,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from '@wharf/event-store';
import { LogSubscription } from './kurrentdb-subscription';
import { eventPosition, logPosition, revisionNumber } from './positions';
import { isSystemEvent, positionOf, storedEvent, toRecordedEvent } from './recorded-event';

export type KurrentDbEventStoreOptions = ({ connectionString: string } | { client: KurrentDBClient }) & {
  /** How long a quiet subscription waits before checking whether it can report progress up to the head. */
  tailCheckIntervalMs?: number;
};

/**
 * A reader waiting for the head (read-your-writes across services) waits at most about this long when the events
 * it waits for are ones its subscription filters out; a quiet subscription costs one head read per interval.
 */
const DEFAULT_TAIL_CHECK_INTERVAL_MS = 250;

const toStreamState = (expected: ExpectedRevision): AppendStreamState => {
  switch (expected) {
    case 'any':
      return KURRENT_ANY;
    case 'no_stream':
      return KURRENT_NO_STREAM;
    case 'stream_exists':
      return KURRENT_STREAM_EXISTS;
    default:
      // -1 is the port's revision of a stream that does not exist (what a conflict reports as `actual`).
      return expected === -1 ? KURRENT_NO_STREAM : BigInt(expected);
  }
};

/** The stream's revision the server reported with a conflict; -1 when the stream does not exist. */
const actualRevision = (error: WrongExpectedVersionError): number =>
  typeof error.actualState === 'bigint' && error.actualState >= 0n ? revisionNumber(error.actualState) : -1;

/** Non-system events of a $all read, in read order, that `wanted` accepts; at most `limit`. */
const collectAll = async (
  reading: AsyncIterable<AllStreamResolvedEvent>,
  wanted: (position: number) => boolean,
  limit: number,
): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  if (limit <= 0) return events;
  for await (const resolved of reading) {
    const event = storedEvent(resolved);
    const position = positionOf(event);
    if (isSystemEvent(event) || !wanted(position)) continue;
    events.push(toRecordedEvent(event, position));
    if (events.length >= limit) break;
  }
  return events;
};

const closedError = (): Error => new Error('The KurrentDB event store is closed');

/** What `subscribe` returns once the store is closed: like the other adapters, it reports the error through `done`. */
const failedSubscription = (error: Error): Subscription => {
  const done = Promise.reject(error);
  done.catch(() => undefined); // observed through `done`; never an unhandled rejection
  return { done, stop: async () => undefined };
};

/** The distributed mode's event store: KurrentDB (formerly EventStoreDB) through its official client. */
export const getKurrentDbEventStore = (options: KurrentDbEventStoreOptions): EventStore => {
  const ownsClient = 'connectionString' in options;
  const client = 'client' in options ? options.client : KurrentDBClient.connectionString(options.connectionString);
  const tailCheckIntervalMs = options.tailCheckIntervalMs ?? DEFAULT_TAIL_CHECK_INTERVAL_MS;
  const subscriptions = new Set<Subscription>();
  let closing: Promise<void> | undefined;

  const ensureOpen = (): void => {
    if (closing) throw closedError();
  };

  /** The stream's last revision and that event's position, as the port reports for an append of nothing. */
  const lastOf = async (stream: string): Promise<AppendResult> => {
    const [last] = await readStream(stream, { direction: 'backwards', maxCount: 1 });
    return { nextExpectedRevision: last?.revision ?? -1, position: last?.position ?? 0 };
  };

  const appendToStream = async (
    stream: string,
    events: readonly Event[],
    { expectedRevision = 'any' }: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> => {
    ensureOpen();
    if (events.length === 0) {
      // Appending nothing still writes a record in KurrentDB; the port treats it as a check of the revision only.
      const current = await lastOf(stream);
      if (!matchesExpectedRevision(expectedRevision, current.nextExpectedRevision)) {
        throw new ExpectedVersionConflictError(stream, expectedRevision, current.nextExpectedRevision);
      }
      return current;
    }
    try {
      const result = await client.appendToStream(
        stream,
        // The client types data as an object, array or string but only JSON-encodes it, as the port expects.
        events.map(({ type, data, metadata }) => jsonEvent({ type, data: (data ?? null) as JSONType, metadata: { ...metadata } })),
        { streamState: toStreamState(expectedRevision) },
      );
      if (!result.position) throw new Error(`KurrentDB reported no position for an append to ${stream}`);
      return {
        nextExpectedRevision: revisionNumber(result.nextExpectedRevision),
        position: eventPosition(result.position, `the append to ${stream}`),
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ExpectedVersionConflictError(stream, expectedRevision, actualRevision(error));
      throw error;
    }
  };

  const readStream = async (stream: string, { direction = 'forwards', fromRevision, maxCount }: ReadStreamOptions = {}) => {
    ensureOpen();
    if (maxCount === 0) return [];
    const forwards = direction === 'forwards';
    const events: RecordedEvent[] = [];
    try {
      const reading = client.readStream(stream, {
        direction: forwards ? FORWARDS : BACKWARDS,
        fromRevision: fromRevision === undefined ? (forwards ? START : END) : BigInt(fromRevision),
        ...(maxCount === undefined ? {} : { maxCount }),
      });
      for await (const resolved of reading) {
        const event = storedEvent(resolved);
        events.push(toRecordedEvent(event, positionOf(event)));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  };

  /** A $all read without the server's system events, which the port never returns. */
  const readAllFrom = (fromPosition: ReadPosition, direction: 'forwards' | 'backwards', maxCount: number) =>
    client.readAll({ fromPosition, direction: direction === 'forwards' ? FORWARDS : BACKWARDS, maxCount, filter: excludeSystemEvents() });

  const readAll = async ({ direction = 'forwards', after, maxCount = Number.MAX_SAFE_INTEGER }: ReadAllOptions = {}) => {
    ensureOpen();
    const forwards = direction === 'forwards';
    const logEnd = forwards ? START : END;
    if (after === undefined || (forwards && after <= 0)) return collectAll(readAllFrom(logEnd, direction, maxCount), () => true, maxCount);
    if (!forwards && after <= 0) return [];
    const beyond = (position: number): boolean => (forwards ? position > after : position < after);
    try {
      // One more than wanted: a forward read includes the event at its start position, which `after` excludes.
      return await collectAll(readAllFrom(logPosition(after), direction, Math.min(maxCount + 1, Number.MAX_SAFE_INTEGER)), beyond, maxCount);
    } catch (error) {
      // The server refuses to start inside a record ("Trying to read from an invalid position", a gRPC status the
      // client's native reader has no class for, hence UnknownError). Positions this store hands out are record
      // boundaries; other numbers, such as
      // `event.position - 1`, are served by reading from the log's own end in that direction (always valid) and
      // skipping here the events on the wrong side of `after`.
      if (!(error instanceof UnknownError)) throw error;
      return collectAll(readAllFrom(logEnd, direction, Number.MAX_SAFE_INTEGER), beyond, maxCount);
    }
  };

  /** Also what subscriptions check their tail against, which they may still do while the store closes. */
  const readHead = async (): Promise<number> => {
    for await (const resolved of readAllFrom(END, 'backwards', 1)) return positionOf(storedEvent(resolved));
    return 0;
  };

  const headPosition = async (): Promise<number> => {
    ensureOpen();
    return readHead();
  };

  const subscribe = (options: SubscribeOptions, handler: SubscriptionHandler): Subscription => {
    if (closing) return failedSubscription(closedError());
    const subscription = new LogSubscription({ client, headPosition: readHead, tailCheckIntervalMs }, options, handler);
    subscriptions.add(subscription);
    const forget = (): void => {
      subscriptions.delete(subscription);
    };
    subscription.done.then(forget, forget); // the error itself is the subscriber's to observe through `done`
    return subscription;
  };

  /** Stops subscriptions (waiting for handlers under way), then releases the client if this store created it. */
  const shutDown = async (): Promise<void> => {
    await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
    if (ownsClient) await client.dispose();
  };

  return {
    appendToStream,
    readStream,
    readAll,
    subscribe,
    headPosition,
    close: () => (closing ??= shutDown()),
  };
};

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
  streamNameFilter,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type Position,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import {
  ExpectedVersionConflictError,
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

export type KurrentDbEventStoreOptions = { connectionString: string } | { client: KurrentDBClient };

/**
 * The port's global position is the event's commit position in KurrentDB's log. Events appended through the
 * gRPC API carry equal commit and prepare positions, which is what lets one number both order events and
 * resume a read (`{commit: p, prepare: p}`). An event where they differ would make that resumption skip events,
 * so the adapter refuses it loudly instead of losing data.
 */
const toPortPosition = (position: Position): number => {
  if (position.commit !== position.prepare) {
    throw new Error(`KurrentDB event at commit ${position.commit} has prepare ${position.prepare}: positions cannot be mapped`);
  }
  if (position.commit > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`KurrentDB position ${position.commit} exceeds 2^53`);
  return Number(position.commit);
};
const toKurrentPosition = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

const toStreamState = (expected: ExpectedRevision): AppendStreamState => {
  switch (expected) {
    case 'any':
      return KURRENT_ANY;
    case 'no_stream':
      return KURRENT_NO_STREAM;
    case 'stream_exists':
      return KURRENT_STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
};

const toRecorded = (resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null => {
  const event = resolved.event;
  if (!event || !event.position || event.type.startsWith('$')) return null;
  if (!event.isJson) throw new Error(`Event ${event.id} in ${event.streamId} is not JSON`);
  return {
    id: event.id,
    streamName: event.streamId,
    revision: Number(event.revision),
    position: toPortPosition(event.position),
    type: event.type,
    data: event.data as unknown,
    metadata: (event.metadata ?? {}) as RecordedEvent['metadata'],
  };
};

/** The distributed mode's event store: KurrentDB (formerly EventStoreDB) through its official client. */
export const getKurrentDbEventStore = (options: KurrentDbEventStoreOptions): EventStore => {
  const ownsClient = 'connectionString' in options;
  const client = 'client' in options ? options.client : KurrentDBClient.connectionString(options.connectionString);

  const appendToStream = async (
    stream: string,
    events: readonly Event[],
    { expectedRevision = 'any' }: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> => {
    try {
      const result = await client.appendToStream(
        stream,
        events.map((event) =>
          jsonEvent({ type: event.type, data: (event.data ?? null) as never, metadata: (event.metadata ?? {}) as never }),
        ),
        { streamState: toStreamState(expectedRevision) },
      );
      if (!result.position) throw new Error(`KurrentDB returned no position for an append to ${stream}`);
      return { nextExpectedRevision: Number(result.nextExpectedRevision), position: toPortPosition(result.position) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualState === KURRENT_NO_STREAM ? -1 : Number(error.actualState);
        throw new ExpectedVersionConflictError(stream, expectedRevision, actual);
      }
      throw error;
    }
  };

  const readStream = async (stream: string, { direction = 'forwards', fromRevision, maxCount }: ReadStreamOptions = {}) => {
    const events: RecordedEvent[] = [];
    try {
      const reading = client.readStream(stream, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: fromRevision === undefined ? (direction === 'forwards' ? START : END) : BigInt(fromRevision),
        ...(maxCount !== undefined ? { maxCount } : {}),
      });
      for await (const resolved of reading) {
        const recorded = toRecorded(resolved);
        if (recorded) events.push(recorded);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  };

  const readAll = async ({ direction = 'forwards', after, maxCount }: ReadAllOptions = {}) => {
    const events: RecordedEvent[] = [];
    const forwards = direction === 'forwards';
    const reading = client.readAll({
      direction: forwards ? FORWARDS : BACKWARDS,
      fromPosition: after === undefined ? (forwards ? START : END) : toKurrentPosition(after),
      filter: excludeSystemEvents(),
    });
    for await (const resolved of reading) {
      const recorded = toRecorded(resolved);
      // The start position may be included by the server; the port's `after` is exclusive.
      if (!recorded || (after !== undefined && (forwards ? recorded.position <= after : recorded.position >= after))) continue;
      events.push(recorded);
      if (maxCount !== undefined && events.length >= maxCount) break;
    }
    return events;
  };

  const subscribe = ({ from, filter }: SubscribeOptions, handler: SubscriptionHandler): Subscription => {
    let stopped = false;
    // Events and checkpoint notifications reach the handler one at a time, in log order.
    let chain: Promise<void> = Promise.resolve();
    let lastDelivered = from === 'start' ? 0 : from;
    const deliver = (events: RecordedEvent[], checkpoint: number): Promise<void> => {
      chain = chain.then(async () => {
        if (stopped || checkpoint <= lastDelivered) return;
        lastDelivered = checkpoint;
        await handler(events, checkpoint);
      });
      return chain;
    };
    const subscription = client.subscribeToAll({
      fromPosition: from === 'start' ? START : toKurrentPosition(from),
      filter: filter
        ? streamNameFilter({
            prefixes: [...filter.streamPrefixes],
            checkpointInterval: 1,
            checkpointReached: (_subscription, position) => deliver([], toPortPosition(position)),
          })
        : excludeSystemEvents({
            checkpointInterval: 1,
            checkpointReached: (_subscription, position) => deliver([], toPortPosition(position)),
          }),
    });
    const done = (async () => {
      for await (const resolved of subscription) {
        if (stopped) break;
        const recorded = toRecorded(resolved);
        if (recorded) await deliver([recorded], recorded.position);
      }
      await chain;
    })();
    done.catch(() => subscription.unsubscribe().catch(() => undefined));
    return {
      done,
      async stop() {
        stopped = true;
        await subscription.unsubscribe();
        await chain.catch(() => undefined);
        await done.catch(() => undefined);
      },
    };
  };

  const headPosition = async (): Promise<number> => {
    const [last] = await readAll({ direction: 'backwards', maxCount: 1 });
    return last?.position ?? 0;
  };

  return {
    appendToStream,
    readStream,
    readAll,
    subscribe,
    headPosition,
    close: async () => {
      if (ownsClient) await client.dispose();
    },
  };
};

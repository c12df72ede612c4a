import { PassThrough, type ReadableOptions } from 'node:stream';
import {
  END,
  START,
  UnknownError,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Filter,
  type KurrentDBClient,
  type Position,
  type ReadAllOptions,
  type SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
// The client's own subscription stream, fed scripted server messages: the adapter then meets the real stream
// semantics (buffering, checkpoint callback, caughtUp event) without a server.
import { Subscription } from '@kurrent/kurrentdb-client/dist/streams/utils/Subscription';

/** A stand-in for the gRPC call: a stream of server messages the test writes, and the client's `cancel`. */
class FakeCall extends PassThrough {
  cancelled = false;
  constructor() {
    super({ objectMode: true });
  }
  cancel(): void {
    this.cancelled = true;
  }
}

/** One subscription the adapter opened, with the options it asked for and a way to play the server's part. */
export class FakeSubscriptionCall {
  readonly call = new FakeCall();
  constructor(readonly options: SubscribeToAllOptions) {}

  event(event: AllStreamRecordedEvent): void {
    this.call.write({ hasEvent: () => true, getEvent: (): AllStreamResolvedEvent => ({ event }) });
  }
  checkpoint(commit: number, prepare = commit): void {
    const position = { getCommitPosition: () => String(commit), getPreparePosition: () => String(prepare) };
    this.call.write({ hasCheckpoint: () => true, getCheckpoint: () => position });
  }
  caughtUp(): void {
    this.call.write({ hasCaughtUp: () => true, getCaughtUp: () => ({ hasTimestamp: () => false }) });
  }
  fail(error: Error): void {
    this.call.emit('error', error);
  }
}

export const storedEvent = (streamId: string, position: number, type = 'Counted', revision = 0): AllStreamRecordedEvent => ({
  streamId,
  id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
  isJson: true,
  revision: BigInt(revision),
  type,
  created: new Date(0),
  data: { at: position },
  metadata: {},
  position: { commit: BigInt(position), prepare: BigInt(position) },
});

const passes = (filter: Filter | undefined, event: AllStreamRecordedEvent): boolean => {
  if (!filter) return true;
  const subject = filter.filterOn === 'streamName' ? event.streamId : event.type;
  return 'prefixes' in filter ? filter.prefixes.some((prefix) => subject.startsWith(prefix)) : new RegExp(filter.regex).test(subject);
};

/**
 * Just enough of KurrentDBClient for the adapter's reads and subscriptions. Events sit at the positions the test
 * gives them; like the server, a read from a position that is no event's (a record boundary here) is refused.
 */
export class FakeKurrentDb {
  readonly log: AllStreamRecordedEvent[] = [];
  readonly subscriptions: FakeSubscriptionCall[] = [];
  readonly reads: ReadAllOptions[] = [];

  asClient(): KurrentDBClient {
    return this as unknown as KurrentDBClient;
  }

  subscribeToAll(options: SubscribeToAllOptions = {}, readableOptions: ReadableOptions = {}): AllStreamSubscription {
    const fake = new FakeSubscriptionCall(options);
    this.subscriptions.push(fake);
    const createCall = (async () => fake.call) as unknown as ConstructorParameters<typeof Subscription>[0];
    return new Subscription<AllStreamResolvedEvent>(
      createCall,
      (resolved) => resolved as unknown as AllStreamResolvedEvent,
      readableOptions,
      options.filter?.checkpointReached,
    ) as unknown as AllStreamSubscription;
  }

  readAll(options: ReadAllOptions = {}): AsyncIterableIterator<AllStreamResolvedEvent> {
    this.reads.push(options);
    const events = this.select(options);
    return (async function* () {
      for (const event of await events) yield { event };
    })();
  }

  private async select({ fromPosition = START, direction = 'forwards', maxCount = Number.MAX_SAFE_INTEGER, filter }: ReadAllOptions) {
    const forwards = direction === 'forwards';
    const from = this.boundary(fromPosition);
    const inRange = (event: AllStreamRecordedEvent): boolean => (forwards ? event.position.commit >= from : event.position.commit < from);
    const ordered = this.log.filter((event) => inRange(event) && passes(filter, event));
    if (!forwards) ordered.reverse();
    return ordered.slice(0, Number(maxCount));
  }

  private boundary(from: typeof START | typeof END | Position): bigint {
    if (from === START) return 0n;
    if (from === END) return BigInt(Number.MAX_SAFE_INTEGER);
    if (from.commit !== 0n && !this.log.some((event) => event.position.commit === from.commit)) {
      throw new UnknownError(undefined, 'Trying to read from an invalid position.');
    }
    return from.commit;
  }
}

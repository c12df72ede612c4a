import type { Position } from '@kurrent/kurrentdb-client';

/*
 * How KurrentDB positions become the port's one number.
 *
 * A position in $all is a pair of byte offsets into the transaction log: `commit` (where the record that
 * committed the event sits) and `prepare` (where the event itself sits). An append is an implicit transaction:
 * the writer stores each event as its own prepare record flagged as committed, and the server reports such an
 * event at commit = prepare = its own log position, whether read from $all (AllReader builds
 * `CommitEventRecord(event, event.LogPosition)`), from a stream (ResolvedEvent: "we don't know where this event
 * was committed, unless it committed itself", then `TFPos(LogPosition, LogPosition)`) or live
 * (IndexCommitter publishes `EventCommitted(prepare.LogPosition, ...)`); sources in kurrent-io/KurrentDB. The two
 * differ only for events of explicit transactions, a TCP-era feature the gRPC API does not offer (a Kurrent
 * engineer's answer in kurrent-io/KurrentDB#3989). An append reports its last event's log position as both
 * (RequestManager/Managers/WriteEvents.cs replies `CommitPosition, CommitPosition`, which StorageChaser takes from
 * the prepare that ends the transaction).
 *
 * So the port's position is the commit position: distinct for every event and increasing along the log. It
 * maps back to `{ commit: n, prepare: n }`, a valid place to start a read or a subscription whenever n is a
 * record boundary, which every position this adapter hands out is (an event's, a checkpoint's, the head's). A
 * number inside a record is refused by the server ("Trying to read from an invalid position"). A subscription
 * started at a position delivers only events after it (Enumerator.AllSubscriptionFiltered skips `position <=
 * checkpoint`), which is the port's `from`.
 *
 * Checkpoints of filtered subscriptions may carry `prepare: 0` (kurrent-io/KurrentDB#3989): during catch-up the
 * server reports the start of a page it has read as `(recordStart, 0)`, and only when that page delivered
 * nothing. The record at `recordStart` has then been looked at and filtered out, so its commit position is a
 * sound "seen up to here" for the port, and resuming from `{ commit, commit }` skips only that record.
 */

const MAX_POSITION = BigInt(Number.MAX_SAFE_INTEGER);

const toSafeNumber = (value: bigint, what: string): number => {
  if (value < 0n || value > MAX_POSITION) {
    throw new RangeError(`KurrentDB ${what} ${value} does not fit a JavaScript number (0 to 2^53 - 1)`);
  }
  return Number(value);
};

/** The port position of an event (`what` names it for errors: "event <id>", "the append to <stream>"). */
export const eventPosition = (position: Position, what: string): number => {
  if (position.commit !== position.prepare) {
    // Several events of one explicit transaction share a commit position, and prepare positions do not follow
    // commit order across transactions: neither can be the port's single increasing number.
    throw new Error(
      `KurrentDB reports commit position ${position.commit} but prepare position ${position.prepare} for ${what}: ` +
        'events written in explicit transactions cannot be ordered by this adapter',
    );
  }
  return toSafeNumber(position.commit, 'position');
};

/** The port position a subscription checkpoint stands for (see the note above on `prepare: 0`). */
export const checkpointPosition = (position: Position): number => toSafeNumber(position.commit, 'checkpoint position');

/** The server position to read or subscribe from, for a position this adapter handed out. */
export const logPosition = (position: number): Position => {
  if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`Not a log position: ${position}`);
  return { commit: BigInt(position), prepare: BigInt(position) };
};

/** Stream revisions count from 0 in KurrentDB as in the port; only the type changes. */
export const revisionNumber = (revision: bigint): number => toSafeNumber(revision, 'revision');

import type { Event, RecordedEvent } from './types';

/** The stream must not exist yet. */
export const NO_STREAM = 'no_stream' as const;
/** The stream must exist, at any revision. */
export const STREAM_EXISTS = 'stream_exists' as const;
/** No concurrency check. */
export const ANY = 'any' as const;

/** A revision number (the revision of the stream's last event) or one of the constants above. */
export type ExpectedRevision = number | typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY;

export interface AppendResult {
  /** Revision of the last event appended: pass it as the expected revision of the next append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended: what a reader waits for to see this write. */
  position: number;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Start at this revision (inclusive). Defaults to the first event forwards and the last one backwards. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  direction?: 'forwards' | 'backwards';
  /** Forwards: events after this position (exclusive). Backwards: events before it. */
  after?: number;
  maxCount?: number;
}

export interface SubscriptionFilter {
  /** Deliver only events whose stream name starts with one of these prefixes. */
  streamPrefixes: readonly string[];
}

export interface SubscribeOptions {
  /** Deliver events after this global position; `start` means from the beginning of the log. */
  from: number | 'start';
  filter?: SubscriptionFilter;
  /** Largest number of events handed to the handler at once. */
  batchSize?: number;
}

/**
 * Called with each batch in global order. `checkpoint` is the position the subscriber has seen up to, which
 * may be past the last event when filtered-out events followed it. The next batch is delivered only after the
 * returned promise resolves, so a handler that stores `checkpoint` atomically with its effects resumes exactly.
 */
export type SubscriptionHandler = (events: readonly RecordedEvent[], checkpoint: number) => Promise<void>;

export interface Subscription {
  /** Stops delivery; resolves once the handler call under way (if any) has finished. */
  stop(): Promise<void>;
  /** Rejects if the subscription stopped on an error (including one thrown by the handler). */
  readonly done: Promise<void>;
}

export interface EventStore {
  appendToStream(stream: string, events: readonly Event[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of every stream in global order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch up from a position, then keep delivering live events until stopped. */
  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription;
  /** The position of the newest event in the log, or 0 when it is empty. */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

export class ExpectedVersionConflictError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or -1 when it does not exist. */
    readonly actual: number,
  ) {
    super(`Stream ${stream}: expected revision ${String(expected)}, actual ${actual === -1 ? 'no stream' : actual}`);
    this.name = 'ExpectedVersionConflictError';
  }
}

/** Shared rule for adapters that check expected revisions themselves. `current` is -1 for no stream. */
export const matchesExpectedRevision = (expected: ExpectedRevision, current: number): boolean => {
  switch (expected) {
    case ANY:
      return true;
    case NO_STREAM:
      return current === -1;
    case STREAM_EXISTS:
      return current >= 0;
    default:
      return expected === current;
  }
};

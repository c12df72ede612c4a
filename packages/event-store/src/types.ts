/** Who caused an event: carried in metadata, never read by deciders for rules about time or ids. */
export interface Actor {
  accountId: string;
  userId: string;
  tokenId?: string;
  /** Names as they were when the command ran, so that a record of who did it survives renames and deletions. */
  accountName?: string;
  userName?: string;
}

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: Actor;
  /** ISO-8601 time at which the command was accepted. */
  now?: string;
}

/** An event as a decider emits it: a stable string type (never renamed) and plain JSON data. */
export interface Event<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

/** An event as the store returns it. Revisions count from 0 in every stream; positions are global and increasing. */
export type RecordedEvent<E extends Event = Event> = E & {
  id: string;
  streamName: string;
  revision: number;
  position: number;
  metadata: EventMetadata;
};

export interface Command<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: { now: string; correlationId?: string; actor?: Actor };
}

export interface Decider<State, C extends Command, E extends Event> {
  decide: (command: C, state: State) => E[];
  evolve: (state: State, event: E) => State;
  initialState: () => State;
}

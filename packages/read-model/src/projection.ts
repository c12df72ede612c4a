import type { Event, RecordedEvent } from '@wharf/event-store';
import type { CollectionOptions, Document } from './document-store';

/**
 * A read model as a pure function of events. The runner keeps it idempotent: each document remembers the
 * position of the last event applied to it, and an event at or below that position is skipped.
 */
export interface Projection<D extends Document = Document, E extends Event = Event> {
  /** Stable name; with `version` it names the collection and the checkpoint. Bump the version to rebuild. */
  name: string;
  version: number;
  /** Streams whose events this projection reads. */
  streamPrefixes: readonly string[];
  indexes?: CollectionOptions['indexes'];
  textIndexes?: CollectionOptions['textIndexes'];
  /** The documents an event changes; empty when the projection ignores it. */
  documentIds(event: RecordedEvent<E>): string[];
  /** The document `id` after the event; null deletes it. */
  evolve(doc: D | null, event: RecordedEvent<E>, id: string): D | null;
}

export const collectionOf = (projection: Pick<Projection, 'name' | 'version'>): string => `${projection.name}_v${projection.version}`;

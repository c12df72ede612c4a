/** A read-model document: plain JSON with a string id. Fields used in filters and sorts are top-level scalars. */
export interface Document {
  id: string;
  [field: string]: unknown;
}

export type Scalar = string | number | boolean | null;

export type Filter =
  | { field: string; op: 'eq' | 'ne'; value: Scalar }
  | { field: string; op: 'in'; values: readonly Scalar[] }
  /** Case-sensitive prefix match on a string field. */
  | { field: string; op: 'prefix'; value: string }
  /** Case-insensitive (ASCII) substring match on a string field. */
  | { field: string; op: 'contains'; value: string }
  | { field: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: string | number };

export interface SortKey {
  field: string;
  direction: 'asc' | 'desc';
}

/** Keyset position: the sort-key values and id of the last document of the previous page. */
export interface Cursor {
  values: readonly Scalar[];
  id: string;
}

export interface FindQuery {
  where?: readonly Filter[];
  /** At most two keys; `id` ascending is always the final tie-breaker. Missing fields sort as null, first when ascending. */
  sort?: readonly SortKey[];
  offset?: number;
  limit?: number;
  /** Continue after this document (cursor paging); combine with `limit`, not with `offset`. */
  after?: Cursor;
}

export interface Collection<D extends Document = Document> {
  readonly name: string;
  get(id: string): Promise<D | null>;
  find(query?: FindQuery): Promise<D[]>;
  /**
   * One field of each document `find` would give, in its order: a listing of names reads no more of the documents
   * (a field of text or numbers, as sort keys are; documents without it give null).
   */
  values(field: string, query?: FindQuery): Promise<Scalar[]>;
  count(where?: readonly Filter[]): Promise<number>;
  /**
   * The total of a numeric field over the documents `where` matches (those without it add nothing): adapters
   * read it from an index on the filters' fields followed by this one where the collection has it.
   */
  sum(field: string, where?: readonly Filter[]): Promise<number>;
}

/** A document write from a projection; `doc: null` deletes. Every write carries the event position it reflects. */
export interface DocumentWrite {
  collection: string;
  id: string;
  position: number;
  doc: Document | null;
}

export interface StoredDocument<D extends Document = Document> {
  /** null when the document was deleted (its tombstone still guards against older writes). */
  doc: D | null;
  position: number;
}

export interface CollectionOptions {
  /** Field lists to index, e.g. `[['accountId', 'name']]`. */
  indexes?: readonly (readonly string[])[];
  /**
   * String fields whose `contains` filters should not scan the collection: adapters that can keep a substring
   * index for them do. Results are the same with or without one.
   */
  textIndexes?: readonly string[];
}

export interface Checkpoint {
  name: string;
  position: number;
}

/**
 * The read side's storage port. Writes are guarded by position: a write only replaces a document (or its
 * tombstone) stored at a lower position, so redelivered and concurrent projection writes are harmless.
 */
export interface DocumentStore {
  collection<D extends Document>(name: string): Collection<D>;
  ensureCollection(name: string, options?: CollectionOptions): Promise<void>;
  dropCollection(name: string): Promise<void>;
  /**
   * Applies the writes and moves the checkpoints forward (never back), atomically where the adapter can: the
   * projections of a service commit what one batch of events made of their documents together.
   */
  commit(writes: readonly DocumentWrite[], checkpoints?: readonly Checkpoint[]): Promise<void>;
  /** The stored state of a document including tombstones; null when nothing was ever written. */
  readStored<D extends Document>(collection: string, id: string): Promise<StoredDocument<D> | null>;
  readCheckpoint(name: string): Promise<number | null>;
  close(): Promise<void>;
}

export const cursorAfter = (doc: Document, sort: readonly SortKey[] = []): Cursor => ({
  values: sort.map((key) => (doc[key.field] ?? null) as Scalar),
  id: doc.id,
});

export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Adapters call this first: field names are interpolated into queries, so only plain identifiers pass. */
export const validateQuery = (query: FindQuery): void => {
  const fields = [...(query.where ?? []).map((f) => f.field), ...(query.sort ?? []).map((s) => s.field)];
  for (const field of fields) if (!FIELD.test(field)) throw new InvalidQueryError(`Invalid field name ${JSON.stringify(field)}`);
  if ((query.sort?.length ?? 0) > 2) throw new InvalidQueryError('At most two sort keys');
  if (query.after && query.offset) throw new InvalidQueryError('Use either a cursor or an offset');
  if (query.after && query.after.values.length !== (query.sort?.length ?? 0)) throw new InvalidQueryError('Cursor does not match the sort');
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 0)) throw new InvalidQueryError('Invalid limit');
  if (query.offset !== undefined && (!Number.isInteger(query.offset) || query.offset < 0)) throw new InvalidQueryError('Invalid offset');
};

export const validateFieldNames = (fields: readonly string[]): void => {
  for (const field of fields) if (!FIELD.test(field)) throw new InvalidQueryError(`Invalid field name ${JSON.stringify(field)}`);
};

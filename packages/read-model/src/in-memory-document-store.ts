import {
  validateFieldNames,
  validateQuery,
  type Checkpoint,
  type Collection,
  type Cursor,
  type Document,
  type DocumentStore,
  type DocumentWrite,
  type Filter,
  type FindQuery,
  type Scalar,
  type SortKey,
  type StoredDocument,
} from './document-store';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Orders scalars as SQLite and MongoDB do for our data: null first, then numbers/booleans, then strings by code unit. */
const compare = (a: unknown, b: unknown): number => {
  const rank = (v: unknown) => (v === null || v === undefined ? 0 : typeof v === 'string' ? 2 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  const x = typeof a === 'boolean' ? Number(a) : (a as number | string);
  const y = typeof b === 'boolean' ? Number(b) : (b as number | string);
  return x < y ? -1 : x > y ? 1 : 0;
};

const matches = (doc: Document, filter: Filter): boolean => {
  const value = doc[filter.field] ?? null;
  switch (filter.op) {
    case 'eq':
      return value === filter.value;
    case 'ne':
      return value !== filter.value;
    case 'in':
      return filter.values.includes(value as Scalar);
    case 'prefix':
      return typeof value === 'string' && value.startsWith(filter.value);
    case 'contains':
      return typeof value === 'string' && value.toLowerCase().includes(filter.value.toLowerCase());
    case 'gt':
      return value !== null && typeof value === typeof filter.value && compare(value, filter.value) > 0;
    case 'gte':
      return value !== null && typeof value === typeof filter.value && compare(value, filter.value) >= 0;
    case 'lt':
      return value !== null && typeof value === typeof filter.value && compare(value, filter.value) < 0;
    case 'lte':
      return value !== null && typeof value === typeof filter.value && compare(value, filter.value) <= 0;
  }
};

const orderBy =
  (sort: readonly SortKey[]) =>
  (a: Document, b: Document): number => {
    for (const key of sort) {
      const order = compare(a[key.field] ?? null, b[key.field] ?? null);
      if (order !== 0) return key.direction === 'asc' ? order : -order;
    }
    return compare(a.id, b.id);
  };

const isAfter = (doc: Document, sort: readonly SortKey[], cursor: Cursor): boolean => {
  const probe: Document = { id: cursor.id };
  sort.forEach((key, i) => (probe[key.field] = cursor.values[i] ?? null));
  return orderBy(sort)(doc, probe) > 0;
};

/** The in-memory adapter: the reference semantics of the port, and a fake for tests. Passes the same contract. */
export const getInMemoryDocumentStore = (): DocumentStore => {
  const collections = new Map<string, Map<string, StoredDocument>>();
  const checkpointPositions = new Map<string, number>();
  const table = (name: string) => {
    let rows = collections.get(name);
    if (!rows) {
      rows = new Map();
      collections.set(name, rows);
    }
    return rows;
  };
  const live = (name: string, where: readonly Filter[]) =>
    [...table(name).values()].flatMap((row) => (row.doc && where.every((f) => matches(row.doc!, f)) ? [row.doc] : []));

  const found = (name: string, query: FindQuery): Document[] => {
    validateQuery(query);
    const sort = query.sort ?? [];
    let docs = live(name, query.where ?? []).sort(orderBy(sort));
    if (query.after) docs = docs.filter((doc) => isAfter(doc, sort, query.after!));
    const offset = query.offset ?? 0;
    return docs.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  };

  const collection = <D extends Document>(name: string): Collection<D> => ({
    name,
    async get(id) {
      const doc = table(name).get(id)?.doc;
      return doc ? (clone(doc) as D) : null;
    },
    async find(query: FindQuery = {}) {
      return clone(found(name, query)) as D[];
    },
    async values(field: string, query: FindQuery = {}) {
      validateFieldNames([field]);
      return found(name, query).map((doc) => (doc[field] ?? null) as Scalar);
    },
    async count(where: readonly Filter[] = []) {
      validateQuery({ where });
      return live(name, where).length;
    },
    async sum(field: string, where: readonly Filter[] = []) {
      validateQuery({ where });
      validateFieldNames([field]);
      return live(name, where).reduce((total, doc) => {
        const value = doc[field];
        return total + (typeof value === 'number' ? value : 0);
      }, 0);
    },
  });

  return {
    collection,
    async ensureCollection(name, options = {}) {
      for (const fields of options.indexes ?? []) validateFieldNames(fields);
      table(name);
    },
    async dropCollection(name) {
      collections.delete(name);
      checkpointPositions.delete(name);
    },
    async commit(writes: readonly DocumentWrite[], checkpoints: readonly Checkpoint[] = []) {
      for (const write of writes) {
        const rows = table(write.collection);
        const stored = rows.get(write.id);
        if (stored && stored.position >= write.position) continue;
        rows.set(write.id, { doc: write.doc === null ? null : clone(write.doc), position: write.position });
      }
      for (const checkpoint of checkpoints) checkpointPositions.set(checkpoint.name, Math.max(checkpointPositions.get(checkpoint.name) ?? 0, checkpoint.position));
    },
    async readStored<D extends Document>(name: string, id: string) {
      const stored = table(name).get(id);
      return stored ? (clone(stored) as StoredDocument<D>) : null;
    },
    async readCheckpoint(name) {
      return checkpointPositions.get(name) ?? null;
    },
    async close() {},
  };
};

import { InvalidQueryError, validateFieldNames, type Cursor, type Filter, type FindQuery, type Scalar, type SortKey } from '@wharf/read-model';
import type { Document as MongoDocument, Sort } from 'mongodb';

/** The stored position of a document; a document is stored flat, with its own fields beside these. */
export const POSITION = '_position';
/** Set on tombstones, which keep only `_id` and the position. */
export const DELETED = '_deleted';
/** Fields the adapter owns: documents cannot carry them, and queries cannot name them. */
export const RESERVED_FIELDS: readonly string[] = ['_id', POSITION, DELETED];

/** The port's field-name rule, plus the adapter's own fields. */
export const checkFieldNames = (fields: readonly string[]): void => {
  validateFieldNames(fields);
  const reserved = fields.find((field) => RESERVED_FIELDS.includes(field));
  if (reserved !== undefined) throw new InvalidQueryError(`Field ${reserved} is reserved by the MongoDB document store`);
};

export const checkQuery = (query: FindQuery): void =>
  checkFieldNames([...(query.where ?? []).map((filter) => filter.field), ...(query.sort ?? []).map((key) => key.field)]);

/** Escapes every regular-expression metacharacter, so user input only ever matches itself. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A pattern matching `text` anywhere, ignoring the case of ASCII letters only, as the port specifies. The `i`
 * option would also fold non-ASCII letters, so each ASCII letter becomes a two-letter class instead.
 */
export const containsPattern = (text: string): string =>
  escapeRegex(text).replace(/[A-Za-z]/g, (letter) => `[${letter.toLowerCase()}${letter.toUpperCase()}]`);

/** Anchored and case-sensitive: MongoDB turns such a regex into index bounds. */
export const prefixPattern = (prefix: string): string => `^${escapeRegex(prefix)}`;

/**
 * One filter as a MongoDB condition. MongoDB's own semantics are the port's: `{ f: null }` matches missing fields,
 * `$ne` matches them, and range operators only compare values of the same type.
 */
const condition = (filter: Filter): MongoDocument => {
  switch (filter.op) {
    case 'eq':
      return { [filter.field]: filter.value };
    case 'ne':
      return { [filter.field]: { $ne: filter.value } };
    case 'in':
      return { [filter.field]: { $in: [...filter.values] } };
    case 'prefix':
      return { [filter.field]: { $regex: prefixPattern(filter.value) } };
    case 'contains':
      return { [filter.field]: { $regex: containsPattern(filter.value) } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { [filter.field]: { [`$${filter.op}`]: filter.value } };
    default: {
      const unknown: never = filter;
      throw new InvalidQueryError(`Unknown filter ${JSON.stringify(unknown)}`);
    }
  }
};

/** Live documents (no tombstones) matching every filter. */
export const toMongoFilter = (filters: readonly Filter[]): MongoDocument => ({
  [DELETED]: { $ne: true },
  ...(filters.length > 0 ? { $and: filters.map(condition) } : {}),
});

/** The sort keys, then `_id` ascending. MongoDB orders null and missing first ascending, last descending, as the port. */
export const toMongoSort = (sort: readonly SortKey[]): Sort => {
  // Field names are identifiers, never integer-like, so the object keeps this insertion order on the wire.
  const spec: Record<string, 1 | -1> = {};
  for (const key of sort) spec[key.field] = key.direction === 'asc' ? 1 : -1;
  spec._id = 1;
  return spec;
};

interface KeysetKey {
  field: string;
  direction: 'asc' | 'desc';
  value: Scalar;
}

/** Strictly later on this key; null (or missing) comes first ascending and last descending. */
const beyond = ({ field, direction, value }: KeysetKey): MongoDocument => {
  if (value === null) return direction === 'asc' ? { [field]: { $ne: null } } : { $expr: false };
  return direction === 'asc' ? { [field]: { $gt: value } } : { $or: [{ [field]: { $lt: value } }, { [field]: null }] };
};

/** Documents strictly after the cursor in the full sort order: (k1 > v1) OR (k1 = v1 AND k2 > v2) OR … then `_id`. */
export const toMongoAfter = (sort: readonly SortKey[], cursor: Cursor): MongoDocument => {
  const keys: KeysetKey[] = [
    ...sort.map((key, i) => ({ field: key.field, direction: key.direction, value: cursor.values[i] ?? null })),
    { field: '_id', direction: 'asc', value: cursor.id },
  ];
  return {
    $or: keys.map((key, i) => ({
      $and: [...keys.slice(0, i).map((earlier) => ({ [earlier.field]: earlier.value })), beyond(key)],
    })),
  };
};

/** The full filter of a find: live documents, the query's filters and, for cursor paging, the keyset condition. */
export const findFilter = (query: FindQuery): MongoDocument => {
  const filter = toMongoFilter(query.where ?? []);
  return query.after ? { $and: [filter, toMongoAfter(query.sort ?? [], query.after)] } : filter;
};

import type { Cursor, Filter, Scalar, SortKey } from '@wharf/read-model';
import type { Document as MongoDocument, Filter as MongoFilter, Sort } from 'mongodb';

/** Fields the adapter keeps beside a document's own; documents never use names starting with `_`. */
export const POSITION = '_position';
export const DELETED = '_deleted';

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const condition = (filter: Filter): MongoDocument => {
  switch (filter.op) {
    case 'eq':
      return { [filter.field]: filter.value };
    case 'ne':
      return { [filter.field]: { $ne: filter.value } };
    case 'in':
      return { [filter.field]: { $in: [...filter.values] } };
    case 'prefix':
      return { [filter.field]: { $regex: `^${escapeRegex(filter.value)}` } };
    case 'contains':
      return { [filter.field]: { $regex: escapeRegex(filter.value), $options: 'i' } };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { [filter.field]: { [`$${filter.op}`]: filter.value } };
    default: {
      const unknown: never = filter;
      throw new Error(`Unknown filter ${JSON.stringify(unknown)}`);
    }
  }
};

/** Live documents (no tombstones) matching every filter. */
export const toMongoFilter = (filters: readonly Filter[]): MongoFilter<MongoDocument> => ({
  [DELETED]: { $ne: true },
  ...(filters.length > 0 ? { $and: filters.map(condition) } : {}),
});

/** The sort keys then `_id` ascending. MongoDB orders null and missing first ascending, as the port wants. */
export const toMongoSort = (sort: readonly SortKey[]): Sort => {
  const result: Record<string, 1 | -1> = {};
  for (const key of sort) result[key.field] = key.direction === 'asc' ? 1 : -1;
  result._id = 1;
  return result;
};

/** Documents strictly after the cursor in the sort order. */
export const toMongoAfter = (sort: readonly SortKey[], cursor: Cursor): MongoDocument => {
  const keys = [
    ...sort.map((key, i) => ({ field: key.field, direction: key.direction, value: (cursor.values[i] ?? null) as Scalar })),
    { field: '_id', direction: 'asc' as const, value: cursor.id as Scalar },
  ];
  const beyond = (field: string, direction: 'asc' | 'desc', value: Scalar): MongoDocument => {
    if (value === null) return direction === 'asc' ? { [field]: { $ne: null } } : { $expr: false };
    // Descending, nulls come last, so they are after any value.
    return direction === 'asc' ? { [field]: { $gt: value } } : { $or: [{ [field]: { $lt: value } }, { [field]: null }] };
  };
  return {
    $or: keys.map((key, i) => ({
      $and: [...keys.slice(0, i).map((k) => ({ [k.field]: k.value })), beyond(key.field, key.direction, key.value)],
    })),
  };
};

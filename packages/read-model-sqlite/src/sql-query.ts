import { InvalidQueryError, type Cursor, type Filter, type Scalar, type SortKey } from '@wharf/read-model';

/** A SQL fragment with its parameters. */
export interface Sql {
  text: string;
  params: unknown[];
}

/** The SQL expression of a document field; the same text is used in expression indexes so they apply. */
export const field = (name: string): string => `json_extract(doc, '$.${name}')`;

/** SQLite cannot bind booleans; json_extract yields 1 and 0 for them, so bind those. */
const bindable = (value: Scalar): unknown => (typeof value === 'boolean' ? Number(value) : value);

/** The smallest string greater than every string starting with `prefix` (binary collation). */
const prefixUpperBound = (prefix: string): string => {
  const last = prefix.codePointAt(prefix.length - 1)!;
  return prefix.slice(0, prefix.length - String.fromCodePoint(last).length) + String.fromCodePoint(last + 1);
};

const condition = (filter: Filter): Sql => {
  const x = field(filter.field);
  switch (filter.op) {
    case 'eq':
      if (filter.value === null) return { text: `${x} IS NULL`, params: [] };
      if (typeof filter.value === 'boolean') return { text: `json_type(doc, '$.${filter.field}') = ?`, params: [String(filter.value)] };
      return { text: `${x} = ?`, params: [filter.value] };
    case 'ne':
      if (typeof filter.value === 'boolean') return { text: `json_type(doc, '$.${filter.field}') IS NOT ?`, params: [String(filter.value)] };
      return { text: `${x} IS NOT ?`, params: [filter.value] };
    case 'in': {
      const values = filter.values.filter((v) => v !== null);
      const parts = values.length > 0 ? [`${x} IN (${values.map(() => '?').join(', ')})`] : [];
      if (values.length !== filter.values.length) parts.push(`${x} IS NULL`);
      return { text: parts.length > 0 ? `(${parts.join(' OR ')})` : '0', params: values.map(bindable) };
    }
    case 'prefix':
      // A range on the indexed expression rather than LIKE: case-sensitive, and no wildcards to escape.
      if (filter.value === '') return { text: `typeof(${x}) = 'text'`, params: [] };
      return { text: `(${x} >= ? AND ${x} < ?)`, params: [filter.value, prefixUpperBound(filter.value)] };
    case 'contains':
      // instr has no wildcards; lower() folds ASCII only, as the port specifies.
      return { text: `(typeof(${x}) = 'text' AND instr(lower(${x}), lower(?)) > 0)`, params: [filter.value] };
    case 'gt':
      return { text: `${x} > ?`, params: [filter.value] };
    case 'gte':
      return { text: `${x} >= ?`, params: [filter.value] };
    case 'lt':
      return { text: `${x} < ?`, params: [filter.value] };
    case 'lte':
      return { text: `${x} <= ?`, params: [filter.value] };
    default: {
      const unknown: never = filter;
      throw new InvalidQueryError(`Unknown filter ${JSON.stringify(unknown)}`);
    }
  }
};

/** `doc IS NOT NULL` (not a tombstone) and every filter. */
export const whereClause = (filters: readonly Filter[]): Sql => {
  const parts = filters.map(condition);
  return { text: ['doc IS NOT NULL', ...parts.map((p) => p.text)].join(' AND '), params: parts.flatMap((p) => p.params) };
};

/** Sort keys plus `id` ascending; SQLite orders NULL first ascending and last descending, as the port wants. */
export const orderClause = (sort: readonly SortKey[]): string =>
  [...sort.map((key) => `${field(key.field)} ${key.direction === 'asc' ? 'ASC' : 'DESC'}`), 'id ASC'].join(', ');

/** Keyset condition: rows strictly after the cursor in the sort order (including the `id` tie-breaker). */
export const afterClause = (sort: readonly SortKey[], cursor: Cursor): Sql => {
  const keys = [...sort.map((key, i) => ({ x: field(key.field), direction: key.direction, value: cursor.values[i] ?? null })),
    { x: 'id', direction: 'asc' as const, value: cursor.id as Scalar }];
  const equal = (x: string, value: Scalar): Sql => (value === null ? { text: `${x} IS NULL`, params: [] } : { text: `${x} = ?`, params: [bindable(value)] });
  const beyond = (x: string, direction: 'asc' | 'desc', value: Scalar): Sql => {
    if (value === null) return direction === 'asc' ? { text: `${x} IS NOT NULL`, params: [] } : { text: '0', params: [] };
    return direction === 'asc'
      ? { text: `${x} > ?`, params: [bindable(value)] }
      : { text: `(${x} < ? OR ${x} IS NULL)`, params: [bindable(value)] };
  };
  const alternatives = keys.map((key, i) => {
    const parts = [...keys.slice(0, i).map((k) => equal(k.x, k.value)), beyond(key.x, key.direction, key.value)];
    return { text: `(${parts.map((p) => p.text).join(' AND ')})`, params: parts.flatMap((p) => p.params) };
  });
  return { text: `(${alternatives.map((a) => a.text).join(' OR ')})`, params: alternatives.flatMap((a) => a.params) };
};

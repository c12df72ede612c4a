import { InvalidQueryError, type Cursor, type Filter, type FindQuery, type Scalar, type SortKey } from '@wharf/read-model';

/** A SQL fragment with its positional parameters. */
export interface Sql {
  text: string;
  params: unknown[];
}

const sql = (text: string, params: unknown[] = []): Sql => ({ text, params });

const join = (parts: readonly Sql[], separator: string): Sql =>
  sql(parts.map((part) => part.text).join(separator), parts.flatMap((part) => part.params));

const wrap = (part: Sql): Sql => sql(`(${part.text})`, part.params);

const NOTHING = sql('0');

/**
 * The SQL expression of a document field. Expression indexes are declared with exactly this text, which is what
 * lets the planner use them. `name` has passed `validateQuery`/`validateFieldNames`, so it is a plain identifier.
 */
export const field = (name: string): string =>
  // A document's id is its row's primary key, so filters and sorts on it use the key instead of the JSON.
  name === 'id' ? 'id' : `json_extract(doc, '$.${name}')`;

/**
 * json_extract turns JSON true/false into 1/0, and SQLite cannot bind booleans: bind those numbers. So SQLite does
 * not tell `true` from `1`, in filters as in sorts; telling them apart would take json_type(), which reads the
 * table row and turns an index-only count into a table scan. A field holds booleans or numbers, never both.
 */
const bindable = (value: Scalar): unknown => (typeof value === 'boolean' ? Number(value) : value);

/** Equality in ORDER BY's sense, so that filters and cursors agree with the sort; `null` matches missing fields. */
const equals = (x: string, value: Scalar): Sql => (value === null ? sql(`${x} IS NULL`) : sql(`${x} = ?`, [bindable(value)]));

const member = (x: string, values: readonly Scalar[]): Sql => {
  // The non-null values go in one IN list, which an index serves; null needs IS NULL.
  const present = values.filter((value) => value !== null);
  const parts = [
    ...(present.length > 0 ? [sql(`${x} IN (${present.map(() => '?').join(', ')})`, present.map(bindable))] : []),
    ...(present.length < values.length ? [sql(`${x} IS NULL`)] : []),
  ];
  if (parts.length === 0) return NOTHING;
  return parts.length === 1 ? parts[0]! : wrap(join(parts, ' OR '));
};

/**
 * The least string above every string that starts with `prefix`, in SQLite's binary order (UTF-8 bytes, so code
 * points); undefined when no such string exists. Surrogate code points are skipped: they cannot be encoded.
 */
export const prefixEnd = (prefix: string): string | undefined => {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
};

/** A range on the indexed expression rather than LIKE/GLOB: case-sensitive, and no wildcards to escape. */
const startsWith = (x: string, prefix: string): Sql => {
  const end = prefixEnd(prefix);
  // Text sorts after every number, so a lower bound of '' (or any string) keeps numbers out.
  return end === undefined ? sql(`${x} >= ?`, [prefix]) : sql(`(${x} >= ? AND ${x} < ?)`, [prefix, end]);
};

const RANGE = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * A range comparison kept within the value's type (numbers or text), as the reference adapter and MongoDB do:
 * SQLite orders every number before every text, so `< ''` means "a number" and `>= ''` means "a text", a bound on
 * the indexed expression again.
 */
const compares = (x: string, op: keyof typeof RANGE, value: string | number): Sql =>
  sql(`(${x} ${RANGE[op]} ? AND ${x} ${typeof value === 'number' ? "< ''" : ">= ''"})`, [value]);

/** The text index table serving `contains` on a field, if the collection has one. */
export type TextIndexOf = (fieldName: string) => string | undefined;

/** Trigrams need three characters; shorter needles scan. */
const TRIGRAM = 3;

/**
 * A substring match: instr has no wildcards, so `%` and `_` stay literal, and SQLite's lower() folds ASCII letters
 * only. With a trigram index the candidates come from the index (a phrase query matches substrings, folding case
 * at least as widely) and instr keeps the exact meaning.
 */
const contains = (x: string, value: string, textIndex: string | undefined): Sql => {
  const exact = sql(`(typeof(${x}) = 'text' AND instr(lower(${x}), lower(?)) > 0)`, [value]);
  if (textIndex === undefined || [...value].length < TRIGRAM) return exact;
  return sql(`(rowid IN (SELECT rowid FROM "${textIndex}" WHERE value MATCH ?) AND ${exact.text})`, [`"${value.replace(/"/g, '""')}"`, ...exact.params]);
};

const condition = (filter: Filter, textIndexOf: TextIndexOf): Sql => {
  switch (filter.op) {
    case 'eq':
      return equals(field(filter.field), filter.value);
    case 'ne':
      // IS NOT, unlike !=, is true for NULL: a missing field is "not equal" to any value.
      return sql(`${field(filter.field)} IS NOT ?`, [bindable(filter.value)]);
    case 'in':
      return member(field(filter.field), filter.values);
    case 'prefix':
      return startsWith(field(filter.field), filter.value);
    case 'contains':
      return contains(field(filter.field), filter.value, textIndexOf(filter.field));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compares(field(filter.field), filter.op, filter.value);
    default: {
      const unknown: never = filter;
      throw new InvalidQueryError(`Unknown filter ${JSON.stringify(unknown)}`);
    }
  }
};

/**
 * Live documents (not tombstones) matching every filter. `doc IS NOT NULL` is also the WHERE clause of the partial
 * expression indexes, so it must stay in every query for the planner to pick them.
 */
export const whereClause = (filters: readonly Filter[], textIndexOf: TextIndexOf = () => undefined): Sql =>
  join([sql('doc IS NOT NULL'), ...filters.map((filter) => condition(filter, textIndexOf))], ' AND ');

/** Sort keys, then `id` ascending. SQLite puts NULL (missing) first ascending and last descending, as the port wants. */
export const orderClause = (sort: readonly SortKey[]): string =>
  [...sort.map((key) => `${field(key.field)} ${key.direction === 'asc' ? 'ASC' : 'DESC'}`), 'id ASC'].join(', ');

interface KeysetKey {
  x: string;
  direction: 'asc' | 'desc';
  value: Scalar;
}

/** Strictly later on this key, with NULL first ascending and last descending. */
const beyond = ({ x, direction, value }: KeysetKey): Sql => {
  if (value === null) return direction === 'asc' ? sql(`${x} IS NOT NULL`) : NOTHING;
  return direction === 'asc' ? sql(`${x} > ?`, [bindable(value)]) : sql(`(${x} < ? OR ${x} IS NULL)`, [bindable(value)]);
};

/**
 * At or after the cursor on the first key: redundant with the keyset OR, but ascending it is a range the index can
 * seek to, and descending it still steers the planner to walk the index rather than sort the table.
 */
const notBefore = ({ x, direction, value }: KeysetKey): Sql | undefined => {
  if (direction === 'asc') return value === null ? undefined : sql(`${x} >= ?`, [bindable(value)]);
  return value === null ? sql(`${x} IS NULL`) : sql(`(${x} <= ? OR ${x} IS NULL)`, [bindable(value)]);
};

/** Rows strictly after the cursor in the full sort order, `id` included: (k1 > v1) OR (k1 = v1 AND k2 > v2) OR … */
export const afterClause = (sort: readonly SortKey[], cursor: Cursor): Sql => {
  const keys: KeysetKey[] = [
    ...sort.map((key, i) => ({ x: field(key.field), direction: key.direction, value: cursor.values[i] ?? null })),
    { x: 'id', direction: 'asc', value: cursor.id },
  ];
  const alternatives = keys.map((key, i) => {
    const tiedBefore = keys.slice(0, i).map((earlier) => equals(earlier.x, earlier.value));
    return wrap(join([...tiedBefore, beyond(key)], ' AND '));
  });
  const keyset = wrap(join(alternatives, ' OR '));
  const seek = notBefore(keys[0]!);
  return seek ? join([seek, keyset], ' AND ') : keyset;
};

/**
 * The statement of `find` on a table: filters, cursor, sort and page, all values as parameters. `select` is what
 * each row gives: the document, or the expression of one field (which an index on it serves without the row).
 */
export const findSql = (table: string, query: FindQuery, textIndexOf?: TextIndexOf, select = 'doc'): Sql => {
  const sort = query.sort ?? [];
  const where = whereClause(query.where ?? [], textIndexOf);
  const conditions = query.after ? join([where, afterClause(sort, query.after)], ' AND ') : where;
  // LIMIT -1 is SQLite's "no limit"; binding it keeps one statement shape for limited and unlimited finds.
  return sql(`SELECT ${select} FROM "${table}" WHERE ${conditions.text} ORDER BY ${orderClause(sort)} LIMIT ? OFFSET ?`, [
    ...conditions.params,
    query.limit ?? -1,
    query.offset ?? 0,
  ]);
};

/**
 * TOTAL (0.0 over no rows, where SUM gives NULL) of a field. With `index`, SQLite reads the field from the index
 * instead of decoding each document: its planner does not count an expression index as covering on its own.
 */
export const sumSql = (table: string, fieldName: string, where: readonly Filter[], textIndexOf?: TextIndexOf, index?: string): Sql => {
  const conditions = whereClause(where, textIndexOf);
  const indexed = index === undefined ? '' : ` INDEXED BY "${index}"`;
  return sql(`SELECT TOTAL(${field(fieldName)}) AS n FROM "${table}"${indexed} WHERE ${conditions.text}`, conditions.params);
};

export const countSql = (table: string, where: readonly Filter[], textIndexOf?: TextIndexOf): Sql => {
  const conditions = whereClause(where, textIndexOf);
  return sql(`SELECT COUNT(*) AS n FROM "${table}" WHERE ${conditions.text}`, conditions.params);
};

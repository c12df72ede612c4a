import { InvalidQueryError, validateFieldNames } from '@wharf/read-model';
import { field } from './sql-query';

/** Lower case only: SQLite table names are case-insensitive, so `Repos` and `repos` would be one table. */
const COLLECTION = /^[a-z][a-z0-9_]*$/;
/** No double underscore, which separates the namespace from the collection in table names. */
const NAMESPACE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
/** The checkpoint table takes this collection's table name. */
const RESERVED = 'checkpoints';

/** The tables of one namespace: `rm_<namespace>__<collection>` and `rm_<namespace>__checkpoints`. */
export interface SchemaNames {
  checkpoints: string;
  table(collection: string): string;
}

export const schemaNames = (namespace: string): SchemaNames => {
  if (!NAMESPACE.test(namespace)) throw new InvalidQueryError(`Invalid namespace ${JSON.stringify(namespace)}`);
  return {
    checkpoints: `rm_${namespace}__${RESERVED}`,
    table(collection) {
      if (!COLLECTION.test(collection) || collection === RESERVED) {
        throw new InvalidQueryError(`Invalid collection name ${JSON.stringify(collection)}`);
      }
      return `rm_${namespace}__${collection}`;
    },
  };
};

/** `doc` is the document as JSON, NULL for a tombstone that keeps its position. */
export const createTableSql = (table: string): string =>
  `CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT)`;

export const createCheckpointsSql = (table: string): string =>
  `CREATE TABLE IF NOT EXISTS "${table}" (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`;

export const indexName = (table: string, fields: readonly string[]): string => `ix_${table}__${fields.join('__')}`;

/**
 * An expression index over the fields, then `id`: `ORDER BY fields…, id` (the port's tie-breaker) is then read
 * straight from the index, so a sorted page stops after `limit` rows. Partial on `doc IS NOT NULL`, which every
 * query states: tombstones stay out, and counts need not visit the table to tell them apart.
 */
export const createIndexSql = (table: string, fields: readonly string[]): string => {
  validateFieldNames(fields);
  const name = indexName(table, fields);
  return `CREATE INDEX IF NOT EXISTS "${name}" ON "${table}" (${[...fields.map(field), 'id'].join(', ')}) WHERE doc IS NOT NULL`;
};

/** The substring index of one field: an FTS5 table with the trigram tokenizer, its rowids the collection's rowids. */
export const textIndexTable = (table: string, fieldName: string): string => {
  validateFieldNames([fieldName]);
  return `${table}__text__${fieldName}`;
};

export const createTextIndexSql = (textTable: string): string =>
  `CREATE VIRTUAL TABLE IF NOT EXISTS "${textTable}" USING fts5(value, tokenize = 'trigram')`;

/** Fills a new text index from the documents already stored (string values only, as writes keep it). */
export const fillTextIndexSql = (textTable: string, table: string, fieldName: string): string =>
  `INSERT INTO "${textTable}" (rowid, value) SELECT rowid, ${field(fieldName)} FROM "${table}" WHERE doc IS NOT NULL AND typeof(${field(fieldName)}) = 'text'`;

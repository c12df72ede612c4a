import Database from 'better-sqlite3';
import {
  validateFieldNames,
  validateQuery,
  InvalidQueryError,
  type Checkpoint,
  type Collection,
  type CollectionOptions,
  type Document,
  type DocumentStore,
  type DocumentWrite,
  type Filter,
  type FindQuery,
  type StoredDocument,
} from '@wharf/read-model';
import { afterClause, field, orderClause, whereClause } from './sql-query';

export interface SqliteDocumentStoreOptions {
  path: string;
  /** Prefix of this store's tables, so several services' read models share one file. */
  namespace: string;
}

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;

/**
 * Read models in SQLite: a table per collection (`id`, `position`, `doc` as JSON, NULL for a tombstone), filters
 * and sorts on `json_extract` expressions, which expression indexes serve. Documents and checkpoint commit in one
 * transaction.
 */
export const getSqliteDocumentStore = ({ path, namespace }: SqliteDocumentStoreOptions): DocumentStore => {
  if (!IDENTIFIER.test(namespace)) throw new InvalidQueryError(`Invalid namespace ${JSON.stringify(namespace)}`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  const checkpoints = `rm_${namespace}__checkpoints`;
  db.exec(`CREATE TABLE IF NOT EXISTS "${checkpoints}" (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`);

  const statementCache = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let prepared = statementCache.get(sql);
    if (!prepared) {
      prepared = db.prepare(sql);
      statementCache.set(sql, prepared);
    }
    return prepared;
  };
  const tableOf = (collection: string): string => {
    if (!IDENTIFIER.test(collection)) throw new InvalidQueryError(`Invalid collection name ${JSON.stringify(collection)}`);
    return `rm_${namespace}__${collection}`;
  };
  const knownTables = new Set<string>();
  const tableExists = (table: string): boolean => {
    if (knownTables.has(table)) return true;
    const found = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
    if (found) knownTables.add(table);
    return found;
  };
  const createTable = (table: string): void => {
    db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT)`);
    knownTables.add(table);
  };
  const parse = <D extends Document>(row: { doc: string } | undefined): D | null => (row ? (JSON.parse(row.doc) as D) : null);

  const collection = <D extends Document>(name: string): Collection<D> => {
    const table = tableOf(name);
    const query = (select: string, where: readonly Filter[], tail: { text: string; params: unknown[] } = { text: '', params: [] }) => {
      const clause = whereClause(where);
      return { sql: `SELECT ${select} FROM "${table}" WHERE ${clause.text}${tail.text}`, params: [...clause.params, ...tail.params] };
    };
    return {
      name,
      async get(id) {
        if (!tableExists(table)) return null;
        return parse<D>(statement(`SELECT doc FROM "${table}" WHERE id = ? AND doc IS NOT NULL`).get(id) as { doc: string } | undefined);
      },
      async find(findQuery: FindQuery = {}) {
        validateQuery(findQuery);
        if (!tableExists(table) || findQuery.limit === 0) return [];
        const sort = findQuery.sort ?? [];
        const after = findQuery.after ? afterClause(sort, findQuery.after) : undefined;
        const tail = {
          text: `${after ? ` AND ${after.text}` : ''} ORDER BY ${orderClause(sort)} LIMIT ? OFFSET ?`,
          params: [...(after?.params ?? []), findQuery.limit ?? -1, findQuery.offset ?? 0],
        };
        const { sql, params } = query('doc', findQuery.where ?? [], tail);
        return (statement(sql).all(...params) as { doc: string }[]).map((row) => JSON.parse(row.doc) as D);
      },
      async count(where: readonly Filter[] = []) {
        validateQuery({ where });
        if (!tableExists(table)) return 0;
        const { sql, params } = query('COUNT(*) AS n', where);
        return (statement(sql).get(...params) as { n: number }).n;
      },
    };
  };

  const applyWrites = db.transaction((writes: readonly DocumentWrite[], checkpoint: Checkpoint | undefined) => {
    for (const write of writes) {
      const table = tableOf(write.collection);
      if (!tableExists(table)) createTable(table);
      statement(
        `INSERT INTO "${table}" (id, position, doc) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, doc = excluded.doc WHERE excluded.position > position`,
      ).run(write.id, write.position, write.doc === null ? null : JSON.stringify(write.doc));
    }
    if (checkpoint) {
      statement(
        `INSERT INTO "${checkpoints}" (name, position) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET position = MAX(position, excluded.position)`,
      ).run(checkpoint.name, checkpoint.position);
    }
  });

  return {
    collection,
    async ensureCollection(name: string, options: CollectionOptions = {}) {
      const table = tableOf(name);
      createTable(table);
      for (const fields of options.indexes ?? []) {
        validateFieldNames(fields);
        db.exec(`CREATE INDEX IF NOT EXISTS "${table}__${fields.join('__')}" ON "${table}" (${fields.map(field).join(', ')})`);
      }
    },
    async dropCollection(name: string) {
      const table = tableOf(name);
      db.transaction(() => {
        db.exec(`DROP TABLE IF EXISTS "${table}"`);
        statement(`DELETE FROM "${checkpoints}" WHERE name = ?`).run(name);
      })();
      knownTables.delete(table);
      // Statements on a dropped table are invalid now.
      for (const sql of [...statementCache.keys()]) if (sql.includes(`"${table}"`)) statementCache.delete(sql);
    },
    async commit(writes: readonly DocumentWrite[], checkpoint?: Checkpoint) {
      applyWrites.immediate(writes, checkpoint);
    },
    async readStored<D extends Document>(name: string, id: string): Promise<StoredDocument<D> | null> {
      const table = tableOf(name);
      if (!tableExists(table)) return null;
      const row = statement(`SELECT doc, position FROM "${table}" WHERE id = ?`).get(id) as { doc: string | null; position: number } | undefined;
      if (!row) return null;
      return { doc: row.doc === null ? null : (JSON.parse(row.doc) as D), position: row.position };
    },
    async readCheckpoint(name: string) {
      const row = statement(`SELECT position FROM "${checkpoints}" WHERE name = ?`).get(name) as { position: number } | undefined;
      return row?.position ?? null;
    },
    async close() {
      db.close();
    },
  };
};

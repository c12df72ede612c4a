import Database from 'better-sqlite3';
import {
  validateQuery,
  type Checkpoint,
  type Collection,
  type CollectionOptions,
  type Document,
  type DocumentStore,
  type DocumentWrite,
  type FindQuery,
  type StoredDocument,
} from '@wharf/read-model';
import { countSql, findSql } from './sql-query';
import { createCheckpointsSql, createIndexSql, createTableSql, schemaNames } from './sqlite-schema';
import { StatementCache } from './statement-cache';

export interface SqliteDocumentStoreOptions {
  path: string;
  /** Prefix of this store's tables (e.g. the service name), so several services' read models share one file. */
  namespace: string;
}

interface StoredRow {
  doc: string | null;
  position: number;
}

const openDatabase = (path: string): Database.Database => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Read models are rebuilt from the event store, so losing the last commits to a power cut is acceptable;
  // NORMAL still keeps the file consistent, and every commit stays atomic.
  db.pragma('synchronous = NORMAL');
  // Other processes (and the event store) write to the same file; wait for their transactions instead of failing.
  db.pragma('busy_timeout = 10000');
  return db;
};

/**
 * Read models in SQLite: a table per collection (`id`, `position`, `doc` as JSON or NULL for a tombstone),
 * filtered and sorted on `json_extract` expressions that expression indexes serve. A commit's documents and
 * checkpoint are one transaction.
 */
export const getSqliteDocumentStore = ({ path, namespace }: SqliteDocumentStoreOptions): DocumentStore => {
  const names = schemaNames(namespace);
  const db = openDatabase(path);
  db.exec(createCheckpointsSql(names.checkpoints));
  const statements = new StatementCache(db);

  // Asked every time rather than remembered: another connection may create or drop the table meanwhile.
  const tableExists = (table: string): boolean =>
    statements.get(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) !== undefined;

  const collection = <D extends Document>(name: string): Collection<D> => {
    const table = names.table(name);
    return {
      name,
      async get(id) {
        if (!tableExists(table)) return null;
        const row = statements.get(`SELECT doc FROM "${table}" WHERE id = ? AND doc IS NOT NULL`).get(id) as { doc: string } | undefined;
        return row ? (JSON.parse(row.doc) as D) : null;
      },
      async find(query: FindQuery = {}) {
        validateQuery(query);
        if (query.limit === 0 || !tableExists(table)) return [];
        const { text, params } = findSql(table, query);
        return (statements.get(text).all(...params) as { doc: string }[]).map((row) => JSON.parse(row.doc) as D);
      },
      async count(where = []) {
        validateQuery({ where });
        if (!tableExists(table)) return 0;
        const { text, params } = countSql(table, where);
        return (statements.get(text).get(...params) as { n: number }).n;
      },
    };
  };

  const upsert = (table: string, write: DocumentWrite): void => {
    // The position guard: an older or redelivered write leaves the stored document (or tombstone) alone.
    statements
      .get(
        `INSERT INTO "${table}" (id, position, doc) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, doc = excluded.doc WHERE excluded.position > position`,
      )
      .run(write.id, write.position, write.doc === null ? null : JSON.stringify(write.doc));
  };

  const advanceCheckpoint = (checkpoint: Checkpoint): void => {
    statements
      .get(
        `INSERT INTO "${names.checkpoints}" (name, position) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position WHERE excluded.position > position`,
      )
      .run(checkpoint.name, checkpoint.position);
  };

  const applyCommit = db.transaction((writes: readonly DocumentWrite[], checkpoint: Checkpoint | undefined) => {
    const tables = new Map<string, string>();
    for (const write of writes) {
      let table = tables.get(write.collection);
      if (table === undefined) {
        table = names.table(write.collection);
        // A no-op when the table exists; it is there in case ensureCollection was skipped or another store dropped it.
        statements.get(createTableSql(table)).run();
        tables.set(write.collection, table);
      }
      upsert(table, write);
    }
    if (checkpoint) advanceCheckpoint(checkpoint);
  });

  const ensure = db.transaction((table: string, options: CollectionOptions) => {
    db.exec(createTableSql(table));
    for (const fields of options.indexes ?? []) db.exec(createIndexSql(table, fields));
  });

  const drop = db.transaction((name: string, table: string) => {
    db.exec(`DROP TABLE IF EXISTS "${table}"`);
    // The checkpoint named after the collection goes too, so a rebuild starts from the first event.
    statements.get(`DELETE FROM "${names.checkpoints}" WHERE name = ?`).run(name);
  });

  return {
    collection,
    async ensureCollection(name, options = {}) {
      ensure.immediate(names.table(name), options);
    },
    async dropCollection(name) {
      const table = names.table(name);
      drop.immediate(name, table);
      statements.forget(`"${table}"`);
    },
    async commit(writes, checkpoint) {
      if (writes.length === 0 && !checkpoint) return;
      // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades from read to write can fail
      // with SQLITE_BUSY at once, without waiting out busy_timeout, when another process writes.
      applyCommit.immediate(writes, checkpoint);
    },
    async readStored<D extends Document>(name: string, id: string): Promise<StoredDocument<D> | null> {
      const table = names.table(name);
      if (!tableExists(table)) return null;
      const row = statements.get(`SELECT doc, position FROM "${table}" WHERE id = ?`).get(id) as StoredRow | undefined;
      if (!row) return null;
      return { doc: row.doc === null ? null : (JSON.parse(row.doc) as D), position: row.position };
    },
    async readCheckpoint(name) {
      const row = statements.get(`SELECT position FROM "${names.checkpoints}" WHERE name = ?`).get(name) as { position: number } | undefined;
      return row?.position ?? null;
    },
    async close() {
      db.close();
    },
  };
};

import Database from 'better-sqlite3';
import {
  validateFieldNames,
  validateQuery,
  type Checkpoint,
  type Collection,
  type CollectionOptions,
  type Document,
  type DocumentStore,
  type DocumentWrite,
  type Filter,
  type FindQuery,
  type Scalar,
  type StoredDocument,
} from '@wharf/read-model';
import { countSql, field, findSql, sumSql, type TextIndexOf } from './sql-query';
import { createCheckpointsSql, createIndexSql, createTableSql, createTextIndexSql, fillTextIndexSql, indexName, schemaNames, textIndexTable } from './sqlite-schema';
import { StatementCache } from './statement-cache';

export interface SqliteDocumentStoreOptions {
  path: string;
  /** Prefix of this store's tables (e.g. the service name), so several services' read models share one file. */
  namespace: string;
  /**
   * What copies the file's write-ahead log back into it, told after each commit; SQLite's automatic checkpoints
   * (run inside a commit on the main thread) are then off.
   */
  walCheckpoints?: { written(): void };
}

interface StoredRow {
  doc: string | null;
  position: number;
}

const openDatabase = (path: string, externalCheckpoints: boolean): Database.Database => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Read models are rebuilt from the event store, so losing the last commits to a power cut is acceptable;
  // NORMAL still keeps the file consistent, and every commit stays atomic.
  db.pragma('synchronous = NORMAL');
  // Other processes (and the event store) write to the same file; wait for their transactions instead of failing.
  db.pragma('busy_timeout = 10000');
  if (externalCheckpoints) db.pragma('wal_autocheckpoint = 0');
  return db;
};

/**
 * Read models in SQLite: a table per collection (`id`, `position`, `doc` as JSON or NULL for a tombstone),
 * filtered and sorted on `json_extract` expressions that expression indexes serve. A commit's documents and
 * checkpoint are one transaction. Fields declared as text indexes get an FTS5 trigram table kept in step with
 * every write, so `contains` on them reads candidates from the index instead of scanning the collection.
 */
export const getSqliteDocumentStore = ({ path, namespace, walCheckpoints }: SqliteDocumentStoreOptions): DocumentStore => {
  const names = schemaNames(namespace);
  const db = openDatabase(path, walCheckpoints !== undefined);
  db.exec(createCheckpointsSql(names.checkpoints));
  const statements = new StatementCache(db);
  /** Table → the indexes and text indexes this store made for it (declared through ensureCollection). */
  const declared = new Map<string, CollectionOptions>();
  /**
   * The index a sum of `fieldName` can be read from alone: its fields are the filters' (all equalities), in any
   * order, then `fieldName`.
   */
  const sumIndexOf = (table: string, fieldName: string, where: readonly Filter[]): string | undefined => {
    if (!where.every((filter) => filter.op === 'eq')) return undefined;
    const filtered = new Set(where.map((filter) => filter.field));
    const fields = declared
      .get(table)
      ?.indexes?.find((fields) => fields.length === filtered.size + 1 && fields.at(-1) === fieldName && fields.slice(0, -1).every((name) => filtered.has(name)));
    return fields && indexName(table, fields);
  };
  const textIndexOf =
    (table: string): TextIndexOf =>
    (fieldName) =>
      declared.get(table)?.textIndexes?.includes(fieldName) ? textIndexTable(table, fieldName) : undefined;

  const tableExists = (table: string): boolean =>
    statements.get(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) !== undefined;

  /**
   * Reads `table`, or gives `missing` when it does not exist (never created, or dropped by another connection
   * meanwhile): reading and catching that costs less than asking first on every read.
   */
  const unlessMissing = <T>(table: string, missing: T, read: () => T): T => {
    try {
      return read();
    } catch (error) {
      // Not `instanceof Error`: the driver's errors may come from another realm (a test runner's module sandbox).
      if (String((error as { message?: unknown }).message).startsWith(`no such table: ${table}`)) return missing;
      throw error;
    }
  };

  const collection = <D extends Document>(name: string): Collection<D> => {
    const table = names.table(name);
    return {
      name,
      async get(id) {
        const row = unlessMissing(table, undefined, () => statements.get(`SELECT doc FROM "${table}" WHERE id = ? AND doc IS NOT NULL`).get(id) as { doc: string } | undefined);
        return row ? (JSON.parse(row.doc) as D) : null;
      },
      async find(query: FindQuery = {}) {
        validateQuery(query);
        if (query.limit === 0) return [];
        const { text, params } = findSql(table, query, textIndexOf(table));
        return unlessMissing(table, [], () => statements.get(text).all(...params) as { doc: string }[]).map((row) => JSON.parse(row.doc) as D);
      },
      async values(fieldName: string, query: FindQuery = {}) {
        validateQuery(query);
        validateFieldNames([fieldName]);
        if (query.limit === 0) return [];
        const { text, params } = findSql(table, query, textIndexOf(table), field(fieldName));
        return unlessMissing(table, [], () => statements.get(text).pluck().all(...params) as Scalar[]);
      },
      async count(where = []) {
        validateQuery({ where });
        const { text, params } = countSql(table, where, textIndexOf(table));
        return unlessMissing(table, 0, () => (statements.get(text).get(...params) as { n: number }).n);
      },
      async sum(fieldName: string, where = []) {
        validateQuery({ where });
        validateFieldNames([fieldName]);
        const { text, params } = sumSql(table, fieldName, where, textIndexOf(table), sumIndexOf(table, fieldName, where));
        return unlessMissing(table, 0, () => (statements.get(text).get(...params) as { n: number }).n);
      },
    };
  };

  const upsert = (table: string, write: DocumentWrite): void => {
    // The position guard: an older or redelivered write leaves the stored document (or tombstone) alone.
    const { changes } = statements
      .get(
        `INSERT INTO "${table}" (id, position, doc) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, doc = excluded.doc WHERE excluded.position > position`,
      )
      .run(write.id, write.position, write.doc === null ? null : JSON.stringify(write.doc));
    if (changes > 0) reindexText(table, write);
  };

  /**
   * Replaces the written document's entries in the table's text indexes (upserts keep a row's rowid), leaving
   * alone those whose value did not change: most writes change other fields, and a text index entry costs far
   * more to write than to read.
   */
  const reindexText = (table: string, write: DocumentWrite): void => {
    const fields = declared.get(table)?.textIndexes;
    if (!fields || fields.length === 0) return;
    const { rowid } = statements.get(`SELECT rowid FROM "${table}" WHERE id = ?`).get(write.id) as { rowid: number };
    for (const fieldName of fields) {
      const textTable = textIndexTable(table, fieldName);
      const value = write.doc?.[fieldName];
      const indexed = statements.get(`SELECT value FROM "${textTable}" WHERE rowid = ?`).get(rowid) as { value: string } | undefined;
      if (typeof value === 'string' ? indexed?.value === value : indexed === undefined) continue;
      if (indexed !== undefined) statements.get(`DELETE FROM "${textTable}" WHERE rowid = ?`).run(rowid);
      if (typeof value === 'string') statements.get(`INSERT INTO "${textTable}" (rowid, value) VALUES (?, ?)`).run(rowid, value);
    }
  };

  const advanceCheckpoint = (checkpoint: Checkpoint): void => {
    statements
      .get(
        `INSERT INTO "${names.checkpoints}" (name, position) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position WHERE excluded.position > position`,
      )
      .run(checkpoint.name, checkpoint.position);
  };

  const applyCommit = db.transaction((writes: readonly DocumentWrite[], checkpoints: readonly Checkpoint[]) => {
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
    for (const checkpoint of checkpoints) advanceCheckpoint(checkpoint);
  });

  const ensure = db.transaction((table: string, options: CollectionOptions) => {
    db.exec(createTableSql(table));
    for (const fields of options.indexes ?? []) db.exec(createIndexSql(table, fields));
    for (const fieldName of options.textIndexes ?? []) {
      const textTable = textIndexTable(table, fieldName);
      const fresh = !tableExists(textTable);
      db.exec(createTextIndexSql(textTable));
      if (fresh) db.exec(fillTextIndexSql(textTable, table, fieldName));
    }
    declared.set(table, options);
  });

  const drop = db.transaction((name: string, table: string) => {
    const textTables = statements
      .get(`SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, ?) = ? AND sql LIKE 'CREATE VIRTUAL TABLE%'`)
      .all(table.length + '__text__'.length, `${table}__text__`) as { name: string }[];
    for (const { name: textTable } of textTables) db.exec(`DROP TABLE IF EXISTS "${textTable}"`);
    declared.delete(table);
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
      // Without the closing quote, so the statements on its text indexes go too.
      statements.forget(`"${table}`);
    },
    async commit(writes, checkpoints = []) {
      if (writes.length === 0 && checkpoints.length === 0) return;
      // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades from read to write can fail
      // with SQLITE_BUSY at once, without waiting out busy_timeout, when another process writes.
      applyCommit.immediate(writes, checkpoints);
      walCheckpoints?.written();
    },
    async readStored<D extends Document>(name: string, id: string): Promise<StoredDocument<D> | null> {
      const table = names.table(name);
      const row = unlessMissing(table, undefined, () => statements.get(`SELECT doc, position FROM "${table}" WHERE id = ?`).get(id) as StoredRow | undefined);
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

import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import {
  ExpectedVersionConflictError,
  matchesExpectedRevision,
  pollingSubscription,
  type AppendResult,
  type Event,
  type EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type SubscriptionHandler,
} from '@wharf/event-store';

export interface SqliteEventStoreOptions {
  path: string;
  /** fsync every commit (`synchronous=FULL`); the default. Off only for throwaway stores. */
  durable?: boolean;
  /** How often subscriptions look for events appended by other processes. */
  pollIntervalMs?: number;
  /** Most appends committed together in one transaction. */
  maxBatch?: number;
}

interface PendingAppend {
  stream: string;
  events: readonly Event[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS es_events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    UNIQUE (stream, revision)
  );
  CREATE TABLE IF NOT EXISTS es_streams (stream TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
`;
const COLUMNS = 'position, id, stream, revision, type, data, metadata';

const toRecorded = ([position, id, stream, revision, type, data, metadata]: Row): RecordedEvent => ({
  id,
  streamName: stream,
  revision,
  position,
  type,
  data: JSON.parse(data) as unknown,
  metadata: JSON.parse(metadata) as RecordedEvent['metadata'],
});

/**
 * The embedded event store. One table holds every event; its integer primary key is the global position.
 * Writers take SQLite's write lock (`BEGIN IMMEDIATE`), so positions become visible in order, also when
 * several processes share the file. Appends made close together are committed in one transaction, which
 * shares one fsync among them: that is what makes durable commits fast under concurrency.
 */
export const getSqliteEventStore = ({ path, durable = true, pollIntervalMs = 50, maxBatch = 512 }: SqliteEventStoreOptions): EventStore => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durable ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 10000');
  db.exec(SCHEMA);

  const statements = {
    streamRevision: db.prepare<[string], { revision: number }>('SELECT revision FROM es_streams WHERE stream = ?'),
    setStreamRevision: db.prepare<[string, number]>(
      'INSERT INTO es_streams (stream, revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision',
    ),
    insert: db.prepare<[string, string, number, string, string, string]>(
      'INSERT INTO es_events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    head: db.prepare<[], { head: number }>('SELECT COALESCE(MAX(position), 0) AS head FROM es_events'),
    streamForwards: db.prepare<[string, number, number]>(`SELECT ${COLUMNS} FROM es_events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`).raw(),
    streamBackwards: db.prepare<[string, number, number]>(`SELECT ${COLUMNS} FROM es_events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`).raw(),
    allForwards: db.prepare<[number, number]>(`SELECT ${COLUMNS} FROM es_events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
    allBackwards: db.prepare<[number, number]>(`SELECT ${COLUMNS} FROM es_events WHERE position < ? ORDER BY position DESC LIMIT ?`).raw(),
  };
  /** Paging statements for subscriptions, one per number of stream prefixes (0 = unfiltered). */
  const pageStatements = new Map<number, Database.Statement>();
  const pageStatement = (prefixCount: number): Database.Statement => {
    let statement = pageStatements.get(prefixCount);
    if (!statement) {
      const filter = prefixCount === 0 ? '' : `AND (${Array.from({ length: prefixCount }, () => 'substr(stream, 1, ?) = ?').join(' OR ')})`;
      statement = db.prepare(`SELECT ${COLUMNS} FROM es_events WHERE position > ? AND position <= ? ${filter} ORDER BY position LIMIT ?`).raw();
      pageStatements.set(prefixCount, statement);
    }
    return statement;
  };

  const listeners = new Set<() => void>();
  let queue: PendingAppend[] = [];
  let flushScheduled = false;
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;

  /** Commits up to `maxBatch` queued appends in one transaction; each is checked against its own expectation. */
  const commitBatch = (batch: PendingAppend[]): Array<{ ok: AppendResult } | { error: unknown }> => {
    const outcomes: Array<{ ok: AppendResult } | { error: unknown }> = [];
    db.transaction(() => {
      // Later appends in the batch must see earlier ones to the same stream.
      const revisions = new Map<string, number>();
      for (const append of batch) {
        const current = revisions.get(append.stream) ?? statements.streamRevision.get(append.stream)?.revision ?? -1;
        if (!matchesExpectedRevision(append.expected, current)) {
          outcomes.push({ error: new ExpectedVersionConflictError(append.stream, append.expected, current) });
          continue;
        }
        let revision = current;
        let position = 0;
        for (const event of append.events) {
          revision += 1;
          const inserted = statements.insert.run(
            randomUUID(),
            append.stream,
            revision,
            event.type,
            JSON.stringify(event.data ?? null),
            JSON.stringify(event.metadata ?? {}),
          );
          position = Number(inserted.lastInsertRowid);
        }
        if (append.events.length > 0) statements.setStreamRevision.run(append.stream, revision);
        revisions.set(append.stream, revision);
        outcomes.push({ ok: { nextExpectedRevision: revision, position: position || (statements.head.get()?.head ?? 0) } });
      }
    }).immediate();
    return outcomes;
  };

  const flush = (): void => {
    flushScheduled = false;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      let outcomes: ReturnType<typeof commitBatch>;
      try {
        outcomes = commitBatch(batch);
      } catch (error) {
        // The transaction rolled back as a whole (disk full, lock timeout): nothing of the batch was stored.
        for (const append of batch) append.reject(error);
        continue;
      }
      batch.forEach((append, i) => {
        const outcome = outcomes[i]!;
        if ('ok' in outcome) append.resolve(outcome.ok);
        else append.reject(outcome.error);
      });
      for (const listener of listeners) listener();
    }
  };

  const appendToStream = (
    stream: string,
    events: readonly Event[],
    { expectedRevision = 'any' }: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> => {
    if (closed) return Promise.reject(new Error('The event store is closed'));
    return new Promise((resolve, reject) => {
      queue.push({ stream, events, expected: expectedRevision, resolve, reject });
      if (!flushScheduled) {
        flushScheduled = true;
        // Appends issued in the same turn of the event loop gather in the queue and commit together.
        flushing = new Promise((done) =>
          setImmediate(() => {
            flush();
            done();
          }),
        );
      }
    });
  };

  const ensureOpen = (): void => {
    if (closed) throw new Error('The event store is closed');
  };

  const readStream = async (stream: string, { direction = 'forwards', fromRevision, maxCount }: ReadStreamOptions = {}) => {
    ensureOpen();
    const limit = maxCount ?? -1;
    const rows =
      direction === 'forwards'
        ? statements.streamForwards.all(stream, fromRevision ?? 0, limit)
        : statements.streamBackwards.all(stream, fromRevision ?? Number.MAX_SAFE_INTEGER, limit);
    return (rows as Row[]).map(toRecorded);
  };

  const readAll = async ({ direction = 'forwards', after, maxCount }: ReadAllOptions = {}) => {
    ensureOpen();
    const limit = maxCount ?? -1;
    const rows =
      direction === 'forwards'
        ? statements.allForwards.all(after ?? 0, limit)
        : statements.allBackwards.all(after ?? Number.MAX_SAFE_INTEGER, limit);
    return (rows as Row[]).map(toRecorded);
  };

  const subscribe = (options: SubscribeOptions, handler: SubscriptionHandler) => {
    const prefixes = options.filter?.streamPrefixes ?? [];
    const prefixParams = prefixes.flatMap((prefix) => [prefix.length, prefix]);
    return pollingSubscription(
      {
        pollIntervalMs,
        onAppend: (wake) => {
          listeners.add(wake);
          return () => listeners.delete(wake);
        },
        pageAfter: async (after, limit) => {
          ensureOpen();
          // Everything at or below the head read first is committed (writers serialise), so a page bounded
          // by it never skips an event that commits later with a lower position.
          const head = statements.head.get()?.head ?? 0;
          const rows = pageStatement(prefixes.length).all(after, head, ...prefixParams, limit) as Row[];
          const events = rows.map(toRecorded);
          const checkpoint = events.length === limit ? events[events.length - 1]!.position : Math.max(head, after);
          return { events, checkpoint };
        },
      },
      { ...options, batchSize: options.batchSize ?? 2000 },
      handler,
    );
  };

  return {
    appendToStream,
    readStream,
    readAll,
    subscribe,
    headPosition: async () => {
      ensureOpen();
      return statements.head.get()?.head ?? 0;
    },
    close: async () => {
      if (closed) return;
      await flushing;
      closed = true;
      listeners.clear();
      db.close();
    },
  };
};

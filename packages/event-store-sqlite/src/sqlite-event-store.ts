import { randomUUID } from 'node:crypto';
import { closeSync, fdatasync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { appendSignal } from './appends-by-others';
import { RecentEvents, type Row } from './recent-events';
import type { WalCheckpoints } from './wal-checkpointer';
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
  type Subscription,
  type SubscriptionHandler,
} from '@wharf/event-store';

export interface SqliteEventStoreOptions {
  path: string;
  /**
   * Acknowledge an append only once it is on disk (the default): the log file is synced after each commit, on the
   * thread pool. Off only for throwaway stores.
   */
  durable?: boolean;
  /** How the log file is made durable; `fdatasync` unless a test stands in for it. */
  syncLog?: (fd: number) => Promise<void>;
  /**
   * How often subscriptions look for events appended by other processes when no change notification told them
   * (appends in this process, and on a local disk those of other processes, wake them at once).
   */
  pollIntervalMs?: number;
  /** Most appends committed together in one transaction. */
  maxBatch?: number;
  /** Copies the log back into the file instead of SQLite's automatic checkpoints, off the main thread. */
  walCheckpoints?: WalCheckpoints;
}

/** An event already turned into the text stored for it, so a bad event fails its own append only. */
interface SerializedEvent {
  type: string;
  data: string;
  metadata: string;
}

interface PendingAppend {
  stream: string;
  events: readonly SerializedEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: AppendResult } | { conflict: ExpectedVersionConflictError };


/** Long enough to ride out another process's commit (a batch with its fsync), short enough to surface a stuck lock. */
const BUSY_TIMEOUT_MS = 10_000;
/** Catch-up reads pages this large unless the subscriber asks for a batch size: fewer round trips per event. */
const DEFAULT_PAGE_SIZE = 2000;
/** What live subscriptions read from memory: the newest events this store committed, within these bounds. */
const RECENT_EVENTS = { events: 10_000, chars: 8 * 1024 * 1024 };

/** Prefixed names: the read-model adapter may keep its tables in the same file. */
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

const openDatabase = (path: string, walCheckpoints: WalCheckpoints | undefined): Database.Database => {
  // The busy timeout is set on open, before anything takes a lock: processes starting together on one file
  // then wait for each other while switching to WAL and creating the schema instead of failing.
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  // A commit does not fsync on the main thread: a durable store syncs the write-ahead log itself (see `syncSoon`).
  db.pragma('synchronous = NORMAL');
  if (walCheckpoints) db.pragma('wal_autocheckpoint = 0');
  db.exec(SCHEMA);
  return db;
};

const prepareStatements = (db: Database.Database) => ({
  streamRevision: db.prepare<[string], { revision: number }>('SELECT revision FROM es_streams WHERE stream = ?'),
  setStreamRevision: db.prepare<[string, number]>(
    'INSERT INTO es_streams (stream, revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision',
  ),
  insert: db.prepare<[string, string, number, string, string, string]>(
    'INSERT INTO es_events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  ),
  positionOf: db.prepare<[string, number], { position: number }>('SELECT position FROM es_events WHERE stream = ? AND revision = ?'),
  head: db.prepare<[], { head: number }>('SELECT COALESCE(MAX(position), 0) AS head FROM es_events'),
  streamForwards: db
    .prepare<[string, number, number], Row>(`SELECT ${COLUMNS} FROM es_events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
    .raw(),
  streamBackwards: db
    .prepare<[string, number, number], Row>(`SELECT ${COLUMNS} FROM es_events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
    .raw(),
  allForwards: db.prepare<[number, number], Row>(`SELECT ${COLUMNS} FROM es_events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
  allBackwards: db
    .prepare<[number, number], Row>(`SELECT ${COLUMNS} FROM es_events WHERE position < ? ORDER BY position DESC LIMIT ?`)
    .raw(),
});

/**
 * Subscription paging, bounded above by a head read just before (see `pageAfter`), one statement per number
 * of stream prefixes so the filter runs in SQL. `substr` counts characters (code points), hence the
 * parameters `[codePointLength, prefix]` per prefix.
 */
const pageStatements = (db: Database.Database) => {
  const byPrefixCount = new Map<number, Database.Statement<unknown[], Row>>();
  return (prefixCount: number): Database.Statement<unknown[], Row> => {
    let statement = byPrefixCount.get(prefixCount);
    if (!statement) {
      const filter = prefixCount === 0 ? '' : `AND (${Array.from({ length: prefixCount }, () => 'substr(stream, 1, ?) = ?').join(' OR ')})`;
      statement = db
        .prepare<unknown[], Row>(`SELECT ${COLUMNS} FROM es_events WHERE position > ? AND position <= ? ${filter} ORDER BY position LIMIT ?`)
        .raw();
      byPrefixCount.set(prefixCount, statement);
    }
    return statement;
  };
};

const serialize = (event: Event): SerializedEvent => ({
  type: event.type,
  data: JSON.stringify(event.data ?? null),
  metadata: JSON.stringify(event.metadata ?? {}),
});

const toRecorded = ([position, id, stream, revision, type, data, metadata]: Row): RecordedEvent => ({
  id,
  streamName: stream,
  revision,
  position,
  type,
  data: JSON.parse(data) as unknown,
  metadata: JSON.parse(metadata) as RecordedEvent['metadata'],
});

const closedError = (): Error => new Error('The SQLite event store is closed');

const fdatasyncLog = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

/** Appends committed together and the rows they inserted, waiting for the log to reach the disk. */
interface Unsynced {
  rows: Row[];
  /** Answers the appends: with their outcomes, or with the error that kept them from the disk. */
  settles: ((failure?: unknown) => void)[];
}

/**
 * The embedded event store. One table holds every event; its integer primary key is the global position.
 * Writers take SQLite's write lock (`BEGIN IMMEDIATE`), so positions become visible in order, also when
 * several processes share the file. Appends made close together are committed in one transaction.
 *
 * Durability without blocking the main thread: a commit writes the write-ahead log (`synchronous = NORMAL`), and
 * the log file is then synced on the thread pool (`fdatasync`), one sync at a time for all commits made before it
 * began. An append is acknowledged, and its events are shown to subscribers, only once that sync is done. Readers
 * of streams (the write side deciding its next command) see a commit at once; anything they append after it is
 * acknowledged by a later sync, which carries the earlier commit to the disk too (the log is written in order).
 * A failed sync stops the store: its appends and every later one fail. Another process sharing the file may read a
 * commit before its sync is done (it is told of appends only after), as it reads whatever is committed.
 */
export const getSqliteEventStore = ({
  path,
  durable = true,
  pollIntervalMs = 1000,
  maxBatch = 512,
  syncLog = fdatasyncLog,
  walCheckpoints,
}: SqliteEventStoreOptions): EventStore => {
  const db = openDatabase(path, walCheckpoints);
  const statements = prepareStatements(db);
  const pageStatement = pageStatements(db);
  const signal = appendSignal(path, pollIntervalMs);
  const recent = new RecentEvents(RECENT_EVENTS);
  /** Rows inserted by the transaction under way; they join `recent` once it commits. */
  let inserted: Row[] = [];
  /** `closing`: subscriptions are being stopped; their handlers may still read and append. */
  let state: 'open' | 'closing' | 'closed' = 'open';

  const listeners = new Set<() => void>();
  /** The newest position this store knows subscribers may read; a signal from another store wakes them only past it. */
  let knownHead = 0;
  let stopWatching: (() => void) | undefined;
  const readHead = (): number => statements.head.get()?.head ?? 0;
  const wakeAll = (): void => {
    for (const listener of listeners) listener();
  };
  const addListener = (wake: () => void): (() => void) => {
    // A subscription opened once close has begun fails on its first page; it needs no watch.
    if (listeners.size === 0 && state === 'open') {
      // The head subscribers may read, not counting this store's commits still being synced: those are not yet
      // among the recent events that live subscriptions page from, which would send every page to the file.
      knownHead = Math.max(knownHead, readableHead());
      stopWatching = signal.watch(
        () => knownHead,
        readableHead,
        (head) => {
          knownHead = head;
          wakeAll();
        },
      );
    }
    listeners.add(wake);
    return () => {
      if (listeners.delete(wake) && listeners.size === 0) {
        stopWatching?.();
        stopWatching = undefined;
      }
    };
  };
  /** Commits waiting for the next sync of the log, and those the sync under way carries. */
  let unsynced: Unsynced = { rows: [], settles: [] };
  let syncing: { rows: Row[]; done: Promise<void> } | undefined;
  let syncFailure: Error | undefined;
  /** The first position a failed sync left off the disk: never shown to subscribers. */
  let unsyncedFrom: number | undefined;
  let logFd: number | undefined;
  const subscriptions = new Set<Subscription>();
  const queue: PendingAppend[] = [];
  let flushScheduled = false;
  let closing: Promise<void> | undefined;

  const currentRevision = (stream: string): number => statements.streamRevision.get(stream)?.revision ?? -1;

  /** Appends one checked append's events; returns the revision and position of the last one. */
  const insertEvents = (stream: string, events: readonly SerializedEvent[], current: number): AppendResult => {
    let revision = current;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const id = randomUUID();
      position = Number(statements.insert.run(id, stream, revision, event.type, event.data, event.metadata).lastInsertRowid);
      inserted.push([position, id, stream, revision, event.type, event.data, event.metadata]);
    }
    statements.setStreamRevision.run(stream, revision);
    return { nextExpectedRevision: revision, position };
  };

  /** An append of no events changes nothing; like the in-memory adapter it reports the stream's last event. */
  const unchanged = (stream: string, current: number): AppendResult => ({
    nextExpectedRevision: current,
    position: current === -1 ? 0 : (statements.positionOf.get(stream, current)?.position ?? 0),
  });

  /**
   * One transaction for the whole batch, each append checked against its own expectation. Reads inside the
   * transaction see the batch's earlier inserts, so two appends to one stream are checked one after the other.
   */
  const commitBatch = db.transaction((batch: readonly PendingAppend[]): Outcome[] =>
    batch.map(({ stream, events, expected }): Outcome => {
      const current = currentRevision(stream);
      if (!matchesExpectedRevision(expected, current)) {
        return { conflict: new ExpectedVersionConflictError(stream, expected, current) };
      }
      return { ok: events.length === 0 ? unchanged(stream, current) : insertEvents(stream, events, current) };
    }),
  );

  const commitAndSettle = (batch: readonly PendingAppend[]): void => {
    let outcomes: Outcome[];
    inserted = [];
    try {
      outcomes = commitBatch.immediate(batch);
    } catch (error) {
      // The transaction rolled back as a whole (lock timeout, disk full): no append of the batch was stored.
      for (const append of batch) append.reject(error);
      return;
    }
    const rows = inserted;
    const settle = (failure?: unknown): void => {
      if (failure === undefined) recent.add(rows);
      batch.forEach((append, i) => {
        const outcome = outcomes[i]!;
        if (failure !== undefined) append.reject(failure);
        else if ('ok' in outcome) {
          knownHead = Math.max(knownHead, outcome.ok.position);
          append.resolve(outcome.ok);
        } else append.reject(outcome.conflict);
      });
    };
    if (!durable) return settle();
    unsynced.rows.push(...rows);
    unsynced.settles.push(settle);
  };

  /** Told once new events are where subscribers may read them. */
  const published = (): void => {
    signal.announce();
    wakeAll();
  };

  /** Syncs the log for the commits waiting, unless a sync is under way (its end starts the next one). */
  const syncSoon = (): void => {
    if (syncing || unsynced.settles.length === 0) return;
    const group = unsynced;
    unsynced = { rows: [], settles: [] };
    const finish = (error?: unknown): void => {
      syncing = undefined;
      if (error === undefined) {
        for (const settle of group.settles) settle();
        published();
      } else {
        syncFailure ??= new Error(`The SQLite event store could not sync its log to disk and takes no more appends: ${String(error)}`);
        unsyncedFrom ??= group.rows[0]?.[0];
        for (const settle of group.settles) settle(syncFailure);
      }
      syncSoon();
    };
    let synced: Promise<void>;
    try {
      if (syncFailure) throw syncFailure;
      // The log file exists once a commit was made, and SQLite keeps it while the database is open.
      logFd ??= openSync(`${path}-wal`, 'r');
      synced = syncLog(logFd);
    } catch (error) {
      synced = Promise.reject(error);
    }
    syncing = { rows: group.rows, done: synced.then(() => finish(), finish) };
  };

  /**
   * The newest position subscribers may read: the head, but below any commit of this store not yet on disk (a
   * later one of another process is held back with it, as it cannot reach the disk before it).
   */
  const readableHead = (): number => {
    const head = readHead();
    const firstUnsynced = unsyncedFrom ?? (syncing?.rows[0] ?? unsynced.rows[0])?.[0];
    return firstUnsynced === undefined ? head : Math.min(head, firstUnsynced - 1);
  };

  const flush = (): void => {
    flushScheduled = false;
    if (queue.length === 0) return;
    while (queue.length > 0) commitAndSettle(queue.splice(0, maxBatch));
    walCheckpoints?.written();
    if (durable) syncSoon();
    else published();
  };

  const scheduleFlush = (): void => {
    if (flushScheduled) return;
    flushScheduled = true;
    // Appends issued before the event loop comes back round (for example by many concurrent requests
    // finishing in one poll phase) gather in the queue and commit together.
    setImmediate(flush);
  };

  const appendToStream = (
    stream: string,
    events: readonly Event[],
    { expectedRevision = 'any' }: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> => {
    if (state === 'closed') return Promise.reject(closedError());
    if (syncFailure) return Promise.reject(syncFailure);
    let serialized: SerializedEvent[];
    try {
      serialized = events.map(serialize);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      queue.push({ stream, events: serialized, expected: expectedRevision, resolve, reject });
      scheduleFlush();
    });
  };

  const ensureOpen = (): void => {
    if (state === 'closed') throw closedError();
  };

  const readStream = async (stream: string, { direction = 'forwards', fromRevision, maxCount }: ReadStreamOptions = {}) => {
    ensureOpen();
    const limit = maxCount ?? -1; // LIMIT -1: no limit
    const rows =
      direction === 'forwards'
        ? statements.streamForwards.all(stream, fromRevision ?? 0, limit)
        : statements.streamBackwards.all(stream, fromRevision ?? Number.MAX_SAFE_INTEGER, limit);
    return rows.map(toRecorded);
  };

  const readAll = async ({ direction = 'forwards', after, maxCount }: ReadAllOptions = {}) => {
    ensureOpen();
    const limit = maxCount ?? -1;
    const rows =
      direction === 'forwards'
        ? statements.allForwards.all(after ?? 0, limit)
        : statements.allBackwards.all(after ?? Number.MAX_SAFE_INTEGER, limit);
    return rows.map(toRecorded);
  };

  /** The head subscribers see: waiting for projections to reach it never waits for a sync under way. */
  const headPosition = async (): Promise<number> => {
    ensureOpen();
    return readableHead();
  };

  const pager = (prefixes: readonly string[]) => {
    const prefixParams = prefixes.flatMap((prefix) => [[...prefix].length, prefix]);
    const keep = prefixes.length === 0 ? () => true : (row: Row) => prefixes.some((prefix) => row[2].startsWith(prefix));
    return async (after: number, limit: number) => {
      // A subscription still paging once close has begun was opened too late to be stopped by it.
      if (state !== 'open') throw closedError();
      // A live subscription reads what this store committed from memory, when the positions up to the newest known
      // one (or a full page) are all held: no other store's event lies between them.
      const held = recent.after(after, limit, keep);
      if (held && (held.rows.length === limit || held.through >= knownHead)) {
        const events = held.rows.map(toRecorded);
        return { events, checkpoint: events.length === limit ? events[events.length - 1]!.position : held.through };
      }
      const statement = pageStatement(prefixes.length);
      // Everything at or below a head read first is committed (writers serialise on the write lock), so a page
      // bounded by it never skips an event that commits later with a lower position, and the head can serve as
      // the checkpoint when the page ends early: filtered-out events up to it have been looked at.
      const head = readableHead();
      const events = statement.all(after, head, ...prefixParams, limit).map(toRecorded);
      const checkpoint = events.length === limit ? events[events.length - 1]!.position : Math.max(head, after);
      return { events, checkpoint };
    };
  };

  const subscribe = (options: SubscribeOptions, handler: SubscriptionHandler): Subscription => {
    const subscription = pollingSubscription(
      {
        onAppend: addListener,
        pageAfter: pager(options.filter?.streamPrefixes ?? []),
      },
      { ...options, batchSize: options.batchSize ?? DEFAULT_PAGE_SIZE },
      handler,
    );
    subscriptions.add(subscription);
    const forget = (): void => {
      subscriptions.delete(subscription);
    };
    subscription.done.then(forget, forget); // the error itself is the subscriber's to observe through `done`
    return subscription;
  };

  /**
   * Stops subscriptions first (waiting for handlers under way, which may still append), then commits whatever
   * is queued so every append made before close settles, then closes the connection.
   */
  const shutDown = async (): Promise<void> => {
    state = 'closing';
    await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
    state = 'closed';
    flush();
    while (syncing) await syncing.done;
    if (logFd !== undefined) closeSync(logFd);
    stopWatching?.();
    listeners.clear();
    signal.close();
    db.close();
  };

  return {
    appendToStream,
    readStream,
    readAll,
    subscribe,
    headPosition,
    close: () => (closing ??= shutDown()),
  };
};

// @ts-check
// The SQLite event store's writer, on a thread of its own (see sqlite-appender.ts): it commits each batch of
// appends in one transaction on its own connection, so the commit's fsync blocks this thread and not the one
// serving requests. Plain JavaScript because a worker thread starts from a file Node runs as it is, in the
// tests as in the build.
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * @typedef {{ type: string; data: string; metadata: string }} SerializedEvent
 * @typedef {number | 'no_stream' | 'stream_exists' | 'any'} ExpectedRevision
 * @typedef {{ stream: string; events: SerializedEvent[]; expected: ExpectedRevision }} Append
 * @typedef {{ nextExpectedRevision: number; position: number; ids: string[] }} Appended
 * @typedef {{ ok: Appended } | { conflict: number }} Outcome
 */

/** @type {{ path: string; durable: boolean; busyTimeoutMs: number }} */
const { path, durable, busyTimeoutMs } = workerData;
const db = new Database(path, { timeout: busyTimeoutMs });
db.pragma(`synchronous = ${durable ? 'FULL' : 'NORMAL'}`);
// Checkpoints of the file (read models written there too) happen here, off the thread serving requests: read-model
// connections leave them to this one (see read-model-sqlite), and the store's own connection only reads.
db.pragma('wal_autocheckpoint = 1000');

const streamRevision = db.prepare('SELECT revision FROM es_streams WHERE stream = ?').pluck();
const setStreamRevision = db.prepare(
  'INSERT INTO es_streams (stream, revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision',
);
const insert = db.prepare('INSERT INTO es_events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
const positionOf = db.prepare('SELECT position FROM es_events WHERE stream = ? AND revision = ?').pluck();

/** The same rule as `matchesExpectedRevision` in @wharf/event-store. `current` is -1 for no stream. */
const matches = (/** @type {ExpectedRevision} */ expected, /** @type {number} */ current) => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1;
    case 'stream_exists':
      return current >= 0;
    default:
      return expected === current;
  }
};

/**
 * Each append is checked against its own expectation inside the transaction, which sees the batch's earlier
 * inserts, so two appends to one stream are checked one after the other. An append of no events changes
 * nothing and reports the stream's last event.
 */
const commit = db.transaction((/** @type {Append[]} */ batch) =>
  batch.map(({ stream, events, expected }) => {
    const current = /** @type {number | undefined} */ (streamRevision.get(stream)) ?? -1;
    if (!matches(expected, current)) return /** @type {Outcome} */ ({ conflict: current });
    if (events.length === 0) {
      const position = current === -1 ? 0 : (/** @type {number | undefined} */ (positionOf.get(stream, current)) ?? 0);
      return /** @type {Outcome} */ ({ ok: { nextExpectedRevision: current, position, ids: [] } });
    }
    let revision = current;
    let position = 0;
    const ids = [];
    for (const event of events) {
      revision += 1;
      const id = randomUUID();
      position = Number(insert.run(id, stream, revision, event.type, event.data, event.metadata).lastInsertRowid);
      ids.push(id);
    }
    setStreamRevision.run(stream, revision);
    return /** @type {Outcome} */ ({ ok: { nextExpectedRevision: revision, position, ids } });
  }),
);

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
port.on('message', (/** @type {Append[] | 'close'} */ message) => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ outcomes: commit.immediate(message) });
  } catch (error) {
    // The transaction rolled back as a whole (lock timeout, disk full): no append of the batch was stored.
    const { message: text, code } = /** @type {{ message: string; code?: string }} */ (error);
    port.postMessage({ error: { message: text, ...(code ? { code } : {}) } });
  }
});

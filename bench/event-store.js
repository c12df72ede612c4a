'use strict';
// SQLite event store: durable single-event appends (one writer, 32 concurrent writers) and catch-up
// subscription speed, each beside a baseline measured in the same run on the same disk:
//   appends  vs raw better-sqlite3 INSERTs of the same rows, one durable transaction each (WAL, synchronous=FULL)
//   catch-up vs raw paged SELECTs over the same rows, decoded into the same objects
// Every loop is bounded in count and time. Catch-up figures are the best of a few runs, because a shared
// machine's noise only ever makes a run slower.
const { mkdtempSync, rmSync } = require('node:fs');
const { cpus, loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const Database = require('better-sqlite3');
const { getSqliteEventStore } = require('../packages/event-store-sqlite/dist');
const { fmt, table } = require('./lib');

const WRITERS = 32;
const CATCH_UP_EVENTS = 250000;
const CATCH_UP_RUNS = 3;
const PAGE = 2000;

const event = (n) => ({ type: 'BenchEventHappened', data: { n, payload: 'x'.repeat(64) }, metadata: { now: '2026-11-23T00:00:00.000Z' } });
const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9;

/** Runs `step` until `maxCount` steps or `maxMs` have passed; returns steps per second. */
const rate = async (maxMs, maxCount, step) => {
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxMs;
  let count = 0;
  while (count < maxCount && Date.now() < deadline) await step(count++);
  return count / seconds(started);
};

const durableDb = (path) => {
  const db = new Database(path, { timeout: 10000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
};

const rawDurableInserts = (path, maxMs, maxCount) => {
  const db = durableDb(path);
  db.exec('CREATE TABLE t (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT, stream TEXT, revision INTEGER, type TEXT, data TEXT, metadata TEXT)');
  const insert = db.prepare('INSERT INTO t (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const once = db.transaction((n) => {
    const e = event(n);
    insert.run(randomUUID(), `s-${n}`, 0, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
  });
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxMs;
  let count = 0;
  while (count < maxCount && Date.now() < deadline) once.immediate(count++);
  const perSecond = count / seconds(started);
  db.close();
  return perSecond;
};

const singleWriter = (store) =>
  rate(3000, 20000, (n) => store.appendToStream(`single-${n}`, [event(n)], { expectedRevision: 'no_stream' }));

/** Independent writers, each appending to its own stream at the revision its last append returned. */
const concurrentWriters = async (store, maxMs, maxCount) => {
  const deadline = Date.now() + maxMs;
  let count = 0;
  const writer = async (w) => {
    let expectedRevision = 'no_stream';
    while (count < maxCount && Date.now() < deadline) {
      const result = await store.appendToStream(`writer-${w}`, [event(count++)], { expectedRevision });
      expectedRevision = result.nextExpectedRevision;
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  return count / seconds(started);
};

const fillForCatchUp = async (path) => {
  const store = getSqliteEventStore({ path, durable: false });
  for (let n = 0; n < CATCH_UP_EVENTS; n += 1000) {
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.appendToStream(`bulk-${(n + i) % 5000}`, [event(n + i)])));
  }
  const head = await store.headPosition();
  await store.close();
  return head;
};

/** One subscription from the start of the log to `head`, with a no-op handler; returns events per second. */
const catchUpOnce = async (path, head) => {
  const store = getSqliteEventStore({ path });
  let delivered = 0;
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    const subscription = store.subscribe({ from: 'start' }, async (events, checkpoint) => {
      delivered += events.length;
      if (checkpoint >= head) void subscription.stop().then(resolve);
    });
    subscription.done.catch(reject);
  });
  const perSecond = delivered / seconds(started);
  await store.close();
  if (delivered !== head) throw new Error(`catch-up delivered ${delivered} of ${head} events`);
  return perSecond;
};

/** The least any reader does: page through the rows by position and decode them into event objects. */
const rawCatchUpOnce = (path) => {
  const db = new Database(path, { readonly: true });
  const page = db
    .prepare('SELECT position, id, stream, revision, type, data, metadata FROM es_events WHERE position > ? ORDER BY position LIMIT ?')
    .raw();
  const started = process.hrtime.bigint();
  let after = 0;
  let count = 0;
  for (;;) {
    const events = page.all(after, PAGE).map(([position, id, streamName, revision, type, data, metadata]) => ({
      id,
      streamName,
      revision,
      position,
      type,
      data: JSON.parse(data),
      metadata: JSON.parse(metadata),
    }));
    if (events.length === 0) break;
    count += events.length;
    after = events[events.length - 1].position;
  }
  const perSecond = count / seconds(started);
  db.close();
  return perSecond;
};

const bestOf = async (runs, measure) => {
  let best = 0;
  for (let i = 0; i < runs; i++) best = Math.max(best, await measure());
  return best;
};

const goal = (value, target) => `>= ${fmt(target)} /s: ${value >= target ? 'met' : 'NOT met'}`;

const run = async ({ log = console.log } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-es-'));
  try {
    const appendBaseline = rawDurableInserts(join(dir, 'baseline.db'), 3000, 20000);

    const store = getSqliteEventStore({ path: join(dir, 'events.db'), durable: true });
    const singleRate = await singleWriter(store);
    const concurrentRate = await concurrentWriters(store, 5000, 200000);
    await store.close();

    const catchUpPath = join(dir, 'catch-up.db');
    const head = await fillForCatchUp(catchUpPath);
    const catchUpRate = await bestOf(CATCH_UP_RUNS, () => catchUpOnce(catchUpPath, head));
    const rawCatchUpRate = await bestOf(CATCH_UP_RUNS, () => rawCatchUpOnce(catchUpPath));

    const appendBaselineText = `${fmt(appendBaseline)} /s (raw durable INSERT, 1 tx each)`;
    log(`\nSQLite event store, durable (WAL, synchronous=FULL); ${cpus().length} CPUs, load average ${fmt(loadavg()[0], 1)}`);
    log(
      table(
        [
          { measure: 'append, 1 writer', wharf: `${fmt(singleRate)} /s`, baseline: appendBaselineText, ratio: fmt(singleRate / appendBaseline, 2), goal: '' },
          {
            measure: `append, ${WRITERS} concurrent writers`,
            wharf: `${fmt(concurrentRate)} /s`,
            baseline: appendBaselineText,
            ratio: fmt(concurrentRate / appendBaseline, 2),
            goal: goal(concurrentRate, 10000),
          },
          {
            measure: `catch-up subscription (${fmt(head)} events, best of ${CATCH_UP_RUNS})`,
            wharf: `${fmt(catchUpRate)} /s`,
            baseline: `${fmt(rawCatchUpRate)} /s (raw paged SELECT + decode)`,
            ratio: fmt(catchUpRate / rawCatchUpRate, 2),
            goal: goal(catchUpRate, 300000),
          },
        ],
        ['measure', 'wharf', 'baseline', 'ratio', 'goal'],
      ),
    );
    return { singleRate, concurrentRate, catchUpRate, appendBaseline, rawCatchUpRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

module.exports = { run };
if (require.main === module) {
  run().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

'use strict';
// SQLite event store: durable single-event appends (one writer, 32 concurrent writers) and catch-up
// subscription speed, each beside a baseline measured in the same run on the same disk:
//   appends  vs raw better-sqlite3 INSERTs, one durable transaction each (synchronous=FULL, WAL)
//   catch-up vs a raw SELECT over the same rows with the same JSON decoding
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const Database = require('better-sqlite3');
const { getSqliteEventStore } = require('../packages/event-store-sqlite/dist');
const { fmt, table } = require('./lib');

const CATCH_UP_EVENTS = 300000;
const event = (n) => ({ type: 'BenchEventHappened', data: { n, payload: 'x'.repeat(64) }, metadata: { now: '2026-11-23T00:00:00.000Z' } });

const timed = async (maxMs, maxCount, step) => {
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxMs;
  let count = 0;
  while (count < maxCount && Date.now() < deadline) count += await step(count);
  return { count, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};

const rawDurableInserts = (path, maxMs) => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT, data TEXT)');
  const insert = db.prepare('INSERT INTO t (stream, data) VALUES (?, ?)');
  const once = db.transaction((n) => insert.run(`s-${n}`, JSON.stringify(event(n).data)));
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxMs;
  let count = 0;
  while (Date.now() < deadline && count < 200000) once.immediate(count++);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return count / seconds;
};

const run = async ({ log = console.log } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-es-'));
  try {
    const baseline = rawDurableInserts(join(dir, 'baseline.db'), 3000);

    const store = getSqliteEventStore({ path: join(dir, 'events.db'), durable: true });
    const single = await timed(3000, 20000, async (n) => {
      await store.appendToStream(`single-${n}`, [event(n)], { expectedRevision: 'no_stream' });
      return 1;
    });
    const writers = 32;
    const concurrent = await timed(5000, 200000, async (n) => {
      await Promise.all(
        Array.from({ length: writers }, (_, w) => store.appendToStream(`writer-${w}`, [event(n + w)], { expectedRevision: 'any' })),
      );
      return writers;
    });
    await store.close();

    // Catch-up: write the events quickly (not durable), then read them all through a subscription.
    const bulkPath = join(dir, 'catch-up.db');
    const bulk = getSqliteEventStore({ path: bulkPath, durable: false });
    for (let n = 0; n < CATCH_UP_EVENTS; n += 1000) {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => bulk.appendToStream(`bulk-${(n + i) % 5000}`, [event(n + i)])));
    }
    const head = await bulk.headPosition();
    let delivered = 0;
    const started = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      const subscription = bulk.subscribe({ from: 'start' }, async (events, checkpoint) => {
        delivered += events.length;
        if (checkpoint >= head) void subscription.stop().then(resolve);
      });
      subscription.done.catch(reject);
    });
    const catchUpSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    await bulk.close();

    const raw = new Database(bulkPath, { readonly: true });
    const rawStarted = process.hrtime.bigint();
    let rawRows = 0;
    for (const row of raw.prepare('SELECT position, id, stream, revision, type, data, metadata FROM es_events ORDER BY position').raw().iterate()) {
      JSON.parse(row[5]);
      JSON.parse(row[6]);
      rawRows++;
    }
    const rawSeconds = Number(process.hrtime.bigint() - rawStarted) / 1e9;
    raw.close();

    const singleRate = single.count / single.seconds;
    const concurrentRate = concurrent.count / concurrent.seconds;
    const catchUpRate = delivered / catchUpSeconds;
    const rawRate = rawRows / rawSeconds;
    log('\nSQLite event store, durable (WAL, synchronous=FULL)');
    log(
      table(
        [
          { measure: 'append, 1 writer', wharf: `${fmt(singleRate)} /s`, baseline: `${fmt(baseline)} /s (raw durable INSERT)`, ratio: fmt(singleRate / baseline, 2), goal: '' },
          {
            measure: `append, ${writers} concurrent writers`,
            wharf: `${fmt(concurrentRate)} /s`,
            baseline: `${fmt(baseline)} /s (raw durable INSERT)`,
            ratio: fmt(concurrentRate / baseline, 2),
            goal: `>= 10,000 /s: ${concurrentRate >= 10000 ? 'met' : 'NOT met'}`,
          },
          {
            measure: `catch-up subscription (${fmt(delivered)} events)`,
            wharf: `${fmt(catchUpRate)} /s`,
            baseline: `${fmt(rawRate)} /s (raw SELECT + JSON.parse)`,
            ratio: fmt(catchUpRate / rawRate, 2),
            goal: `>= 300,000 /s: ${catchUpRate >= 300000 ? 'met' : 'NOT met'}`,
          },
        ],
        ['measure', 'wharf', 'baseline', 'ratio', 'goal'],
      ),
    );
    return { singleRate, concurrentRate, catchUpRate, baseline, rawRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

module.exports = { run };
if (require.main === module) run().catch((error) => {
  console.error(error);
  process.exit(1);
});

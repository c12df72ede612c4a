'use strict';
// `npm run bench`: every benchmark in sequence, each printing its own table with the baseline it measured
// in the same run. Bounded in count and time; nothing here is a pass/fail test.
const benches = [
  ['SQLite event store', () => require('./event-store').run({ log: console.log })],
  ['Organizations slice', () => require('./organizations').run({ log: console.log })],
  ['Registry data plane', () => require('./registry').run({ log: console.log })],
  ['Blobs in S3', () => require('./s3').run({ log: console.log })],
  ['Repository list', () => require('./repository-list').run({ log: console.log })],
  ['Garbage collection', () => require('./gc').run({ log: console.log })],
  ['Retention', () => require('./retention').run({ log: console.log })],
  ['Image synchronization', () => require('./sync').run({ log: console.log })],
  ['Webhooks and the event stream', () => require('./webhooks').run({ log: console.log })],
];

(async () => {
  const only = process.argv[2];
  for (const [name, run] of benches) {
    if (only && !name.toLowerCase().includes(only.toLowerCase())) continue;
    console.log(`\n=== ${name}`);
    await run();
  }
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

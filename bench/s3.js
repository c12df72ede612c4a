'use strict';
// Blobs in S3: push and pull throughput of 64 MiB and 512 MiB blobs, four ways against the same local S3 server
// (s3rver, in a process of its own) and the same disk, in one run:
//   raw SDK        PutObject of the whole blob and GetObject, @aws-sdk/client-s3 straight to the server (the baseline)
//   S3 driver      @wharf/blob-store-s3 as the registry uses it: a writer fed 1 MiB writes at the upload's path,
//                  committed into the blob's; reads through the driver's reader
//   Wharf on S3    the whole registry (embedded, bearer tokens, WHARF_BLOB_STORE=s3): a monolithic blob PUT and
//                  a GET, the client checking the digest
//   Wharf on disk  the same registry on the filesystem driver (durable: it fsyncs; s3rver does not)
// The goal: the driver costs at most 20% over the raw server, i.e. driver/raw >= 0.83 as throughput.
// Each figure is the median of BENCH_RUNS (default 3) runs, taking turns; every blob is new (no deduplication).
const { createHash, randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { spawn } = require('node:child_process');
const { fmt, table } = require('./lib');
const { sampleCpu } = require('./machine');
const { startWharf, digestOf } = require('./registry');

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? '3'));
const SIZES = [64, 512];
const BUCKET = 'wharf';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** A module as @wharf/blob-store-s3 resolves it (s3rver and the SDK are its dependencies). */
const resolveFromS3Package = (name) => require.resolve(name, { paths: [join(ROOT, 'packages/blob-store-s3')] });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const S3RVER = `
  const S3rver = require(process.argv[1]);
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2], configureBuckets: [{ name: '${BUCKET}' }] });
  server.run().then(({ port }) => console.log(port), (error) => { console.error(error); process.exit(1); });
`;

const startS3rver = async (dir) => {
  const child = spawn(process.execPath, ['-e', S3RVER, resolveFromS3Package('s3rver'), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (line) => resolve(Number(String(line).trim())));
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.kill() };
};

/** Reads a stream whole, as a client hashing what it pulls; throws unless the bytes have `digest`. */
const checkDigest = async (stream, digest, who) => {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  if (`sha256:${hash.digest('hex')}` !== digest) throw new Error(`${who} served other bytes than ${digest}`);
};

/** The baseline: the SDK alone, configured as the driver configures it. */
const rawWay = (endpoint) => {
  const { S3Client, PutObjectCommand, GetObjectCommand, DeleteObjectCommand } = require(resolveFromS3Package('@aws-sdk/client-s3'));
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    name: 'raw SDK',
    async push(buffer, key) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `raw/${key}`, Body: buffer, ContentLength: buffer.length }));
    },
    async pull(key, digest) {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `raw/${key}` }));
      await checkDigest(Body, digest, this.name);
    },
    remove: (key) => client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `raw/${key}` })),
  };
};

/** The driver, used as the registry uses it for a blob upload and a pull. */
const driverWay = (endpoint) => {
  const { getS3BlobDriver } = require(join(ROOT, 'packages/blob-store-s3/dist'));
  const driver = getS3BlobDriver({ bucket: BUCKET, endpoint, prefix: 'driver', client: { credentials: CREDENTIALS } });
  return {
    name: 'S3 driver',
    async push(buffer, key) {
      const writer = await driver.writer(`uploads/${key}/data`);
      for (let offset = 0; offset < buffer.length; offset += MiB) await writer.write(buffer.subarray(offset, Math.min(buffer.length, offset + MiB)));
      await writer.commit(`blobs/${key}/data`);
    },
    async pull(key, digest) {
      await checkDigest(await driver.reader(`blobs/${key}/data`), digest, this.name);
    },
    remove: (key) => driver.delete(`blobs/${key}`),
  };
};

/** A whole embedded Wharf: the blob pushed in one PUT and pulled, each request with a bearer token. */
const wharfWay = (name, wharf) => {
  const repo = 'bench/blobs';
  return {
    name,
    async push(buffer) {
      await wharf.target.refresh([repo]);
      await wharf.target.pushBlob(repo, buffer);
    },
    async pull(key, digest, size) {
      await wharf.target.pullBlob(repo, { digest, size });
    },
    remove: async () => undefined,
  };
};

const run = async ({ log = console.log } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-s3-'));
  const s3 = await startS3rver(join(dir, 's3rver'));
  const started = [];
  try {
    const onS3 = await startWharf(join(dir, 'wharf-s3'), ['bench/blobs'], {
      WHARF_BLOB_STORE: 's3',
      WHARF_S3_ENDPOINT: s3.endpoint,
      WHARF_S3_BUCKET: BUCKET,
      WHARF_S3_PREFIX: 'wharf',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    });
    started.push(onS3);
    const onDisk = await startWharf(join(dir, 'wharf-disk'), ['bench/blobs']);
    started.push(onDisk);
    const ways = [rawWay(s3.endpoint), driverWay(s3.endpoint), wharfWay('Wharf on S3', onS3), wharfWay('Wharf on disk', onDisk)];
    const pids = [s3.pid, onS3.target.pid, onDisk.target.pid];

    const results = [];
    for (const size of SIZES) {
      const buffer = randomBytes(size * MiB);
      const rates = new Map(ways.map((way) => [way.name, { push: [], pull: [] }]));
      let other = 0;
      for (let r = 0; r < RUNS; r++) {
        const order = r % 2 === 0 ? ways : [...ways].reverse();
        for (const way of order) {
          // A new blob each time: the first bytes name the run and the way.
          buffer.writeUInt32BE(r, 0);
          buffer.writeUInt32BE(ways.indexOf(way), 4);
          const key = `${size}-${r}-${ways.indexOf(way)}`;
          process.stderr.write(`  ${size} MiB: ${way.name} (run ${r + 1}/${RUNS})\n`);
          let cpu = sampleCpu(pids);
          let t0 = process.hrtime.bigint();
          await way.push(buffer, key);
          rates.get(way.name).push.push(size / (Number(process.hrtime.bigint() - t0) / 1e9));
          other = Math.max(other, cpu.end().otherShare);
          const digest = digestOf(buffer);
          cpu = sampleCpu(pids);
          t0 = process.hrtime.bigint();
          await way.pull(key, digest, buffer.length);
          rates.get(way.name).pull.push(size / (Number(process.hrtime.bigint() - t0) / 1e9));
          other = Math.max(other, cpu.end().otherShare);
          await way.remove(key);
        }
      }
      for (const direction of ['push', 'pull']) {
        const value = (name) => median(rates.get(name)[direction]);
        results.push({
          measure: `${direction} ${size} MiB`,
          'raw SDK': `${fmt(value('raw SDK'), 0)} MiB/s`,
          'S3 driver': `${fmt(value('S3 driver'), 0)} MiB/s`,
          'driver/raw': fmt(value('S3 driver') / value('raw SDK'), 2),
          'Wharf on S3': `${fmt(value('Wharf on S3'), 0)} MiB/s`,
          'Wharf on disk': `${fmt(value('Wharf on disk'), 0)} MiB/s`,
          'S3/disk': fmt(value('Wharf on S3') / value('Wharf on disk'), 2),
          'Wharf S3/raw': fmt(value('Wharf on S3') / value('raw SDK'), 2),
          'other CPU': `${fmt(other * 100, 0)}%`,
        });
      }
    }
    log('\nBlobs in S3: the S3 driver and Wharf on it against the raw SDK and Wharf on disk, one s3rver, one disk, one run');
    log(`runs per row and way: ${RUNS}, taking turns, medians; load average at the end: ${require('node:os').loadavg().map((n) => n.toFixed(2)).join(' ')}`);
    log(table(results, ['measure', 'raw SDK', 'S3 driver', 'driver/raw', 'Wharf on S3', 'Wharf on disk', 'S3/disk', 'Wharf S3/raw', 'other CPU']));
    log('driver/raw: the goal is at least 0.83 (the driver adds at most 20% to the time the raw server takes)');
    log('Wharf on disk fsyncs each blob; s3rver writes without fsync, so S3/disk flatters S3 on a slow disk');
    log('other CPU: the most of the whole machine that processes other than the bench, s3rver and the two Wharfs used');
    return results;
  } finally {
    for (const wharf of started) await wharf.stop();
    s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

module.exports = { run };

if (require.main === module) {
  run().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

'use strict';
// Garbage collection of one Selectel registry holding 10,000 manifests and 50,000 blobs, in embedded mode (a
// real `node apps/wharf/dist/main.js`, grace window 0 so everything seeded is collectable):
// - the time a run with delete-untagged takes from POST to finished;
// - p50/p99 of manifest GET (by tag) and of a small blob push (monolithic POST, 1 KiB), sent at a steady 100 and
//   10 a second, while the run is under way, against the same load on the same instance for 30 s just before the
//   run (the baseline).
//
// Seeding goes through the registry's HTTP API like any client (token auth, monolithic blob uploads, manifest
// PUTs), 32 repositories at a time: 50 repositories, each with 200 image manifests (a config and 3 layers of 64-192
// bytes, all distinct) and 200 blobs no manifest references; a repository's pushes go one image at a time. 30% of the manifests are pushed by digest only
// (untagged). A run with delete-untagged therefore deletes 3,000 manifests and unlinks 12,000 + 10,000 blobs.
// GC_BENCH_SCALE (default 1) scales the repository count, e.g. 0.1 for a quick look.
const { createHash, randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const http = require('node:http');
const { request, freePort, startProcess, waitFor, fmt, table, percentile, agent } = require('./lib');

const ROOT = join(__dirname, '..');
const PASSWORD = 'bench-password';
const SCALE = Number(process.env.GC_BENCH_SCALE ?? '1');
const REPOSITORIES = Math.max(1, Math.round(50 * SCALE));
const MANIFESTS_EACH = 200;
const STRAYS_EACH = 200;
const LAYERS = 3;
const UNTAGGED_PERCENT = 30;
const IN_FLIGHT = 32;
const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const LOAD_REPOSITORIES = 40;
const GET_RATE = 100;
const PUSH_RATE = 10;
let pushed = 0;

/** lib's `request` sends objects as JSON; blobs go as raw bytes. */
const send = (url, { method, headers, body }) =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });

const digestOf = (buffer) => `sha256:${createHash('sha256').update(buffer).digest('hex')}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `tasks` (functions returning promises) with `limit` in flight. */
const pool = async (tasks, limit) => {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: limit }, worker));
};

const startWharf = async (dir) => {
  const apiPort = await freePort();
  const registryPort = await freePort();
  // BENCH_WHARF_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to profile the server under the bench's load.
  const nodeArgs = (process.env.BENCH_WHARF_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
  // BENCH_WHARF_ROOT: another checkout's build to run instead of this one (to compare two versions).
  const processRef = startProcess([...nodeArgs, join(process.env.BENCH_WHARF_ROOT ?? ROOT, 'apps/wharf/dist/main.js')], {
    WHARF_DATA_DIR: join(dir, 'wharf'),
    WHARF_API_PORT: String(apiPort),
    WHARF_REGISTRY_PORT: String(registryPort),
    WHARF_ADMIN_PASSWORD: PASSWORD,
    // `log` for lifecycle's report of each run (phases and counts), printed below the table.
    WHARF_LOG_LEVEL: 'log',
    WHARF_GC_GRACE_SECONDS: '0',
    UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '4',
  });
  const api = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await request(`${api}/healthz`)).status === 200, 60000, 'wharf');
  return { api, registry: `http://127.0.0.1:${registryPort}`, service: `127.0.0.1:${registryPort}`, process: processRef };
};

class Client {
  constructor(wharf, repositories) {
    this.wharf = wharf;
    this.repositories = repositories;
    this.fetchedAt = 0;
  }

  /**
   * A bearer token for every bench repository, renewed in the background every minute (one request at a time),
   * so no measured request ever waits for a token.
   */
  async headers() {
    // One renewal at a time, shared by every request waiting for it: the token endpoint limits logins in flight.
    if (!this.renewing && (!this.token || Date.now() - this.fetchedAt > 60000)) {
      this.renewing = this.renew().finally(() => (this.renewing = undefined));
    }
    if (!this.token) await this.renewing;
    return { authorization: `Bearer ${this.token}` };
  }

  async renew() {
    const query = new URLSearchParams({ service: this.wharf.service });
    for (const name of this.repositories) query.append('scope', `repository:${name}:pull,push`);
    const basic = Buffer.from(`admin:${PASSWORD}`).toString('base64');
    const response = await request(`${this.wharf.registry}/auth/token?${query}`, { headers: { authorization: `Basic ${basic}` } });
    if (response.status !== 200) throw new Error(`token: ${response.status} ${response.body}`);
    this.token = JSON.parse(response.body).token;
    this.fetchedAt = Date.now();
  }

  async pushBlob(repository, buffer) {
    const response = await send(`${this.wharf.registry}/v2/${repository}/blobs/uploads/?digest=${digestOf(buffer)}`, {
      method: 'POST',
      headers: { ...(await this.headers()), 'content-type': 'application/octet-stream', 'content-length': buffer.length },
      body: buffer,
    });
    if (response.status !== 201) throw new Error(`blob push: ${response.status} ${response.body}`);
  }

  async pushManifest(repository, reference, body) {
    const response = await request(`${this.wharf.registry}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: { ...(await this.headers()), 'content-type': IMAGE },
      body,
    });
    if (response.status !== 201) throw new Error(`manifest push: ${response.status} ${response.body}`);
  }
}

const smallBlob = () => randomBytes(64 + Math.floor(Math.random() * 129));

/** One repository's images and stray blobs, as tasks; answers the tags it will hold. */
const seedTasks = (client, repository, tags) => {
  const tasks = [];
  for (let m = 0; m < MANIFESTS_EACH; m++) {
    tasks.push(async () => {
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', created: new Date().toISOString(), id: randomBytes(8).toString('hex') }));
      const layers = Array.from({ length: LAYERS }, smallBlob);
      await Promise.all([config, ...layers].map((blob) => client.pushBlob(repository, blob)));
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: IMAGE,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
        layers: layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length })),
      });
      const tagged = m % 100 >= UNTAGGED_PERCENT;
      await client.pushManifest(repository, tagged ? `t${m}` : digestOf(Buffer.from(body)), body);
      if (tagged) tags.push({ repository, tag: `t${m}` });
    });
  }
  for (let s = 0; s < STRAYS_EACH; s++) tasks.push(() => client.pushBlob(repository, smallBlob()));
  return tasks;
};

/**
 * Latencies of manifest GETs (GET_RATE a second) and small blob pushes (PUSH_RATE a second), sent at a steady
 * rate whatever the answers take (an open load, like independent clients), for `seconds` or until `until()`.
 */
const measure = async (client, tags, { seconds = Infinity, until = () => false }) => {
  const gets = [];
  const pushes = [];
  let failures = 0;
  const timed = async (into, work) => {
    const t0 = process.hrtime.bigint();
    try {
      await work();
    } catch (error) {
      failures++;
      if (failures === 1) console.error(String(error));
    }
    into.push(Number(process.hrtime.bigint() - t0) / 1e6);
  };
  const getOne = () => {
    const { repository, tag } = tags[Math.floor(Math.random() * tags.length)];
    return timed(gets, async () => {
      const response = await request(`${client.wharf.registry}/v2/${repository}/manifests/${tag}`, { headers: { ...(await client.headers()), accept: IMAGE } });
      if (response.status !== 200) throw new Error(`manifest GET: ${response.status}`);
    });
  };
  // Spread over LOAD_REPOSITORIES so no repository's stream grows much while the bench runs: a push's cost
  // should differ between the phases only by what the collection does.
  const pushOne = () => timed(pushes, () => client.pushBlob(`gcbench/load${pushed++ % LOAD_REPOSITORIES}`, randomBytes(1024)));
  const deadline = Date.now() + seconds * 1000;
  const inFlight = new Set();
  const steady = async (rate, send) => {
    const started = Date.now();
    for (let i = 0; Date.now() < deadline && !until(); i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const request = send().finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
  };
  await Promise.all([steady(GET_RATE, getOne), steady(PUSH_RATE, pushOne)]);
  await Promise.all(inFlight);
  gets.sort((a, b) => a - b);
  pushes.sort((a, b) => a - b);
  return {
    failures,
    get: { n: gets.length, p50: percentile(gets, 50), p99: percentile(gets, 99) },
    push: { n: pushes.length, p50: percentile(pushes, 50), p99: percentile(pushes, 99) },
  };
};

const run = async ({ log = console.log } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-gc-'));
  const wharf = await startWharf(dir);
  try {
    const login = await request(`${wharf.api}/v3/auth/tokens`, {
      method: 'POST',
      body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD } } } } },
    });
    const session = { 'x-auth-token': login.headers['x-subject-token'] };
    const created = await request(`${wharf.api}/api/v1/registries`, { method: 'POST', headers: session, body: { name: 'gcbench' } });
    const registryId = JSON.parse(created.body).id;
    const repositories = Array.from({ length: REPOSITORIES }, (_, i) => `gcbench/r${i}`);
    const client = new Client(wharf, [...repositories, ...Array.from({ length: LOAD_REPOSITORIES }, (_, i) => `gcbench/load${i}`)]);

    const tags = [];
    const seedStarted = Date.now();
    // One repository per worker: a repository's events are one stream, and writers of one stream contend.
    await pool(
      repositories.map((repository) => async () => {
        for (const task of seedTasks(client, repository, tags)) await task();
      }),
      IN_FLIGHT,
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const gc = (path, method = 'GET') => request(`${wharf.api}/api/v1/registries/${registryId}/garbage-collection${path}`, { method, headers: session });
    const registry = async () => JSON.parse((await request(`${wharf.api}/api/v1/registries/${registryId}`, { headers: session })).body);
    const latestRun = async () => JSON.parse((await gc('')).body).runs[0];
    process.stderr.write(`  seeded ${REPOSITORIES * MANIFESTS_EACH} manifests, ${REPOSITORIES * (MANIFESTS_EACH * (LAYERS + 1) + STRAYS_EACH)} blobs in ${fmt(seedSeconds, 1)} s\n`);

    // Let every read model take in the seeding (the estimate waits for lifecycle's), warm up, then the baseline.
    await gc('/size');
    await sleep(5000);
    await measure(client, tags, { seconds: 3 });
    const idle = await measure(client, tags, { seconds: 30 });
    const estimate = JSON.parse((await gc('/size')).body);
    const before = await registry();

    const t0 = Date.now();
    const started = await gc('?delete-untagged=true', 'POST');
    if (started.status !== 201) throw new Error(`starting GC: ${started.status} ${started.body}`);
    let finished = false;
    const watcher = (async () => {
      for (;;) {
        const current = await latestRun();
        if (current && current.status !== 'running') {
          finished = true;
          return current;
        }
        await sleep(50);
      }
    })();
    const during = await measure(client, tags, { until: () => finished });
    const runDoc = await watcher;
    const gcSeconds = (Date.now() - t0) / 1000;
    const after = await registry();

    const rows = [
      { measure: 'seeding (HTTP, 32 repositories at a time)', value: `${fmt(seedSeconds, 1)} s`, note: `${REPOSITORIES * MANIFESTS_EACH} manifests, ${REPOSITORIES * (MANIFESTS_EACH * (LAYERS + 1) + STRAYS_EACH)} blobs` },
      { measure: 'GC (delete-untagged) POST to finished', value: `${fmt(gcSeconds, 1)} s`, note: `status ${runDoc.status}; goal < 60 s` },
      { measure: '  deleted / unlinked / storage objects', value: `${runDoc.manifestsDeleted} / ${runDoc.blobsUnlinked} / ${runDoc.storageObjectsDeleted}`, note: `${fmt(runDoc.storageBytesDeleted / 1024, 0)} KiB from storage` },
      { measure: '  estimate / freed / size drop (bytes)', value: `${estimate.sizeSummary} / ${runDoc.freedBytes} / ${before.size - after.size}`, note: 'size drop includes the pushes made during the run' },
      { measure: 'manifest GET p50 idle / during', value: `${fmt(idle.get.p50, 2)} / ${fmt(during.get.p50, 2)} ms`, note: `n = ${idle.get.n} / ${during.get.n}` },
      { measure: 'manifest GET p99 idle / during', value: `${fmt(idle.get.p99, 2)} / ${fmt(during.get.p99, 2)} ms`, note: `ratio ${fmt(during.get.p99 / idle.get.p99, 2)} (goal <= 1.5)` },
      { measure: 'blob push p50 idle / during', value: `${fmt(idle.push.p50, 2)} / ${fmt(during.push.p50, 2)} ms`, note: `n = ${idle.push.n} / ${during.push.n}` },
      { measure: 'blob push p99 idle / during', value: `${fmt(idle.push.p99, 2)} / ${fmt(during.push.p99, 2)} ms`, note: `ratio ${fmt(during.push.p99 / idle.push.p99, 2)} (goal <= 1.5)` },
      { measure: 'failed requests idle / during', value: `${idle.failures} / ${during.failures}`, note: '' },
    ];
    log(`\nGarbage collection of one Selectel registry (embedded, grace 0): ${GET_RATE} manifest GETs and ${PUSH_RATE} blob pushes a second, idle vs during the run`);
    log(table(rows, ['measure', 'value', 'note']));
    const report = wharf.process.output.join('').split('\n').find((line) => line.includes(`Garbage collection ${runDoc.runId}`));
    if (report) log(`lifecycle: ${report.replace(/^.*\[GarbageCollection\]\s*/, '').replace(/\u001b\[[0-9;]*m/g, '')}`);
    return rows;
  } catch (error) {
    process.stderr.write(wharf.process.output.join('').slice(-4000));
    throw error;
  } finally {
    await wharf.process.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

module.exports = { run };
if (require.main === module) run().catch((error) => {
  console.error(error);
  process.exit(1);
});

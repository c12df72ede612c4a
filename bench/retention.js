'use strict';
// Retention over one repository of 10,000 tags, in embedded mode (a real `node apps/wharf/dist/main.js`):
// - a dry run of a policy keeping the 1,000 most recently pushed tags and every `keep-*` tag (goal < 1 s);
// - a run of that policy on demand, from POST to its last history entry (goal < 30 s);
// - p50/p99 of manifest GETs (by tag, 100 a second, steady) of the tags the policy keeps, while the run is under
//   way, against the same load just before it (goal: p99 within 1.5x of idle).
// Seeding: 100 images are pushed through the registry's HTTP API with a tag each; tagging them 10,000 times through
// the API would take most of the run (each tag re-reads the repository's stream), so the bench then stops the
// instance, appends the other tags as the catalog's own TagPointed events (the shape the repository decider
// records, one second apart in the past, so every tag has its own push time) to the repository's stream in the
// SQLite event store, and lets Wharf project them on restart. RETENTION_BENCH_TAGS (default 10000) changes the count.
const { createHash, randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir, loadavg } = require('node:os');
const { join } = require('node:path');
const { request, freePort, startProcess, waitFor, fmt, table, percentile } = require('./lib');

const ROOT = join(__dirname, '..');
const PASSWORD = 'bench-password';
const TAGS = Number(process.env.RETENTION_BENCH_TAGS ?? '10000');
const KEEP_NEWEST = Math.max(1, Math.round(TAGS / 10));
const SELECTED_EVERY = 50;
/** Distinct images the tags name (each pushed through the API), so no manifest carries thousands of tags. */
const IMAGES = 100;
const GET_RATE = 100;
const IDLE_SECONDS = 15;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const digestOf = (buffer) => `sha256:${createHash('sha256').update(buffer).digest('hex')}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tagName = (i) => (i % SELECTED_EVERY === 0 ? `keep-${i}` : `t${String(i).padStart(6, '0')}`);

const startWharf = async (dir, apiPort, registryPort) => {
  // BENCH_WHARF_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to profile the server during the run.
  const nodeArgs = (process.env.BENCH_WHARF_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
  const processRef = startProcess([...nodeArgs, join(ROOT, 'apps/wharf/dist/main.js')], {
    WHARF_DATA_DIR: join(dir, 'wharf'),
    WHARF_API_PORT: String(apiPort),
    WHARF_REGISTRY_PORT: String(registryPort),
    WHARF_ADMIN_PASSWORD: PASSWORD,
    WHARF_LOG_LEVEL: 'warn',
  });
  const api = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await request(`${api}/healthz`)).status === 200, 120000, 'wharf');
  return { api, registry: `http://127.0.0.1:${registryPort}`, service: `127.0.0.1:${registryPort}`, process: processRef };
};

/** Manifest GETs of `tags` at a steady rate (an open load) until `until()` or `seconds`; latencies in ms. */
const measure = async (wharf, token, tags, { seconds = Infinity, until = () => false }) => {
  const latencies = [];
  let failures = 0;
  const deadline = Date.now() + seconds * 1000;
  const inFlight = new Set();
  const started = Date.now();
  for (let i = 0; Date.now() < deadline && !until(); i++) {
    const due = started + (i * 1000) / GET_RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    const tag = tags[Math.floor(Math.random() * tags.length)];
    const t0 = process.hrtime.bigint();
    const get = request(`${wharf.registry}/v2/rbench/tags/manifests/${tag}`, { headers: { authorization: `Bearer ${token}`, accept: MANIFEST } })
      .then((response) => {
        if (response.status !== 200) failures++;
      })
      .catch(() => failures++)
      .finally(() => {
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        inFlight.delete(get);
      });
    inFlight.add(get);
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return { n: latencies.length, failures, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
};

/** Appends tags 1… of the repository as the catalog records them, after the one pushed through the API. */
const seedTags = async (dir) => {
  const { getSqliteEventStore } = require(join(ROOT, 'packages/event-store-sqlite/dist'));
  const store = getSqliteEventStore({ path: join(dir, 'wharf', 'wharf.db') });
  const stream = 'catalog.repository-rbench/tags';
  const images = (await store.readStream(stream)).filter((event) => event.type === 'TagPointed');
  const base = Date.now() - (TAGS + 60) * 1000;
  for (let start = images.length; start < TAGS; start += 1000) {
    const events = Array.from({ length: Math.min(1000, TAGS - start) }, (_, k) => ({
      type: 'TagPointed',
      data: { ...images[(start + k) % images.length].data, tag: tagName(start + k), taggedAt: new Date(base + (start + k) * 1000).toISOString() },
      metadata: { ...images[0].metadata, seededBy: 'bench/retention' },
    }));
    await store.appendToStream(stream, events, { expectedRevision: 'any' });
  }
  await store.close();
};

const run = async ({ log = console.log } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-retention-'));
  const [apiPort, registryPort] = [await freePort(), await freePort()];
  let wharf = await startWharf(dir, apiPort, registryPort);
  try {
    const signIn = async () => {
      const login = await request(`${wharf.api}/v3/auth/tokens`, {
        method: 'POST',
        body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD } } } } },
      });
      return { 'x-auth-token': login.headers['x-subject-token'] };
    };
    let session = await signIn();
    await request(`${wharf.api}/v2/manage/namespaces`, { method: 'POST', headers: session, body: { namespace: 'rbench' } });
    const basic = Buffer.from(`admin:${PASSWORD}`).toString('base64');
    const tokenOf = async () =>
      JSON.parse((await request(`${wharf.registry}/auth/token?service=${wharf.service}&scope=repository:rbench/tags:pull,push`, { headers: { authorization: `Basic ${basic}` } })).body).token;
    let token = await tokenOf();
    const auth = () => ({ authorization: `Bearer ${token}` });

    const seedStarted = Date.now();
    const pushBlob = async (blob) => {
      const pushed = await request(`${wharf.registry}/v2/rbench/tags/blobs/uploads/?digest=${digestOf(blob)}`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/octet-stream', 'content-length': blob.length },
        body: blob.toString(),
      });
      if (pushed.status !== 201) throw new Error(`blob push: ${pushed.status} ${pushed.body}`);
    };
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    await pushBlob(config);
    for (let image = 0; image < IMAGES; image++) {
      const layer = Buffer.from(randomBytes(512).toString('hex'));
      await pushBlob(layer);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
      });
      const put = await request(`${wharf.registry}/v2/rbench/tags/manifests/${tagName(image)}`, { method: 'PUT', headers: { ...auth(), 'content-type': MANIFEST }, body: manifest });
      if (put.status !== 201) throw new Error(`manifest push: ${put.status} ${put.body}`);
    }
    await wharf.process.stop();
    await seedTags(dir);
    wharf = await startWharf(dir, apiPort, registryPort);
    session = await signIn();
    token = await tokenOf();
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    process.stderr.write(`  seeded ${TAGS} tags in ${fmt(seedSeconds, 1)} s\n`);

    const policies = `${wharf.api}/v2/manage/namespaces/rbench/repos/tags/retentions`;
    const policy = { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: String(KEEP_NEWEST) }, tag_selectors: [{ kind: 'regexp', pattern: '^keep-' }] }] };
    const { id } = JSON.parse((await request(policies, { method: 'POST', headers: session, body: policy })).body);
    // The first dry run catches lifecycle's views up with the seeding; the second is the one measured.
    await request(`${policies}/${id}/dry_run`, { method: 'POST', headers: session });
    const dryStarted = process.hrtime.bigint();
    const dry = await request(`${policies}/${id}/dry_run`, { method: 'POST', headers: session });
    const dryMs = Number(process.hrtime.bigint() - dryStarted) / 1e6;
    const decisions = JSON.parse(dry.body).tags;
    const doomed = decisions.filter((t) => t.decision === 'delete').length;
    const kept = decisions.filter((t) => t.decision === 'keep').map((t) => t.tag);

    token = await tokenOf();
    await measure(wharf, token, kept, { seconds: 3 });
    const idle = await measure(wharf, token, kept, { seconds: IDLE_SECONDS });
    const load = loadavg();

    const runStarted = Date.now();
    const started = await request(`${policies}/${id}/run`, { method: 'POST', headers: session });
    if (started.status !== 202) throw new Error(`starting the run: ${started.status} ${started.body}`);
    let total = 0;
    const watcher = (async () => {
      while (total < doomed && Date.now() - runStarted < 300000) {
        total = JSON.parse((await request(`${policies}/histories?limit=1&offset=0`, { headers: session })).body).total;
        if (total < doomed) await sleep(100);
      }
      return (Date.now() - runStarted) / 1000;
    })();
    const during = await measure(wharf, token, kept, { until: () => total >= doomed || Date.now() - runStarted > 300000 });
    const runSeconds = await watcher;

    const rows = [
      { measure: `seeding ${TAGS} tags (events, restart)`, value: `${fmt(seedSeconds, 1)} s`, note: '' },
      { measure: 'dry run', value: `${fmt(dryMs, 0)} ms`, note: `${decisions.length} tags, ${doomed} to delete; goal < 1 s` },
      { measure: 'run, POST to last history entry', value: `${fmt(runSeconds, 1)} s`, note: `${total} of ${doomed} untagged; goal < 30 s` },
      { measure: 'manifest GET p50 / p99, idle', value: `${fmt(idle.p50, 1)} / ${fmt(idle.p99, 1)} ms`, note: `${idle.n} GETs, ${idle.failures} failed` },
      { measure: 'manifest GET p50 / p99, during the run', value: `${fmt(during.p50, 1)} / ${fmt(during.p99, 1)} ms`, note: `${during.n} GETs, ${during.failures} failed` },
      { measure: 'p99 during / idle', value: `${fmt(during.p99 / idle.p99, 2)}x`, note: 'goal <= 1.5x' },
    ];
    log(table(rows, ['measure', 'value', 'note']));
    log(`load average when the run started: ${load.map((l) => fmt(l, 2)).join(' ')} (${require('node:os').cpus().length} cores)`);
  } finally {
    await wharf.process.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

module.exports = { run };
if (require.main === module) run().catch((error) => (console.error(error), process.exit(1)));

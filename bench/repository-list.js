'use strict';
// `GET /v2/manage/repos` (SWR's repository list) at 1k, 10k and 100k repositories in embedded mode (a real
// `node apps/wharf/dist/main.js`): first page, a deep offset, a deep v3 marker page and a `name::` fuzzy filter,
// each p50/p99, against
// a baseline measured in the same run (a bare node:http server answering the same first-page body).
//
// Seeding: creating 100k repositories through the API would take most of the run, so the bench writes the
// catalog's own events (RepositoryCreated, then TagPointed per tag) straight into the stopped instance's SQLite
// event store, in the shape the repository decider records them, and lets Wharf project them on restart. The
// organization is created through the API, so its owner, number and registry id are real.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createHash } = require('node:crypto');
const { request, load, freePort, startProcess, waitFor, fmt, table } = require('./lib');

const ROOT = join(__dirname, '..');
const SCALES = [
  { repositories: 1_000, tagsEach: 10 },
  { repositories: 10_000, tagsEach: 10 },
  { repositories: 100_000, tagsEach: 1 },
];
const PAGE = 100;
const SAMPLES = 300;

const pad = (i) => String(i).padStart(6, '0');
const digestOf = (text) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

const startWharf = async (dataDir, apiPort, registryPort) => {
  const wharf = startProcess([join(ROOT, 'apps/wharf/dist/main.js')], {
    WHARF_DATA_DIR: dataDir,
    WHARF_API_PORT: String(apiPort),
    WHARF_REGISTRY_PORT: String(registryPort),
    WHARF_ADMIN_PASSWORD: 'bench-password',
    WHARF_LOG_LEVEL: 'warn',
  });
  await waitFor(async () => (await request(`http://127.0.0.1:${apiPort}/healthz`)).status === 200, 120000, 'wharf to start');
  return wharf;
};

const login = async (api) => {
  const response = await request(`${api}/v3/auth/tokens`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'bench-password' } } } } },
  });
  const body = JSON.parse(response.body);
  return { auth: { 'x-auth-token': response.headers['x-subject-token'] }, accountId: body.token.user.domain.id, userId: body.token.user.id };
};

/** Appends each repository's creation and tags as the catalog's repository decider would have recorded them. */
const seed = async (dataDir, { repositories, tagsEach }, owner, namespace) => {
  const { getSqliteEventStore } = require(join(ROOT, 'packages/event-store-sqlite/dist'));
  const store = getSqliteEventStore({ path: join(dataDir, 'wharf.db') });
  const at = (i) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const appendOne = (i) => {
    const repository = `${namespace.name}/repo-${pad(i)}`;
    const events = [
      {
        type: 'RepositoryCreated',
        data: {
          repository,
          id: 1_000_000 + i,
          namespace: namespace.name,
          namespaceId: namespace.id,
          accountId: owner.accountId,
          creatorId: owner.userId,
          creatorName: 'admin',
          createdAt: at(i),
          category: i % 2 === 0 ? 'linux' : 'other',
          description: '',
          isPublic: false,
        },
        metadata: { actor: owner.userId, seededBy: 'bench/repository-list' },
      },
      ...Array.from({ length: tagsEach }, (_, t) => ({
        type: 'TagPointed',
        data: {
          repository,
          tag: `v${t}`,
          digest: digestOf(`${repository}:${t}`),
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          imageSize: 1000 + t,
          taggedAt: at(i),
        },
        metadata: { actor: owner.userId, seededBy: 'bench/repository-list' },
      })),
    ];
    return store.appendToStream(`catalog.repository-${repository}`, events, { expectedRevision: 'no_stream' });
  };
  // Concurrent appends share commits (the store batches them), so 100k streams take seconds, not minutes.
  for (let i = 0; i < repositories; i += 1000) {
    await Promise.all(Array.from({ length: Math.min(1000, repositories - i) }, (_, k) => appendOne(i + k)));
  }
  await store.close();
};

const measureScale = async (scale, log) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-repos-'));
  const [apiPort, registryPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${apiPort}`;
  let wharf;
  let baseline;
  try {
    wharf = await startWharf(dataDir, apiPort, registryPort);
    let owner = await login(api);
    const created = await request(`${api}/v2/manage/namespaces`, { method: 'POST', headers: owner.auth, body: { namespace: 'bench' } });
    if (created.status !== 201) throw new Error(`creating the organization: ${created.status} ${created.body}`);
    const namespace = JSON.parse((await request(`${api}/v2/manage/namespaces/bench`, { headers: owner.auth })).body);
    await wharf.stop();

    const seedStarted = Date.now();
    await seed(dataDir, scale, owner, namespace);
    const seedSeconds = (Date.now() - seedStarted) / 1000;

    const projectStarted = Date.now();
    wharf = await startWharf(dataDir, apiPort, registryPort);
    owner = await login(api);
    const last = `${api}/v2/manage/namespaces/bench/repos/repo-${pad(scale.repositories - 1)}`;
    await waitFor(async () => {
      const response = await request(last, { headers: owner.auth });
      return response.status === 200 && JSON.parse(response.body).num_images === scale.tagsEach;
    }, 900000, 'the read models to project the seeded events');
    const projectSeconds = (Date.now() - projectStarted) / 1000;

    const get = (path) => () => request(`${api}${path}`, { headers: owner.auth });
    const first = `/v2/manage/repos?offset=0&limit=${PAGE}`;
    const deep = `/v2/manage/repos?offset=${scale.repositories - PAGE}&limit=${PAGE}&order_column=name&order_type=asc`;
    // `repo-0001` matches 10 names at 1k (repo-000100..), 100 at 10k... the filter, not the total, sets the match count.
    const fuzzy = (i) => `/v2/manage/repos?filter=name::${pad(i % scale.repositories).slice(0, 5)}|offset::0|limit::${PAGE}`;
    const firstBody = (await request(`${api}${first}`, { headers: owner.auth })).body;
    const total = Number(((await request(`${api}${first}`, { headers: owner.auth })).headers['content-range'] ?? '').split('/')[1]);
    await load({ count: 100, concurrency: 2, expectStatus: 200, makeRequest: get(first) });
    const results = {
      first: await load({ count: SAMPLES, concurrency: 1, expectStatus: 200, maxMs: 120000, makeRequest: get(first) }),
      deep: await load({ count: SAMPLES, concurrency: 1, expectStatus: 200, maxMs: 120000, makeRequest: get(deep) }),
      // Marker paging (SWR v3) near the end: a seek, so it should not grow with the total as offsets do.
      'v3 marker (deep)': await load({
        count: SAMPLES,
        concurrency: 1,
        expectStatus: 200,
        maxMs: 120000,
        makeRequest: get(`/v3/manage/repos?limit=${PAGE}&marker=${1_000_000 + scale.repositories - 2 * PAGE}`),
      }),
      fuzzy: await load({ count: SAMPLES, concurrency: 1, expectStatus: 200, maxMs: 120000, makeRequest: (i) => request(`${api}${fuzzy(i * 37)}`, { headers: owner.auth }) }),
    };

    const basePort = await freePort();
    baseline = startProcess(
      ['-e', `const b=${JSON.stringify(firstBody)};require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/json'});s.end(b)}).listen(${basePort},'127.0.0.1')`],
      {},
    );
    const baseUrl = `http://127.0.0.1:${basePort}/`;
    await waitFor(async () => (await request(baseUrl)).status === 200, 10000, 'baseline server');
    results.baseline = await load({ count: SAMPLES, concurrency: 1, expectStatus: 200, makeRequest: () => request(baseUrl) });
    log(`  ${fmt(scale.repositories)} repositories (${fmt(total)} listed as total), ${fmt(scale.repositories * scale.tagsEach)} tags: seeded in ${fmt(seedSeconds, 1)} s, projected in ${fmt(projectSeconds, 1)} s`);
    return { scale, results };
  } finally {
    await wharf?.stop();
    await baseline?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

const run = async ({ log = console.log, scales = SCALES } = {}) => {
  const rows = [];
  for (const scale of scales) {
    const { results } = await measureScale(scale, log);
    for (const [name, r] of Object.entries(results)) {
      rows.push({
        repositories: fmt(scale.repositories),
        request: name === 'baseline' ? 'baseline (bare HTTP, same body)' : name,
        'p50 ms': fmt(r.p50, 2),
        'p99 ms': fmt(r.p99, 2),
        'ratio p99 to baseline': name === 'baseline' ? '' : fmt(r.p99 / results.baseline.p99, 1),
        failures: r.failures,
      });
    }
  }
  log(`\nGET /v2/manage/repos, ${PAGE} per page, sequential requests (goal: p99 < 50 ms, flat with the total)`);
  log(table(rows, ['repositories', 'request', 'p50 ms', 'p99 ms', 'ratio p99 to baseline', 'failures']));
};

module.exports = { run };

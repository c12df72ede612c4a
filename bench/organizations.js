'use strict';
// The organization slice through the gateway in embedded mode (a real `node apps/wharf/dist/main.js`
// process), against a baseline: a bare node:http server in its own process answering the same list body.
// The ratio shows what Wharf's whole stack (auth, transport, read model, SWR rendering) costs over raw HTTP.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { request, load, freePort, startProcess, waitFor, fmt, table } = require('./lib');

const ROOT = join(__dirname, '..');
const ORGANIZATIONS = 1000;

const baselineServer = (port, body) => `
  const http = require('node:http');
  const body = ${JSON.stringify(body)};
  http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); })
    .listen(${port}, '127.0.0.1');
`;

const run = async ({ log = console.log } = {}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-orgs-'));
  const apiPort = await freePort();
  const api = `http://127.0.0.1:${apiPort}`;
  const wharf = startProcess([join(ROOT, 'apps/wharf/dist/main.js')], {
    WHARF_DATA_DIR: dataDir,
    WHARF_API_PORT: String(apiPort),
    WHARF_REGISTRY_PORT: String(await freePort()),
    WHARF_ADMIN_PASSWORD: 'bench-password',
    WHARF_LOG_LEVEL: 'warn',
  });
  let baseline;
  try {
    await waitFor(async () => (await request(`${api}/healthz`)).status === 200, 60000, 'wharf to start');
    const login = await request(`${api}/v3/auth/tokens`, {
      method: 'POST',
      body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'bench-password' } } } } },
    });
    const token = login.headers['x-subject-token'];
    const auth = { 'x-auth-token': token };

    const create = await load({
      count: ORGANIZATIONS,
      concurrency: 16,
      maxMs: 120000,
      expectStatus: 201,
      makeRequest: (i) => request(`${api}/v2/manage/namespaces`, { method: 'POST', headers: auth, body: { namespace: `bench-org-${i}` } }),
    });
    const listOnce = await request(`${api}/v2/manage/namespaces`, { headers: auth });
    const listed = JSON.parse(listOnce.body).namespaces.length;
    const listUrl = `${api}/v2/manage/namespaces`;
    // Warm-up (JIT, caches, the WAL checkpoint after the write burst), not measured.
    await load({ count: 200, concurrency: 4, expectStatus: 200, makeRequest: () => request(listUrl, { headers: auth }) });
    const list1 = await load({ count: 300, concurrency: 1, expectStatus: 200, makeRequest: () => request(listUrl, { headers: auth }) });
    const list16 = await load({ count: 1000, concurrency: 16, expectStatus: 200, makeRequest: () => request(listUrl, { headers: auth }) });
    const filtered = await load({
      count: 500,
      concurrency: 1,
      expectStatus: 200,
      makeRequest: (i) => request(`${api}/v2/manage/namespaces?filter=namespace::org-${i % ORGANIZATIONS}`, { headers: auth }),
    });

    const basePort = await freePort();
    baseline = startProcess(['-e', baselineServer(basePort, listOnce.body)], {});
    const baseUrl = `http://127.0.0.1:${basePort}/`;
    await waitFor(async () => (await request(baseUrl)).status === 200, 10000, 'baseline server');
    const base1 = await load({ count: 300, concurrency: 1, expectStatus: 200, makeRequest: () => request(baseUrl) });
    const base16 = await load({ count: 1000, concurrency: 16, expectStatus: 200, makeRequest: () => request(baseUrl) });

    const row = (name, r, base) => ({
      measure: name,
      'req/s': fmt(r.perSecond),
      'p50 ms': fmt(r.p50, 2),
      'p99 ms': fmt(r.p99, 2),
      failures: r.failures,
      'baseline req/s': base ? fmt(base.perSecond) : '',
      'ratio (wharf/baseline)': base ? fmt(r.perSecond / base.perSecond, 3) : '',
    });
    log(`\nOrganizations through the gateway, embedded mode (${listed} organizations listed per request)`);
    log(
      table(
        [
          row(`create (concurrency 16, ${ORGANIZATIONS})`, create),
          row('list all (concurrency 1)', list1, base1),
          row('list all (concurrency 16)', list16, base16),
          row('list with filter=namespace:: (concurrency 1)', filtered),
        ],
        ['measure', 'req/s', 'p50 ms', 'p99 ms', 'failures', 'baseline req/s', 'ratio (wharf/baseline)'],
      ),
    );
    log(`goal: list p99 < 20 ms with ${ORGANIZATIONS} organizations -> ${list1.p99 < 20 ? 'met' : 'NOT met'} (${fmt(list1.p99, 2)} ms)`);
    return { create, list1, list16, filtered, base1, base16 };
  } finally {
    await baseline?.stop();
    await wharf.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

module.exports = { run };
if (require.main === module) run().catch((error) => {
  console.error(error);
  process.exit(1);
});

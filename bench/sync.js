'use strict';
// Image synchronization Wharf -> Wharf against `skopeo copy` between the same two registries, in one run: two
// embedded instances (real `node apps/wharf/dist/main.js`, separate data directories and ports), the source with
// the target as its sync region. A 512 MiB image (a config and four 128 MiB layers of random bytes) is pushed to
// the source; then, alternating, `skopeo copy` into a fresh repository of the target and `sync_images` into
// another fresh one (each starts with nothing in its repository; skopeo runs with an empty blob cache), twice
// each. Reported: seconds and MiB/s of each copy, and the ratio of the sync's throughput to skopeo's (goal
// >= 0.9). Needs Debian's skopeo. SYNC_BENCH_MIB (default 512) changes the image size.
const { createHash, randomBytes } = require('node:crypto');
const { execFile } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const http = require('node:http');
const { tmpdir, loadavg, cpus } = require('node:os');
const { join } = require('node:path');
const { promisify } = require('node:util');
const { request, freePort, startProcess, waitFor, fmt, table, agent } = require('./lib');

const ROOT = join(__dirname, '..');
const PASSWORD = 'bench-password';
const MiB = 1024 * 1024;
const IMAGE_MIB = Number(process.env.SYNC_BENCH_MIB ?? '512');
const LAYERS = 4;
const ROUNDS = 2;
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const run$ = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const startWharf = async (dir, name, env = {}) => {
  const apiPort = await freePort();
  const registryPort = await freePort();
  const processRef = startProcess([join(ROOT, 'apps/wharf/dist/main.js')], {
    WHARF_DATA_DIR: join(dir, name),
    WHARF_API_PORT: String(apiPort),
    WHARF_REGISTRY_PORT: String(registryPort),
    WHARF_ADMIN_PASSWORD: PASSWORD,
    WHARF_LOG_LEVEL: 'warn',
    ...env,
  });
  const api = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await request(`${api}/healthz`)).status === 200, 120000, name);
  const login = await request(`${api}/v3/auth/tokens`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD } } } } },
  });
  return { api, registry: `http://127.0.0.1:${registryPort}`, host: `127.0.0.1:${registryPort}`, session: { 'x-auth-token': login.headers['x-subject-token'] }, process: processRef };
};

const token = async (wharf, scope) => {
  const basic = Buffer.from(`admin:${PASSWORD}`).toString('base64');
  const response = await request(`${wharf.registry}/auth/token?service=${wharf.host}&scope=${scope}`, { headers: { authorization: `Basic ${basic}` } });
  return JSON.parse(response.body).token;
};

/** Streams `size` random bytes as one monolithic blob upload, hashing as it goes; answers the digest. */
const pushRandomBlob = async (wharf, repository, bearer, size) => {
  const started = await request(`${wharf.registry}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` } });
  const location = new URL(started.headers.location, wharf.registry);
  const hash = createHash('sha256');
  const body = [];
  for (let sent = 0; sent < size; sent += 8 * MiB) body.push(randomBytes(Math.min(8 * MiB, size - sent)));
  for (const chunk of body) hash.update(chunk);
  const digest = `sha256:${hash.digest('hex')}`;
  location.searchParams.set('digest', digest);
  await new Promise((resolve, reject) => {
    const req = http.request(location, { method: 'PUT', agent, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/octet-stream', 'content-length': size } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`blob PUT: ${res.statusCode}`))));
    });
    req.on('error', reject);
    for (const chunk of body) req.write(chunk);
    req.end();
  });
  return { digest, size };
};

const run = async ({ log = console.log } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-sync-'));
  const home = join(dir, 'skopeo-home');
  const target = await startWharf(dir, 'target');
  // One region per round, both the target: a sync mounts what it put in the target before, and each round must send it all.
  const regions = Array.from({ length: ROUNDS }, (_, round) => ({ regionID: `target${round}`, url: target.registry, username: 'admin', password: PASSWORD }));
  const source = await startWharf(dir, 'source', { WHARF_SYNC_REGIONS: JSON.stringify(regions) });
  try {
    await request(`${source.api}/v2/manage/namespaces`, { method: 'POST', headers: source.session, body: { namespace: 'src' } });
    for (let round = 0; round < ROUNDS; round++) {
      for (const namespace of [`skopeo${round}`, `sync${round}`]) await request(`${target.api}/v2/manage/namespaces`, { method: 'POST', headers: target.session, body: { namespace } });
    }
    const bearer = await token(source, 'repository:src/big:pull,push');
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const configPush = await request(`${source.registry}/v2/src/big/blobs/uploads/?digest=${configDigest}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/octet-stream', 'content-length': config.length },
      body: config.toString(),
    });
    if (configPush.status !== 201) throw new Error(`config push: ${configPush.status}`);
    const layers = [];
    for (let i = 0; i < LAYERS; i++) layers.push(await pushRandomBlob(source, 'src/big', bearer, Math.floor((IMAGE_MIB * MiB) / LAYERS)));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map(({ digest, size }) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size })),
    });
    const put = await request(`${source.registry}/v2/src/big/manifests/v1`, { method: 'PUT', headers: { authorization: `Bearer ${bearer}`, 'content-type': MANIFEST }, body: manifest });
    if (put.status !== 201) throw new Error(`manifest push: ${put.status} ${put.body}`);
    const bytes = layers.reduce((sum, l) => sum + l.size, config.length + manifest.length);

    // skopeo remembers (in root's blob info cache, whatever HOME is) which repositories of a registry hold a blob,
    // and mounts from them; each round names the target by another host, so it knows of none and sends it all.
    const skopeo = async (namespace, round) => {
      const host = round === 0 ? target.host : target.host.replace('127.0.0.1', 'localhost');
      rmSync(home, { recursive: true, force: true });
      const t0 = process.hrtime.bigint();
      await run$(
        'skopeo',
        ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--src-creds', `admin:${PASSWORD}`, '--dest-creds', `admin:${PASSWORD}`, `docker://${source.host}/src/big:v1`, `docker://${host}/${namespace}/big:v1`],
        { env: { PATH: process.env.PATH, HOME: home, TMPDIR: dir }, maxBuffer: 16 * MiB },
      );
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    const sync = async (namespace, round) => {
      const t0 = process.hrtime.bigint();
      const repo = `${source.api}/v2/manage/namespaces/src/repos/big`;
      const answer = await request(`${repo}/sync_images`, { method: 'POST', headers: source.session, body: { remoteRegionId: `target${round}`, remoteNamespace: namespace, imageTag: ['v1'], override: true } });
      if (answer.status !== 200) throw new Error(`sync_images: ${answer.status} ${answer.body}`);
      for (let i = 0; i < 12000; i++) {
        const jobs = JSON.parse((await request(`${repo}/sync_job?filter=limit::1|offset::0|order::desc`, { headers: source.session })).body);
        if (jobs[0]?.remoteNamespace === namespace && jobs[0].status !== 'waiting' && jobs[0].status !== 'running') {
          if (jobs[0].status !== 'success') throw new Error(`sync job ${jobs[0].id}: ${jobs[0].status}`);
          return Number(process.hrtime.bigint() - t0) / 1e9;
        }
        await sleep(50);
      }
      throw new Error('the sync job did not finish in 10 minutes');
    };

    const rows = [];
    const timings = { skopeo: [], sync: [] };
    const load = loadavg();
    for (let round = 0; round < ROUNDS; round++) {
      const s = await skopeo(`skopeo${round}`, round);
      timings.skopeo.push(s);
      rows.push({ copy: `skopeo copy (round ${round + 1})`, seconds: fmt(s, 1), 'MiB/s': fmt(bytes / MiB / s, 0) });
      const w = await sync(`sync${round}`, round);
      timings.sync.push(w);
      rows.push({ copy: `sync_images (round ${round + 1})`, seconds: fmt(w, 1), 'MiB/s': fmt(bytes / MiB / w, 0) });
    }
    const total = (list) => list.reduce((a, b) => a + b, 0);
    rows.push({ copy: 'sync throughput / skopeo throughput', seconds: '', 'MiB/s': `${fmt(total(timings.skopeo) / total(timings.sync), 2)}x (goal >= 0.9)` });
    log(`image: ${fmt(bytes / MiB, 0)} MiB (${LAYERS} layers of random bytes), Wharf -> Wharf on loopback`);
    log(table(rows, ['copy', 'seconds', 'MiB/s']));
    log(`load average when the copies started: ${load.map((l) => fmt(l, 2)).join(' ')} (${cpus().length} cores)`);
  } finally {
    await source.process.stop();
    await target.process.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

module.exports = { run };
if (require.main === module) run().catch((error) => (console.error(error), process.exit(1)));

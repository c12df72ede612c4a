'use strict';
// The data plane against CNCF Distribution 2.8 (Debian's docker-registry) on the same machine, in one run.
// Wharf runs embedded with token auth (every request carries a bearer token); docker-registry runs with its
// filesystem driver and no auth. Each row runs BENCH_RUNS times (default 3) per registry, alternating which
// goes first, and prints the medians, the ratio (above 1.0 Wharf is better), each server's CPU time per unit of
// work (less sensitive to other load than wall-clock figures) and the share of the machine other processes
// used while the row ran. Also measured in the same run: the machine's limits, durable disk writes (write +
// fsync) and loopback with sha256 (a server sending from memory to this client, which hashes what it reads as
// the pulls below do). Every loop is bounded in count and time.
const { createHash, randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, fsyncSync, closeSync } = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { spawn } = require('node:child_process');
const { request, load, freePort, startProcess, waitFor, fmt, table, agent } = require('./lib');
const { sampleCpu, processTicks, residentBytes, ticksPerSecond } = require('./machine');

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? '3'));
/** Row names to run (substring match, comma-separated); all when unset. */
const ONLY = (process.env.BENCH_ROWS ?? '').split(',').filter((s) => s.length > 0);
const CATALOG_REPOSITORIES = 99;
const TAGS = 1000;
const CHUNK = 8 * MiB;
const IMAGE = 'application/vnd.oci.image.manifest.v1+json';

const digestOf = (buffer) => `sha256:${createHash('sha256').update(buffer).digest('hex')}`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (since) => Number(process.hrtime.bigint() - since) / 1e9;

/** Sends a body from memory in 1 MiB writes, as a client streaming a layer would. */
const send = (url, { method, headers = {}, body }) =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { 'content-length': body ? body.length : 0, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) for (let offset = 0; offset < body.length; offset += MiB) req.write(body.subarray(offset, Math.min(body.length, offset + MiB)));
    req.end();
  });

/** Reads a response body into `hash` (a client checks the digest of what it pulls), counting bytes. */
const drain = (url, headers, hash) =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        let bytes = 0;
        res.on('data', (c) => {
          bytes += c.length;
          hash.update(c);
        });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes }));
      })
      .on('error', reject);
  });

class Target {
  constructor(name, base, pid, token) {
    this.name = name;
    this.base = base;
    this.pid = pid;
    this.token = token;
    this.blobs = new Map();
  }
  get headers() {
    return this.token ? { authorization: `Bearer ${this.token.value}` } : {};
  }
  /** A fresh token (Wharf) for the bench's main repositories, or for `repos` instead. */
  async refresh(repos) {
    if (this.token) await this.token.refresh(repos);
  }
  absolute(location) {
    return location.startsWith('http') ? location : `${this.base}${location}`;
  }
  async pushBlob(repo, buffer, { chunk, digest = digestOf(buffer) } = {}) {
    const started = await send(`${this.base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: this.headers });
    if (started.status !== 202) throw new Error(`${this.name} POST upload: ${started.status} ${started.body}`);
    let location = this.absolute(started.headers.location);
    const withDigest = () => `${location}${location.includes('?') ? '&' : '?'}digest=${digest}`;
    if (chunk) {
      for (let offset = 0; offset < buffer.length; offset += chunk) {
        const part = buffer.subarray(offset, Math.min(buffer.length, offset + chunk));
        const patched = await send(location, {
          method: 'PATCH',
          headers: { ...this.headers, 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + part.length - 1}` },
          body: part,
        });
        if (patched.status !== 202) throw new Error(`${this.name} PATCH: ${patched.status} ${patched.body}`);
        location = this.absolute(patched.headers.location);
      }
      const done = await send(withDigest(), { method: 'PUT', headers: this.headers });
      if (done.status !== 201) throw new Error(`${this.name} PUT: ${done.status} ${done.body}`);
    } else {
      const done = await send(withDigest(), { method: 'PUT', headers: { ...this.headers, 'content-type': 'application/octet-stream' }, body: buffer });
      if (done.status !== 201) throw new Error(`${this.name} PUT: ${done.status} ${done.body}`);
    }
    return digest;
  }
  /** Pulls a blob whole, or in `chunk`-byte ranges, checking its digest; returns the bytes read. */
  async pullBlob(repo, { digest, size }, { chunk } = {}) {
    const hash = createHash('sha256');
    const url = `${this.base}/v2/${repo}/blobs/${digest}`;
    let bytes = 0;
    if (chunk) {
      for (let offset = 0; offset < size; offset += chunk) {
        const end = Math.min(size, offset + chunk) - 1;
        const part = await drain(url, { ...this.headers, range: `bytes=${offset}-${end}` }, hash);
        if (part.status !== 206) throw new Error(`${this.name} ranged GET blob: ${part.status}`);
        bytes += part.bytes;
      }
    } else {
      const whole = await drain(url, this.headers, hash);
      if (whole.status !== 200) throw new Error(`${this.name} GET blob: ${whole.status}`);
      bytes = whole.bytes;
    }
    if (`sha256:${hash.digest('hex')}` !== digest || bytes !== size) throw new Error(`${this.name} served other bytes for ${digest}`);
    return bytes;
  }
  putManifest(repo, tag, bytes) {
    return send(`${this.base}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { ...this.headers, 'content-type': IMAGE }, body: bytes });
  }
}

// ---- the machine's limits --------------------------------------------------------------------------------

/** Durable sequential writes: 256 MiB in 1 MiB writes, then fsync. */
const diskLimit = (dir, buffer) => {
  const file = join(dir, 'disk-probe');
  const started = process.hrtime.bigint();
  const fd = openSync(file, 'w');
  for (let offset = 0; offset < buffer.length; offset += MiB) writeSync(fd, buffer, offset, MiB);
  fsyncSync(fd);
  closeSync(fd);
  const rate = buffer.length / MiB / seconds(started);
  rmSync(file);
  return rate;
};

/** A bare TCP server in a process of its own that answers every request with `bytes` bytes from memory. */
const MEMORY_SERVER = `
  const body = require('node:crypto').randomBytes(Number(process.argv[1]));
  const server = require('node:net').createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', async () => {
      socket.write('HTTP/1.1 200 OK\\r\\nContent-Length: ' + body.length + '\\r\\nConnection: close\\r\\n\\r\\n');
      for (let offset = 0; offset < body.length; offset += 1 << 20) {
        if (!socket.write(body.subarray(offset, offset + (1 << 20)))) await new Promise((resolve) => socket.once('drain', resolve));
      }
      socket.end();
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** Loopback and sha256: this client reads and hashes what a server sends from memory (another process), as pulls do. */
const loopbackLimit = async (bytes) => {
  const child = spawn(process.execPath, ['-e', MEMORY_SERVER, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      child.stdout.once('data', (line) => resolve(Number(String(line).trim())));
      child.once('exit', (code) => reject(new Error(`memory server exited (${code})`)));
    });
    const started = process.hrtime.bigint();
    const hash = createHash('sha256');
    const { bytes: read } = await drain(`http://127.0.0.1:${port}/`, { connection: 'close' }, hash);
    hash.digest();
    return read / MiB / seconds(started);
  } finally {
    child.kill();
  }
};

// ---- the two registries ----------------------------------------------------------------------------------

const startDistribution = async (dir) => {
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await request(`${base}/v2/`)).status === 200, 15000, 'docker-registry');
  return {
    target: new Target('docker-registry', base, child.pid),
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))),
  };
};

const repositoryScopes = (repos) => repos.map((repo) => `scope=repository:${repo}:pull,push`).join('&');

/** An embedded Wharf with its data under `dir`, signed in for `repos`; `env` adds settings (another blob store). */
const startWharf = async (dir, repos, env = {}) => {
  const apiPort = await freePort();
  const registryPort = await freePort();
  // BENCH_WHARF_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to profile the server under the bench's load.
  const nodeArgs = (process.env.BENCH_WHARF_NODE_ARGS ?? '').split(' ').filter((arg) => arg.length > 0);
  // BENCH_WHARF_ROOT: another checkout's build to run instead of this one (to compare two versions).
  const processRef = startProcess([...nodeArgs, join(process.env.BENCH_WHARF_ROOT ?? ROOT, 'apps/wharf/dist/main.js')], {
    WHARF_DATA_DIR: join(dir, 'wharf'),
    WHARF_API_PORT: String(apiPort),
    WHARF_REGISTRY_PORT: String(registryPort),
    WHARF_ADMIN_PASSWORD: 'bench-password',
    WHARF_LOG_LEVEL: 'warn',
    ...env,
  });
  const api = `http://127.0.0.1:${apiPort}`;
  const base = `http://127.0.0.1:${registryPort}`;
  try {
    return await signIn(api, base, registryPort, repos, processRef);
  } catch (error) {
    await processRef.stop();
    throw error;
  }
};

const signIn = async (api, base, registryPort, repos, processRef) => {
  await waitFor(async () => (await request(`${api}/healthz`)).status === 200, 120000, 'wharf');
  const login = await request(`${api}/v3/auth/tokens`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'bench-password' } } } } },
  });
  await request(`${api}/v2/manage/namespaces`, { method: 'POST', headers: { 'x-auth-token': login.headers['x-subject-token'] }, body: { namespace: 'bench' } });
  const basic = Buffer.from('admin:bench-password').toString('base64');
  // Registry tokens live 5 minutes: each measurement starts with a fresh one, as a client's would be.
  const token = {
    value: '',
    async refresh(only) {
      const url = `${base}/auth/token?service=127.0.0.1:${registryPort}&${repositoryScopes(only ?? repos)}&scope=registry:catalog:*`;
      const answer = await request(url, { headers: { authorization: `Basic ${basic}` } });
      if (answer.status !== 200) throw new Error(`wharf token: ${answer.status} ${answer.body}`);
      this.value = JSON.parse(answer.body).token;
    },
  };
  await token.refresh();
  return { target: new Target('wharf', base, processRef.child.pid, token), stop: processRef.stop, output: processRef.output };
};

// ---- rows ------------------------------------------------------------------------------------------------

const BLOBS = 'bench/blobs';
const TAGGED = 'bench/tags';
const catalogRepos = Array.from({ length: CATALOG_REPOSITORIES }, (_, i) => `bench/c${String(i).padStart(3, '0')}`);

/** A small image (config and one layer) every manifest row refers to; `note` makes each manifest distinct. */
const image = () => {
  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  const layer = randomBytes(1024);
  const manifest = (note) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: IMAGE,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
        ...(note !== undefined ? { annotations: { 'bench.note': note } } : {}),
      }),
    );
  return { config, layer, manifest };
};

const pushImage = async (target, repo, img) => {
  await target.pushBlob(repo, img.config);
  await target.pushBlob(repo, img.layer);
};

const pushRow = (name, make, options = {}) => ({
  name,
  unit: 'MiB/s',
  async measure(target) {
    const blobs = make();
    const started = process.hrtime.bigint();
    const pushed = [];
    for (const blob of blobs) pushed.push({ digest: await target.pushBlob(BLOBS, blob, options), size: blob.length });
    const elapsed = seconds(started);
    target.blobs.set(name, pushed);
    const mib = blobs.reduce((sum, b) => sum + b.length, 0) / MiB;
    return { value: mib / elapsed, work: mib, per: 'MiB' };
  },
});

const pullRow = (name, pushedBy, options = {}) => ({
  name,
  unit: 'MiB/s',
  /** The blobs the push row left; pushed now, before the measurement, when that row was not picked. */
  async prepare(target, run, context) {
    if (!target.blobs.has(pushedBy)) await rows.find((row) => row.name === pushedBy).measure(target, run, context);
  },
  async measure(target) {
    const blobs = target.blobs.get(pushedBy);
    const started = process.hrtime.bigint();
    let bytes = 0;
    for (const blob of blobs) bytes += await target.pullBlob(BLOBS, blob, options);
    return { value: bytes / MiB / seconds(started), work: bytes / MiB, per: 'MiB' };
  },
});

const manifestPutRow = (concurrency, count) => ({
  name: `manifest PUT, new tag, c=${concurrency}`,
  unit: 'req/s',
  async measure(target, run, context) {
    const prefix = `r${run}c${concurrency}`;
    const bodies = Array.from({ length: count }, (_, i) => context.image.manifest(`${prefix}-${i}`));
    const result = await load({
      count,
      concurrency,
      maxMs: 15000,
      expectStatus: 201,
      makeRequest: (i) => target.putManifest(BLOBS, `${prefix}-${i}`, bodies[i]),
    });
    if (result.failures > 0) throw new Error(`${target.name}: ${result.failures} manifest PUTs failed`);
    return { value: result.perSecond, work: result.requests, per: 'req', p99: result.p99 };
  },
});

const manifestGetRow = (concurrency) => ({
  name: `manifest GET by tag, c=${concurrency}`,
  unit: 'req/s',
  async measure(target) {
    const url = `${target.base}/v2/${BLOBS}/manifests/latest`;
    const headers = { ...target.headers, accept: IMAGE };
    const result = await load({ count: 3000, concurrency, maxMs: 10000, expectStatus: 200, makeRequest: () => request(url, { headers }) });
    if (result.failures > 0) throw new Error(`${target.name}: ${result.failures} manifest GETs failed`);
    return { value: result.perSecond, work: result.requests, per: 'req', p99: result.p99 };
  },
});

/** Milliseconds per request for `count` requests one at a time (bounded by 10 s); `next` gives each URL. */
const latencyRow = (name, next, check) => ({
  name,
  unit: 'ms',
  lowerIsBetter: true,
  async measure(target) {
    const count = 200;
    const deadline = Date.now() + 10000;
    let done = 0;
    let url = null;
    const started = process.hrtime.bigint();
    while (done < count && Date.now() < deadline) {
      url = next(target, url);
      const answer = await request(url, { headers: target.headers });
      if (answer.status !== 200) throw new Error(`${target.name} ${url}: ${answer.status} ${answer.body.slice(0, 200)}`);
      check(answer);
      url = answer.headers.link ? target.absolute(/<([^>]+)>/.exec(answer.headers.link)[1]) : null;
      done++;
    }
    return { value: (seconds(started) * 1000) / done, work: done, per: 'req' };
  },
});

const rows = [
  pushRow('push 1 MiB x 50', () => Array.from({ length: 50 }, () => randomBytes(MiB))),
  pullRow('pull 1 MiB x 50', 'push 1 MiB x 50'),
  pushRow('push 64 MiB x 4', () => Array.from({ length: 4 }, () => randomBytes(64 * MiB))),
  pullRow('pull 64 MiB x 4', 'push 64 MiB x 4'),
  pushRow('push 512 MiB, one PUT', () => [randomBytes(512 * MiB)]),
  pullRow('pull 512 MiB', 'push 512 MiB, one PUT'),
  pushRow('push 256 MiB in 8 MiB PATCHes', () => [randomBytes(256 * MiB)], { chunk: CHUNK }),
  pullRow('pull 256 MiB whole', 'push 256 MiB in 8 MiB PATCHes'),
  pullRow('pull 256 MiB in 8 MiB ranges', 'push 256 MiB in 8 MiB PATCHes', { chunk: CHUNK }),
  manifestPutRow(1, 200),
  manifestPutRow(8, 400),
  manifestGetRow(1),
  manifestGetRow(16),
  manifestGetRow(64),
  latencyRow(
    `tag list, ${TAGS} tags`,
    (target) => `${target.base}/v2/${TAGGED}/tags/list`,
    (answer) => {
      if (JSON.parse(answer.body).tags.length !== TAGS) throw new Error('tag list incomplete');
    },
  ),
  latencyRow(
    `tag list, pages of n=100`,
    (target, following) => following ?? `${target.base}/v2/${TAGGED}/tags/list?n=100`,
    (answer) => {
      if (JSON.parse(answer.body).tags.length === 0) throw new Error('empty tag page');
    },
  ),
  latencyRow(
    `_catalog, ${CATALOG_REPOSITORIES + 2} repositories`,
    (target) => `${target.base}/v2/_catalog?n=1000`,
    (answer) => {
      if (JSON.parse(answer.body).repositories.length < CATALOG_REPOSITORIES) throw new Error('catalog incomplete');
    },
  ),
];

/** What the manifest, tag and catalog rows need in place: the image, `latest`, 1,000 tags, 100 repositories. */
const prepare = async (target, context) => {
  await target.refresh();
  const img = context.image;
  await pushImage(target, BLOBS, img);
  const latest = await target.putManifest(BLOBS, 'latest', img.manifest());
  if (latest.status !== 201) throw new Error(`${target.name} manifest PUT: ${latest.status} ${latest.body}`);
  await pushImage(target, TAGGED, img);
  const tagged = img.manifest('tags');
  for (let i = 0; i < TAGS; i += 50) {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, j) => target.putManifest(TAGGED, `t${String(i + j).padStart(4, '0')}`, tagged)));
    const failed = answers.find((a) => a.status !== 201);
    if (failed) throw new Error(`${target.name} tag PUT: ${failed.status} ${failed.body}`);
  }
  // A token holds at most 100 scopes: one for these repositories alone.
  await target.refresh(catalogRepos);
  for (let i = 0; i < catalogRepos.length; i += 20) {
    await Promise.all(
      catalogRepos.slice(i, i + 20).map(async (repo) => {
        await pushImage(target, repo, img);
        const put = await target.putManifest(repo, 'latest', img.manifest(repo));
        if (put.status !== 201) throw new Error(`${target.name} manifest PUT ${repo}: ${put.status} ${put.body}`);
      }),
    );
  }
};

const formatValue = (value, unit) => `${fmt(value, unit === 'ms' ? 2 : 1)} ${unit}`;
const formatCpu = (cpuSeconds, per) => (per === 'MiB' ? `${fmt(cpuSeconds * 1000, 2)} ms/MiB` : `${fmt(cpuSeconds * 1000, 3)} ms/req`);
const percent = (share) => `${fmt(share * 100, 0)}%`;

const run = async ({ log = console.log } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-registry-'));
  const distribution = await startDistribution(dir);
  const wharf = await startWharf(dir, [BLOBS, TAGGED]).catch(async (error) => {
    await distribution.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const targets = [wharf.target, distribution.target];
  const pids = targets.map((t) => t.pid);
  try {
    const context = { image: image() };
    const selected = rows.filter((row) => ONLY.length === 0 || ONLY.some((name) => row.name.includes(name)));
    const needsPrepared = selected.some((row) => !row.name.startsWith('push') && !row.name.startsWith('pull'));
    if (needsPrepared) for (const target of targets) await prepare(target, context);

    const results = [];
    for (const row of selected) {
      const samples = new Map(targets.map((t) => [t.name, []]));
      let other = 0;
      for (let r = 0; r < RUNS; r++) {
        const order = r % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          await target.refresh();
          await row.prepare?.(target, r, context);
          process.stderr.write(`  ${row.name}: ${target.name} (run ${r + 1}/${RUNS})\n`);
          const cpu = sampleCpu(pids);
          const measured = await row.measure(target, r, context);
          const used = cpu.end();
          other = Math.max(other, used.otherShare);
          samples.get(target.name).push({ ...measured, cpu: used.cpuSeconds[target.pid] / measured.work });
        }
      }
      const [w, d] = targets.map((t) => samples.get(t.name));
      const value = (list) => median(list.map((s) => s.value));
      const cpu = (list) => median(list.map((s) => s.cpu));
      const ratio = row.lowerIsBetter ? value(d) / value(w) : value(w) / value(d);
      results.push({
        measure: row.name,
        'docker-registry': formatValue(value(d), row.unit),
        wharf: formatValue(value(w), row.unit),
        ratio: fmt(ratio, 2),
        'CPU docker-registry': formatCpu(cpu(d), w[0].per),
        'CPU wharf': formatCpu(cpu(w), w[0].per),
        'other CPU': percent(other),
      });
      if (w[0].p99 !== undefined) {
        const p99 = (list) => median(list.map((s) => s.p99));
        results.push({ measure: '  p99', 'docker-registry': `${fmt(p99(d), 2)} ms`, wharf: `${fmt(p99(w), 2)} ms`, ratio: fmt(p99(d) / p99(w), 2) });
      }
    }

    // Idle: both servers untouched for 10 s after a 5 s pause.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const idleStart = targets.map((t) => processTicks(t.pid));
    const idleCpu = sampleCpu(pids);
    await new Promise((resolve) => setTimeout(resolve, 10000));
    const idle = idleCpu.end();
    const idleShare = targets.map((t, i) => (processTicks(t.pid) - idleStart[i]) / ticksPerSecond / idle.seconds);
    results.push({
      measure: 'idle CPU (share of a core) / RSS',
      'docker-registry': `${fmt(idleShare[1] * 100, 2)}% / ${fmt(residentBytes(distribution.target.pid) / MiB, 0)} MiB`,
      wharf: `${fmt(idleShare[0] * 100, 2)}% / ${fmt(residentBytes(wharf.target.pid) / MiB, 0)} MiB`,
      ratio: '',
      'other CPU': percent(idle.otherShare),
    });

    // The machine's limits, measured last, with this client as warm as it was for the rows. A limit is the best
    // the machine did: other load only ever lowers it.
    const probe = randomBytes(256 * MiB);
    const limits = { disk: [], loopback: [] };
    for (let i = 0; i < RUNS; i++) {
      limits.disk.push(diskLimit(dir, probe));
      limits.loopback.push(await loopbackLimit(probe.length), await loopbackLimit(probe.length));
    }
    const disk = Math.max(...limits.disk);
    const loopback = Math.max(...limits.loopback);
    log('\nRegistry data plane: Wharf (embedded, bearer tokens) vs docker-registry 2.8 (no auth), same machine, same run');
    log(`runs per row and registry: ${RUNS}, alternating, medians; load average at the end: ${require('node:os').loadavg().map((n) => n.toFixed(2)).join(' ')}`);
    log(`machine limits (best of ${RUNS} and ${2 * RUNS}): durable disk write (1 MiB writes + fsync) ${fmt(disk, 0)} MiB/s; loopback + sha256 ${fmt(loopback, 0)} MiB/s`);
    log(table(results, ['measure', 'docker-registry', 'wharf', 'ratio', 'CPU docker-registry', 'CPU wharf', 'other CPU']));
    log('ratio: above 1.0 means Wharf is better (throughput wharf/docker-registry; times and p99 docker-registry/wharf)');
    log('CPU: the server process\'s CPU time per MiB or per request (Wharf embedded: every service in one process)');
    log('other CPU: the most of the whole machine that processes other than these three used during the row\'s runs');
    const share = (label, rate, limit) => log(`${label}: wharf ${fmt(rate, 0)} MiB/s = ${fmt((rate / limit) * 100, 0)}% of the limit`);
    const find = (name) => results.find((r) => r.measure === name);
    const rate = (name) => (find(name) ? Number(find(name).wharf.replace(/[^0-9.]/g, '')) : NaN);
    if (find('push 512 MiB, one PUT')) share('push 512 MiB vs disk + fsync', rate('push 512 MiB, one PUT'), disk);
    if (find('pull 512 MiB')) share('pull 512 MiB vs loopback + sha256', rate('pull 512 MiB'), loopback);
    return results;
  } catch (error) {
    process.stderr.write(wharf.output.join('').slice(-4000));
    throw error;
  } finally {
    await wharf.stop();
    await distribution.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

// The pieces, for one-off profiling scripts.
module.exports = { run, startWharf, startDistribution, image, pushImage, digestOf, prepare };
if (require.main === module)
  run().catch((error) => {
    console.error(error);
    process.exit(1);
  });

'use strict';
// The data plane against CNCF Distribution 2.8 (Debian's docker-registry) on the same machine, in one run.
// Wharf runs embedded with token auth (every request carries a bearer token); docker-registry runs with its
// filesystem driver and no auth. Also printed: the machine's limits (sha256 speed, durable disk writes).
const { createHash, randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, fsyncSync, closeSync } = require('node:fs');
const http = require('node:http');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { spawn } = require('node:child_process');
const { request, load, freePort, startProcess, waitFor, fmt, table, agent } = require('./lib');

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;
const digestOf = (buffer) => `sha256:${createHash('sha256').update(buffer).digest('hex')}`;

/** Sends a body of `size` bytes made of repeats of `chunk` without holding it all (streams are what registries see). */
const send = (url, { method, headers = {}, body }) =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { 'content-length': body ? body.length : 0, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) {
      // Write in 1 MiB slices, as a client streaming a layer would.
      for (let offset = 0; offset < body.length; offset += MiB) req.write(body.subarray(offset, Math.min(body.length, offset + MiB)));
    }
    req.end();
  });

const drain = (url, headers) =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        let bytes = 0;
        res.on('data', (c) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode, bytes }));
      })
      .on('error', reject);
  });

class Target {
  constructor(name, base, repo, token) {
    this.name = name;
    this.base = base;
    this.repo = repo;
    this.headers = token ? { authorization: `Bearer ${token}` } : {};
  }
  absolute(location) {
    return location.startsWith('http') ? location : `${this.base}${location}`;
  }
  async pushBlob(buffer, { chunk } = {}) {
    const digest = digestOf(buffer);
    const started = await send(`${this.base}/v2/${this.repo}/blobs/uploads/`, { method: 'POST', headers: this.headers });
    if (started.status !== 202) throw new Error(`${this.name} POST upload: ${started.status} ${started.body}`);
    let location = this.absolute(started.headers.location);
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
      const sep = location.includes('?') ? '&' : '?';
      const done = await send(`${location}${sep}digest=${digest}`, { method: 'PUT', headers: this.headers });
      if (done.status !== 201) throw new Error(`${this.name} PUT: ${done.status} ${done.body}`);
    } else {
      const sep = location.includes('?') ? '&' : '?';
      const done = await send(`${location}${sep}digest=${digest}`, { method: 'PUT', headers: { ...this.headers, 'content-type': 'application/octet-stream' }, body: buffer });
      if (done.status !== 201) throw new Error(`${this.name} PUT: ${done.status} ${done.body}`);
    }
    return digest;
  }
  async pullBlob(digest) {
    const result = await drain(`${this.base}/v2/${this.repo}/blobs/${digest}`, this.headers);
    if (result.status !== 200) throw new Error(`${this.name} GET blob: ${result.status}`);
    return result.bytes;
  }
  putManifest(tag, bytes) {
    return send(`${this.base}/v2/${this.repo}/manifests/${tag}`, {
      method: 'PUT',
      headers: { ...this.headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: bytes,
    });
  }
}

const throughput = async (target, blobs, options) => {
  const started = process.hrtime.bigint();
  const digests = [];
  for (const blob of blobs) digests.push(await target.pushBlob(blob, options));
  const pushSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const pullStarted = process.hrtime.bigint();
  for (const digest of digests) await target.pullBlob(digest);
  const pullSeconds = Number(process.hrtime.bigint() - pullStarted) / 1e9;
  const bytes = blobs.reduce((sum, b) => sum + b.length, 0);
  return { push: bytes / MiB / pushSeconds, pull: bytes / MiB / pullSeconds };
};

const machineLimits = (dir) => {
  const buffer = randomBytes(256 * MiB);
  let started = process.hrtime.bigint();
  createHash('sha256').update(buffer).digest();
  const sha = 256 / (Number(process.hrtime.bigint() - started) / 1e9);
  const file = join(dir, 'disk-probe');
  started = process.hrtime.bigint();
  const fd = openSync(file, 'w');
  for (let offset = 0; offset < buffer.length; offset += 4 * MiB) writeSync(fd, buffer, offset, 4 * MiB);
  fsyncSync(fd);
  closeSync(fd);
  const disk = 256 / (Number(process.hrtime.bigint() - started) / 1e9);
  rmSync(file);
  return { sha, disk };
};

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
  return { base, stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM')))) };
};

const startWharf = async (dir) => {
  const apiPort = await freePort();
  const registryPort = await freePort();
  const processRef = startProcess([join(ROOT, 'apps/wharf/dist/main.js')], {
    WHARF_DATA_DIR: join(dir, 'wharf'),
    WHARF_API_PORT: String(apiPort),
    WHARF_REGISTRY_PORT: String(registryPort),
    WHARF_ADMIN_PASSWORD: 'bench-password',
    WHARF_LOG_LEVEL: 'warn',
  });
  const api = `http://127.0.0.1:${apiPort}`;
  const base = `http://127.0.0.1:${registryPort}`;
  await waitFor(async () => (await request(`${api}/healthz`)).status === 200, 60000, 'wharf');
  const login = await request(`${api}/v3/auth/tokens`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'bench-password' } } } } },
  });
  await request(`${api}/v2/manage/namespaces`, { method: 'POST', headers: { 'x-auth-token': login.headers['x-subject-token'] }, body: { namespace: 'bench' } });
  const basic = Buffer.from('admin:bench-password').toString('base64');
  const tokenResponse = await request(`${base}/auth/token?service=127.0.0.1:${registryPort}&scope=repository:bench/blobs:pull,push`, {
    headers: { authorization: `Basic ${basic}` },
  });
  return { base, token: JSON.parse(tokenResponse.body).token, stop: processRef.stop };
};

const run = async ({ log = console.log } = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-registry-'));
  const distribution = await startDistribution(dir);
  const wharf = await startWharf(dir);
  try {
    const targets = [new Target('wharf', wharf.base, 'bench/blobs', wharf.token), new Target('docker-registry', distribution.base, 'bench/blobs')];
    const limits = machineLimits(dir);
    const rows = [];
    const compare = (measure, unit, results) => {
      const [w, d] = results;
      rows.push({ measure, wharf: `${fmt(w, 1)} ${unit}`, 'docker-registry': `${fmt(d, 1)} ${unit}`, ratio: fmt(w / d, 2) });
    };
    const suites = [
      ['1 MiB x 50', () => Array.from({ length: 50 }, () => randomBytes(MiB)), {}],
      ['64 MiB x 4', () => Array.from({ length: 4 }, () => randomBytes(64 * MiB)), {}],
      ['512 MiB x 1', () => [randomBytes(512 * MiB)], {}],
      ['256 MiB chunked (8 MiB PATCH)', () => [randomBytes(256 * MiB)], { chunk: 8 * MiB }],
    ];
    for (const [name, make, options] of suites) {
      const results = [];
      for (const target of targets) {
        process.stderr.write(`  ${target.name}: ${name}\n`);
        results.push(await throughput(target, make(), options));
      }
      compare(`push ${name}`, 'MiB/s', results.map((r) => r.push));
      compare(`pull ${name}`, 'MiB/s', results.map((r) => r.pull));
    }

    // Manifests: one small image, then GET by tag at several concurrencies.
    const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
    const layer = randomBytes(1024);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
      }),
    );
    for (const target of targets) {
      await target.pushBlob(config);
      await target.pushBlob(layer);
      const put = await target.putManifest('latest', manifest);
      if (put.status !== 201) throw new Error(`${target.name} manifest PUT: ${put.status} ${put.body}`);
    }
    for (const concurrency of [1, 16, 64]) {
      const results = [];
      for (const target of targets) {
        const url = `${target.base}/v2/${target.repo}/manifests/latest`;
        const headers = { ...target.headers, accept: 'application/vnd.oci.image.manifest.v1+json' };
        await load({ count: 200, concurrency, expectStatus: 200, makeRequest: () => request(url, { headers }) });
        results.push(await load({ count: 3000, concurrency, maxMs: 20000, expectStatus: 200, makeRequest: () => request(url, { headers }) }));
      }
      compare(`manifest GET by tag, concurrency ${concurrency}`, 'req/s', results.map((r) => r.perSecond));
      rows.push({ measure: `  p99 at concurrency ${concurrency}`, wharf: `${fmt(results[0].p99, 2)} ms`, 'docker-registry': `${fmt(results[1].p99, 2)} ms`, ratio: fmt(results[1].p99 / results[0].p99, 2) });
    }

    // Tag list of 1,000 tags.
    const tagResults = [];
    for (const target of targets) {
      for (let i = 0; i < 1000; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, j) => target.putManifest(`t${String(i + j).padStart(4, '0')}`, manifest)));
      }
      const url = `${target.base}/v2/${target.repo}/tags/list`;
      await load({ count: 20, concurrency: 1, expectStatus: 200, makeRequest: () => request(url, { headers: target.headers }) });
      tagResults.push(await load({ count: 200, concurrency: 1, expectStatus: 200, makeRequest: () => request(url, { headers: target.headers }) }));
    }
    compare('tag list of 1,001 tags', 'req/s', tagResults.map((r) => r.perSecond));
    rows.push({ measure: '  p99', wharf: `${fmt(tagResults[0].p99, 2)} ms`, 'docker-registry': `${fmt(tagResults[1].p99, 2)} ms`, ratio: fmt(tagResults[1].p99 / tagResults[0].p99, 2) });

    log('\nRegistry data plane: Wharf (embedded, bearer tokens) vs docker-registry 2.8 (no auth), same machine, same run');
    log(`machine: sha256 ${fmt(limits.sha, 0)} MiB/s, durable disk write ${fmt(limits.disk, 0)} MiB/s`);
    log(table(rows, ['measure', 'wharf', 'docker-registry', 'ratio']));
    log('ratio: wharf / docker-registry for throughput; docker-registry / wharf for p99 (above 1.0 means Wharf is better)');
    return rows;
  } finally {
    await wharf.stop();
    await distribution.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

module.exports = { run };
if (require.main === module) run().catch((error) => {
  console.error(error);
  process.exit(1);
});

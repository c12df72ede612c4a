'use strict';
// Small, dependency-free load tools for the benchmarks: a keep-alive HTTP load loop with latency
// percentiles, free ports, and a child-process launcher. Every loop is bounded in count and time.
const http = require('node:http');
const net = require('node:net');
const { spawn } = require('node:child_process');

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const request = (url, { method = 'GET', headers = {}, body } = {}) =>
  new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(
      url,
      { method, agent, headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });

const percentile = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

/**
 * Runs `makeRequest(i)` `count` times with `concurrency` in flight (stopping early after `maxMs`), checks every
 * status against `expectStatus`, and returns requests/s and latency percentiles in milliseconds.
 */
const load = async ({ count, concurrency, maxMs = 30000, makeRequest, expectStatus }) => {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + maxMs;
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      const res = await makeRequest(i);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== expectStatus) {
        failures++;
        if (failures === 1) console.error(`unexpected ${res.status}: ${res.body.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failures,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const startProcess = (args, env) => {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (c) => output.push(c.toString()));
  child.stderr.on('data', (c) => output.push(c.toString()));
  return {
    child,
    output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
};

const waitFor = async (check, timeoutMs, what) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

const table = (rows, columns) => {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells) => cells.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join('  ');
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n');
};

module.exports = { request, load, freePort, startProcess, waitFor, fmt, table, percentile, agent };

#!/usr/bin/env node
// Distributed mode for a local try: every app as its own process over NATS (NATS_URL must name a running
// nats-server). Output lines are prefixed with the app's name; SIGTERM/SIGINT stop them all gracefully.
// With the default SQLite stores all processes share one data directory; set WHARF_EVENT_STORE=kurrentdb
// and WHARF_READ_MODEL=mongodb (with KURRENTDB_URL and MONGODB_URL) to run them on the servers instead.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

if (!process.env.NATS_URL) {
  console.error('NATS_URL is required, e.g. NATS_URL=nats://127.0.0.1:4222 (start one with: nats-server -a 127.0.0.1 -p 4222 -js -sd ./.wharf-nats)');
  process.exit(2);
}

const APPS = ['identity', 'catalog', 'access', 'lifecycle', 'registry', 'gateway'];
const root = join(__dirname, '..', '..');
const env = { ...process.env, WHARF_TRANSPORT: 'nats' };
const children = new Map();
let stopping = false;

const prefixLines = (name, stream, target) => {
  let pending = '';
  stream.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) target.write(`[${name}] ${line}\n`);
  });
};

for (const name of APPS) {
  const child = spawn(process.execPath, [join(root, 'apps', name, 'dist', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixLines(name, child.stdout, process.stdout);
  prefixLines(name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(`[${name}] exited (${signal ?? code}); stopping the others`);
      stop(1);
    } else if (children.size === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  children.set(name, child);
}

function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  process.exitCode = exitCode;
  // The gateway first, so requests under way finish against live services.
  const gateway = children.get('gateway');
  const rest = () => children.forEach((child) => child.kill('SIGTERM'));
  if (gateway) {
    gateway.once('exit', rest);
    gateway.kill('SIGTERM');
  } else rest();
  if (children.size === 0) process.exit(exitCode);
}

process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));

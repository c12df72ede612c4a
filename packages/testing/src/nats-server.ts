import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from './ports';

export interface RunningNatsServer {
  url: string;
  stop(): Promise<void>;
}

const NATS_SERVER_BINARIES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', 'nats-server'];

const waitForPort = async (port: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Starts a real nats-server (Debian's package) on a free loopback port. */
export const startNatsServer = async (): Promise<RunningNatsServer> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wharf-nats-'));
  let child: ChildProcess | undefined;
  let lastError: unknown;
  for (const binary of NATS_SERVER_BINARIES) {
    try {
      child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
      await new Promise<void>((resolve, reject) => {
        child!.once('spawn', resolve);
        child!.once('error', reject);
      });
      break;
    } catch (error) {
      lastError = error;
      child = undefined;
    }
  }
  if (!child) throw new Error(`nats-server is not installed (apt-get install -y nats-server): ${String(lastError)}`);
  const running = child;
  await waitForPort(port, 5000);
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      if (running.exitCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

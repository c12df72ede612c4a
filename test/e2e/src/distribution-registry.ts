import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@wharf/testing';

/**
 * Debian's `docker-registry` (CNCF Distribution 2.8) on a loopback port with its filesystem driver and no auth:
 * another registry for Wharf to talk to. Stopping and starting it again keeps its data and port.
 */
export class DistributionRegistry {
  private child: ChildProcess | undefined;

  private constructor(
    private readonly dir: string,
    private readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<DistributionRegistry> {
    const registry = new DistributionRegistry(mkdtempSync(join(tmpdir(), 'wharf-e2e-distribution-')), await freePort());
    writeFileSync(
      join(registry.dir, 'config.yml'),
      `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(registry.dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${registry.port}\n`,
    );
    await registry.resume();
    return registry;
  }

  async resume(): Promise<void> {
    this.child = spawn('docker-registry', ['serve', join(this.dir, 'config.yml')], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 150; attempt++) {
      if (this.child.exitCode !== null) throw new Error(`docker-registry exited with ${this.child.exitCode}`);
      const up = await fetch(`${this.url}/v2/`).then((r) => r.status === 200).catch(() => false);
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('docker-registry did not start');
  }

  async pause(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

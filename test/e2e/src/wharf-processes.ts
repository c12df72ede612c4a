import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startNatsServer, type RunningNatsServer } from '@wharf/testing';
import { httpsRequest } from './https-client';

const ROOT = resolve(__dirname, '../../..');
export const ADMIN_PASSWORD = 'e2e-admin-password';

export type Mode = 'embedded' | 'distributed';
export const DISTRIBUTED_APPS = ['identity', 'catalog', 'access', 'lifecycle', 'registry', 'gateway'] as const;
export type DistributedApp = (typeof DISTRIBUTED_APPS)[number];
/** `<app>-replica` is a second process of a distributed app (see `startReplica`). */
export type AppName = DistributedApp | `${DistributedApp}-replica` | 'wharf';

interface RunningApp {
  child: ChildProcess;
  output: string[];
}

/**
 * Wharf as its users run it: the built apps as real processes (`node apps/<app>/dist/main.js`), with their
 * own data directory and ports. Embedded mode is one process; distributed mode is six, over a real nats-server.
 */
export class WharfProcesses {
  readonly apiUrl: string;
  readonly registryUrl: string;
  private readonly apps = new Map<AppName, RunningApp>();

  private constructor(
    readonly mode: Mode,
    private readonly env: NodeJS.ProcessEnv,
    readonly dataDir: string,
    private readonly nats: RunningNatsServer | undefined,
    private readonly tlsCa: string | undefined,
    private readonly perApp: Partial<Record<AppName, Record<string, string>>>,
  ) {
    const scheme = tlsCa === undefined ? 'http' : 'https';
    this.apiUrl = `${scheme}://127.0.0.1:${env.WHARF_API_PORT}`;
    this.registryUrl = `${scheme}://127.0.0.1:${env.WHARF_REGISTRY_PORT}`;
  }

  /**
   * `settings` adds WHARF_* variables (e.g. WHARF_GC_GRACE_SECONDS) to every app's environment, `perApp` to one
   * app's (e.g. its own WHARF_METRICS_PORT). With `tlsCa` (the PEM of the CA that signed WHARF_TLS_CERT) both
   * ports are reached over HTTPS, verified against that CA.
   */
  static async start(
    mode: Mode,
    settings: Record<string, string> = {},
    { tlsCa, perApp = {} }: { tlsCa?: string; perApp?: Partial<Record<AppName, Record<string, string>>> } = {},
  ): Promise<WharfProcesses> {
    const dataDir = mkdtempSync(join(tmpdir(), `wharf-e2e-${mode}-`));
    const nats = mode === 'distributed' ? await startNatsServer() : undefined;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      WHARF_DATA_DIR: dataDir,
      WHARF_API_PORT: String(await freePort()),
      WHARF_REGISTRY_PORT: String(await freePort()),
      WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      WHARF_LOG_LEVEL: 'warn',
      ...(nats ? { WHARF_TRANSPORT: 'nats', NATS_URL: nats.url } : {}),
      ...settings,
    };
    const wharf = new WharfProcesses(mode, env, dataDir, nats, tlsCa, perApp);
    try {
      await wharf.startAll();
    } catch (error) {
      // An installation that does not start (e.g. a refused configuration) leaves no processes or data behind.
      await wharf.stop();
      throw error;
    }
    return wharf;
  }

  async startAll(): Promise<void> {
    const names: AppName[] = this.mode === 'embedded' ? ['wharf'] : [...DISTRIBUTED_APPS];
    for (const name of names) this.spawnApp(name);
    await this.waitUntilHealthy();
  }

  /**
   * Starts one app again (after `kill` or `terminate`) and waits until the whole installation is healthy.
   * `settings` change WHARF_* variables for this start and later ones.
   */
  async restart(name: AppName, settings: Record<string, string> = {}): Promise<void> {
    Object.assign(this.env, settings);
    this.spawnApp(name);
    await this.waitUntilHealthy();
  }

  /**
   * Distributed mode: a second process of `app` beside the first, sharing its stores and its NATS queue group.
   * `settings` override variables for this process only (e.g. its own WHARF_REGISTRY_PORT).
   */
  async startReplica(app: DistributedApp, settings: Record<string, string> = {}): Promise<void> {
    this.spawnApp(`${app}-replica`, settings);
    await this.waitUntilHealthy();
  }

  /** SIGKILL: the process gets no chance to flush or checkpoint. */
  async kill(name: AppName): Promise<void> {
    await this.signal(name, 'SIGKILL');
  }

  /** SIGHUP: the app keeps running (with TLS it reads its certificate again). */
  hangUp(name: AppName): void {
    this.apps.get(name)?.child.kill('SIGHUP');
  }

  pid(name: AppName): number | undefined {
    return this.apps.get(name)?.child.pid;
  }

  /** SIGTERM: graceful shutdown; resolves with the exit code. */
  async terminate(name: AppName): Promise<number | null> {
    return this.signal(name, 'SIGTERM');
  }

  /** Distributed mode: the nats-server's URL (JetStream enabled), for tests that consume what Wharf publishes. */
  get natsUrl(): string | undefined {
    return this.nats?.url;
  }

  /** Distributed mode: stops the nats-server under the running apps (they keep running and try to reconnect). */
  async stopNats(): Promise<void> {
    await this.nats?.stop();
  }

  async stop(): Promise<void> {
    for (const name of [...this.apps.keys()].reverse()) await this.terminate(name);
    await this.nats?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  output(name: AppName): string {
    return this.apps.get(name)?.output.join('') ?? '';
  }

  private spawnApp(name: AppName, settings: Record<string, string> = {}): void {
    const app = name.replace(/-replica$/, '');
    const child = spawn(process.execPath, [join(ROOT, 'apps', app, 'dist', 'main.js')], { env: { ...this.env, ...this.perApp[name], ...settings }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    this.apps.set(name, { child, output });
  }

  private async signal(name: AppName, signal: NodeJS.Signals): Promise<number | null> {
    const app = this.apps.get(name);
    if (!app) return null;
    this.apps.delete(name);
    if (app.child.exitCode !== null || app.child.signalCode !== null) return app.child.exitCode;
    const exited = new Promise<number | null>((resolve) => app.child.once('exit', (code) => resolve(code)));
    app.child.kill(signal);
    return exited;
  }

  private async healthz(): Promise<{ status: number; text: string }> {
    if (this.tlsCa !== undefined) return httpsRequest(`${this.apiUrl}/healthz`, this.tlsCa);
    const response = await fetch(`${this.apiUrl}/healthz`);
    return { status: response.status, text: await response.text() };
  }

  private async waitUntilHealthy(timeoutMs = 60000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      for (const [name, app] of this.apps) {
        if (app.child.exitCode !== null) throw new Error(`${name} exited with ${app.child.exitCode}:\n${app.output.join('')}`);
      }
      try {
        const { status, text } = await this.healthz();
        if (status === 200) return;
        last = `${status} ${text}`;
      } catch (error) {
        last = String(error);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const logs = [...this.apps].map(([name, app]) => `--- ${name}\n${app.output.join('')}`).join('\n');
    throw new Error(`Wharf (${this.mode}) not healthy after ${timeoutMs} ms: ${last}\n${logs}`);
  }
}

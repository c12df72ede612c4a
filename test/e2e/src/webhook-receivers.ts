import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Each signature as its library verified it; null when no secret was given for the hook. */
  verified: { standard: boolean; hub: boolean; flux: boolean } | null;
  cloudEvent: { valid: boolean; id: string; type: string; source: string; subject: string | null; data: unknown } | null;
  answered: number;
}

/**
 * The webhook receiver of webhook-receiver.mjs, run as its own process (it loads ESM-only verification libraries):
 * hooks are scripted (`control`) and read back (`received`) over HTTP.
 */
export class WebhookReceivers {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceivers> {
    const child = spawn(process.execPath, [join(__dirname, 'webhook-receiver.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`the webhook receiver exited with ${code}: ${output}`)));
    });
    return new WebhookReceivers(child, `http://127.0.0.1:${port}`);
  }

  hookUrl(name: string): string {
    return `${this.url}/hooks/${name}`;
  }

  /** `statuses` are answered in turn, then `status` (200 unless set), each after `delayMs`. */
  async script(name: string, settings: { secret?: string; statuses?: number[]; status?: number; delayMs?: number }): Promise<void> {
    const response = await fetch(`${this.url}/control/${name}`, { method: 'POST', body: JSON.stringify(settings) });
    if (response.status !== 200) throw new Error(`scripting hook ${name}: ${response.status}`);
  }

  async received(name: string): Promise<ReceivedRequest[]> {
    return (await (await fetch(`${this.url}/received/${name}`)).json()) as ReceivedRequest[];
  }

  /** Polls until `done` holds for what the hook received (at most `timeoutMs`); answers the last look. */
  async until(name: string, done: (received: ReceivedRequest[]) => boolean, timeoutMs = 60000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const received = await this.received(name);
      if (done(received) || Date.now() > deadline) return received;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
  maxmem: number;
}

interface Job {
  password: string;
  salt: Buffer;
  keyLength: number;
  parameters: ScryptParameters;
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

// Runs in each worker thread. scryptSync computes on the worker's own thread, so hashing never occupies
// libuv's threadpool, which the file system (and so every blob and manifest read) depends on.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ password, salt, keyLength, parameters }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keyLength, parameters);
    parentPort.postMessage({ key });
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/**
 * At most `size` scrypt derivations at once, each on a dedicated worker thread; the rest wait their turn in
 * order. Workers start on first use, do not keep the process alive, and a worker that dies is replaced.
 */
export class ScryptWorkers {
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private started = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`scrypt worker count must be a positive integer, got ${size}`);
  }

  derive(password: string, salt: Buffer, keyLength: number, parameters: ScryptParameters): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ password, salt, keyLength, parameters, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      this.run(worker, this.queue.shift()!);
    }
  }

  private spawn(): Worker {
    this.started += 1;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    // A worker that dies while idle is forgotten, so the next job starts a new one.
    worker.once('exit', () => {
      const index = this.idle.indexOf(worker);
      if (index < 0) return;
      this.idle.splice(index, 1);
      this.started -= 1;
    });
    return worker;
  }

  private run(worker: Worker, job: Job): void {
    const settle = (outcome: () => void, reusable: boolean) => {
      worker.off('message', onMessage);
      worker.off('error', onFailure);
      worker.off('exit', onFailure);
      if (reusable) this.idle.push(worker);
      else {
        this.started -= 1;
        void worker.terminate();
      }
      outcome();
      this.dispatch();
    };
    const onMessage = (message: { key?: Uint8Array; error?: string }) =>
      settle(() => (message.key ? job.resolve(Buffer.from(message.key)) : job.reject(new Error(`scrypt failed: ${message.error}`))), true);
    const onFailure = (cause: unknown) =>
      settle(() => job.reject(new Error(`scrypt worker stopped: ${cause instanceof Error ? cause.message : `exit code ${String(cause)}`}`)), false);
    worker.on('message', onMessage);
    worker.once('error', onFailure);
    worker.once('exit', onFailure);
    worker.postMessage({ password: job.password, salt: job.salt, keyLength: job.keyLength, parameters: job.parameters });
  }
}

/**
 * The process's password hashing: one worker per core beyond the first (at least one, at most four), so a
 * flood of logins queues here instead of taking every core and the file system's threads.
 */
export const passwordHashWorkers = new ScryptWorkers(Math.max(1, Math.min(4, availableParallelism() - 1)));

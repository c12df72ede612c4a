import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExpectedRevision } from '@wharf/event-store';

/** An event already turned into the text stored for it. */
export interface SerializedEvent {
  type: string;
  data: string;
  metadata: string;
}

export interface Append {
  stream: string;
  events: readonly SerializedEvent[];
  expected: ExpectedRevision;
}

/** An append's events got consecutive positions ending at `position`, and these ids. */
export interface Appended {
  nextExpectedRevision: number;
  position: number;
  ids: string[];
}

/** Stored, or refused because the stream was at revision `conflict` (-1: no stream). */
export type Outcome = { ok: Appended } | { conflict: number };

export interface Appender {
  /** Commits the batch in one transaction; rejects when it failed as a whole (nothing of it was stored). */
  commit(batch: readonly Append[]): Promise<Outcome[]>;
  close(): Promise<void>;
}

type Reply = { outcomes: Outcome[] } | { error: { message: string; code?: string } };

/**
 * The store's writes, committed by append-worker.mjs on a thread of its own, one batch at a time: the caller
 * waits for each commit before sending the next. The thread starts with the first commit, holds the process
 * open only while a commit is under way, and is started again if it dies.
 */
export const startAppender = (options: { path: string; durable: boolean; busyTimeoutMs: number }): Appender => {
  let worker: Worker | undefined;
  let inFlight: { resolve: (outcomes: Outcome[]) => void; reject: (error: unknown) => void } | undefined;

  const settle = (reply: Reply): void => {
    const waiting = inFlight;
    inFlight = undefined;
    worker?.unref();
    if (!waiting) return;
    if ('outcomes' in reply) waiting.resolve(reply.outcomes);
    else waiting.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
  };

  const start = (): Worker => {
    const started = new Worker(join(__dirname, 'append-worker.mjs'), { workerData: options });
    started.on('message', settle);
    const lost = (error: unknown): void => {
      if (worker !== started) return;
      worker = undefined;
      const waiting = inFlight;
      inFlight = undefined;
      waiting?.reject(error);
    };
    started.on('error', lost);
    started.on('exit', (code) => lost(new Error(`The SQLite append thread stopped (exit code ${code})`)));
    return started;
  };

  return {
    commit(batch) {
      if (inFlight) return Promise.reject(new Error('A commit is already under way'));
      worker ??= start();
      const current = worker;
      current.ref();
      return new Promise((resolve, reject) => {
        inFlight = { resolve, reject };
        current.postMessage(batch);
      });
    },
    async close() {
      const closing = worker;
      worker = undefined;
      if (!closing) return;
      closing.ref();
      await new Promise<void>((resolve) => {
        closing.once('exit', () => resolve());
        closing.postMessage('close');
      });
    },
  };
};

import { Worker } from 'node:worker_threads';

/** What a store sharing the file tells the checkpointer, once it has committed. */
export interface WalCheckpoints {
  written(): void;
}

export interface WalCheckpointerOptions {
  /** A checkpoint follows the first write after the last one by this long, so a burst of commits shares one. */
  delayMs?: number;
  /** The worker thread ends after this long without a checkpoint, and starts again with the next write. */
  idleMs?: number;
  /** Pages of log past which a checkpoint makes sure the log starts again from its beginning. */
  restartFrames?: number;
  onError: (error: unknown) => void;
}

// Runs on the checkpointer's own thread, with a connection of its own. PASSIVE copies what it can without waiting
// for readers or writers; what it could not copy is copied by the next one.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 10000 });
db.pragma('wal_autocheckpoint = 0');
let idle;
const rest = () => {
  clearTimeout(idle);
  idle = setTimeout(() => { db.close(); process.exit(0); }, workerData.idleMs);
};
rest();
parentPort.on('message', () => {
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    // Under steady writes a passive checkpoint never finds the log all copied, which is what lets the next commit
    // start it again from its beginning: past the bound, the rest is copied holding new commits back (for as long
    // as copying what came since the passive one takes).
    if (log > workerData.restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch (error) {
    // Another connection's checkpoint under way: it copies the same pages.
    if (error.code !== 'SQLITE_BUSY') throw error;
  }
  rest();
});
`;

/**
 * Copies a SQLite file's write-ahead log back into the database on a thread of its own, a short while after
 * commits, instead of SQLite's automatic checkpoint, which runs on the main thread inside whichever commit takes
 * the log past 1,000 pages: thousands of page writes and two fsyncs there, a stall of every request under way.
 * The stores of one file share one checkpointer; each turns its automatic checkpoints off when given one. The
 * thread does not keep the process alive and ends when writes stop.
 */
export const walCheckpointer = (path: string, { delayMs = 100, idleMs = 5_000, restartFrames = 4000, onError }: WalCheckpointerOptions): WalCheckpoints => {
  let worker: Worker | undefined;
  let timer: NodeJS.Timeout | undefined;

  const start = (): Worker => {
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, idleMs, restartFrames, driver: require.resolve('better-sqlite3') } });
    started.unref();
    started.on('error', onError);
    started.once('exit', () => {
      if (worker === started) worker = undefined;
    });
    return started;
  };

  return {
    written() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        worker ??= start();
        worker.postMessage('checkpoint');
      }, delayMs);
      timer.unref();
    },
  };
};

import { closeSync, futimesSync, openSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * How stores sharing one SQLite file (processes on one disk) learn of each other's appends without polling.
 * After each commit a store touches a signal file beside the database (`<file>-appends`, one `futimes` call);
 * every store watches the directory (inotify on Linux) and, when the signal file changes, reads the head once
 * and wakes its subscribers if the log grew. The signal comes after the commit is complete, which changes to
 * the database file itself do not tell. Where change notifications do not arrive (network filesystems), a
 * slow poll of the head is the fallback.
 */
export interface AppendSignal {
  /** Tells the other stores this one committed. */
  announce(): void;
  /** Starts watching for others' appends: `onGrowth` runs when the head passed `known()`. Returns the stop function. */
  watch(known: () => number, head: () => number, onGrowth: (head: number) => void): () => void;
  close(): void;
}

export const appendSignal = (databasePath: string, fallbackPollMs: number): AppendSignal => {
  const signalPath = `${databasePath}-appends`;
  const signalName = basename(signalPath);
  const fd = openSync(signalPath, 'a', 0o600);
  let closed = false;

  return {
    announce() {
      if (closed) return;
      const now = new Date();
      futimesSync(fd, now, now);
    },
    watch(known, head, onGrowth) {
      let scheduled = false;
      const check = (): void => {
        scheduled = false;
        if (closed) return;
        const current = head();
        if (current > known()) onGrowth(current);
      };
      const soon = (): void => {
        if (scheduled) return;
        scheduled = true;
        setImmediate(check);
      };
      let watcher: FSWatcher | undefined;
      try {
        watcher = watch(dirname(signalPath), { persistent: false }, (_event, name) => {
          if (name === null || name === signalName) soon();
        });
        watcher.on('error', () => watcher?.close());
      } catch {
        // No change notifications here: the fallback poll alone finds others' appends.
      }
      const timer = setInterval(check, fallbackPollMs);
      timer.unref();
      return () => {
        clearInterval(timer);
        watcher?.close();
      };
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
};

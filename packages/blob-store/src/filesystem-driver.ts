import { randomUUID } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { checkPath, PathNotFoundError, type BlobDriver, type FileWriter } from './blob-driver';
import { copyFileRange } from './file-copy';

const NAME = 'filesystem';

/** Blobs are readable by the owner only, like the rest of the data directory. */
const DIRECTORY_MODE = 0o700;
const FILE_MODE = 0o600;

const makeDirectory = (path: string) => mkdir(path, { recursive: true, mode: DIRECTORY_MODE });

/** The pieces after the first `written` bytes (a short write). */
const remainder = (pieces: readonly Buffer[], written: number): Buffer[] => {
  const rest: Buffer[] = [];
  let skip = written;
  for (const piece of pieces) {
    if (skip >= piece.length) skip -= piece.length;
    else {
      rest.push(skip > 0 ? piece.subarray(skip) : piece);
      skip = 0;
    }
  }
  return rest;
};

const isNotFound = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Unless the error says the path is gone already (another remover got there first). */
const unlessGone = (error: unknown): void => {
  if (!isNotFound(error)) throw error;
};

/**
 * Removes a directory with everything in it in as few calls as it can: it is listed in one call (with the kind of
 * each entry, so a symbolic link is unlinked, never followed), its files are unlinked together, then it is removed.
 * Entries that vanish meanwhile, or the directory itself, do not count.
 */
const removeDirectory = async (directory: string): Promise<void> => {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    unlessGone(error);
    return;
  }
  await Promise.all(
    entries.map((entry) => {
      const path = join(directory, entry.name);
      return (entry.isDirectory() ? removeDirectory(path) : unlink(path)).catch(unlessGone);
    }),
  );
  await rmdir(directory).catch(unlessGone);
};

/**
 * A writer asks the disk to start writing back what it wrote once this much is waiting, and goes on writing
 * meanwhile: a large blob's final fsync then waits for the last few MiB instead of the whole blob.
 */
const WRITEBACK_BYTES = 16 * 1024 * 1024;

/**
 * Blob storage on a local (or shared) disk, directories 0700 and files 0600. Atomic writes go to a temporary file beside the target and are
 * renamed over it after fsync, so a crash leaves either the old file or the new one, plus at most a
 * temporary file (`.tmp-*`, never listed) for cleanup.
 */
export const getFilesystemBlobDriver = ({ root }: { root: string }): BlobDriver => {
  const resolve = (path: string, options?: { allowRoot?: boolean }) => join(root, ...checkPath(path, NAME, options));

  const moveFile = async (from: string, to: string): Promise<void> => {
    const source = resolve(from);
    const target = resolve(to);
    await makeDirectory(dirname(target));
    await rename(source, target).catch((error: unknown) => {
      throw isNotFound(error) ? new PathNotFoundError(from, NAME) : error;
    });
  };

  const openForReading = (path: string): Promise<FileHandle> =>
    open(resolve(path), 'r').catch((error: unknown) => {
      throw isNotFound(error) ? new PathNotFoundError(path, NAME) : error;
    });

  const fileWriter = async (path: string, append: boolean): Promise<FileWriter> => {
    const file = resolve(path);
    // Opened first, the directory made only when it is missing: most writers append to a file that exists.
    const handle: FileHandle = await open(file, append ? 'a' : 'w', FILE_MODE).catch(async (error: unknown) => {
      if (!isNotFound(error)) throw error;
      await makeDirectory(dirname(file));
      return open(file, append ? 'a' : 'w', FILE_MODE);
    });
    let size = (await handle.stat()).size;
    let closed = false;
    let unsynced = 0;
    /** A datasync started in the background, and its failure if it failed (the commit reports it). */
    let writeback: Promise<void> | undefined;
    let writebackFailure: { error: unknown } | undefined;
    const close = async () => {
      if (!closed) {
        closed = true;
        await writeback;
        await handle.close();
      }
    };
    return {
      get size() {
        return size;
      },
      async write(data) {
        let pieces = Buffer.isBuffer(data) ? [data] : [...data];
        const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
        for (let left = length; left > 0; ) {
          const { bytesWritten } = await handle.writev(pieces);
          left -= bytesWritten;
          if (left > 0) pieces = remainder(pieces, bytesWritten);
        }
        size += length;
        unsynced += length;
        if (unsynced >= WRITEBACK_BYTES && !writeback) {
          unsynced = 0;
          writeback = handle
            .datasync()
            .catch((error: unknown) => {
              writebackFailure ??= { error };
            })
            .finally(() => {
              writeback = undefined;
            });
        }
      },
      async commit(to) {
        try {
          await writeback;
          if (writebackFailure) throw writebackFailure.error;
          await handle.sync();
        } finally {
          await close();
        }
        if (to !== undefined) await moveFile(path, to);
      },
      async cancel() {
        await close();
        await unlink(file).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      },
      close,
    };
  };

  return {
    name: NAME,
    async stat(path) {
      try {
        const info = await stat(resolve(path));
        return info.isFile() ? { size: info.size } : null;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async reader(path, { offset = 0, length } = {}): Promise<Readable> {
      // Opening first turns a missing file into PathNotFoundError here rather than an error event later.
      const handle = await openForReading(path);
      if (length === 0) {
        await handle.close();
        return Readable.from([]);
      }
      return createReadStream('', { fd: handle, start: offset, ...(length !== undefined ? { end: offset + length - 1 } : {}), highWaterMark: 1 << 20 });
    },
    async openFile(path) {
      const handle = await openForReading(path);
      const { size } = await handle.stat().catch(async (error: unknown) => {
        await handle.close();
        throw error;
      });
      return {
        size,
        copyTo: (destination, { offset = 0, length } = {}) => copyFileRange(handle, destination, offset, Math.min(length ?? Infinity, Math.max(0, size - offset))),
        close: () => handle.close(),
      };
    },
    writer: (path, { append = false } = {}) => fileWriter(path, append),
    async getContent(path) {
      try {
        return await readFile(resolve(path));
      } catch (error) {
        throw isNotFound(error) ? new PathNotFoundError(path, NAME) : error;
      }
    },
    async putContent(path, content) {
      const file = resolve(path);
      await makeDirectory(dirname(file));
      const temporary = join(dirname(file), `.tmp-${randomUUID()}`);
      const handle = await open(temporary, 'w', FILE_MODE);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    },
    move: moveFile,
    async delete(path) {
      const target = resolve(path);
      const found = await lstat(target).catch((error: unknown) => {
        throw isNotFound(error) ? new PathNotFoundError(path, NAME) : error;
      });
      if (found.isDirectory()) await removeDirectory(target);
      else await unlink(target).catch(unlessGone);
    },
    async list(path) {
      try {
        const entries = await readdir(resolve(path, { allowRoot: true }));
        return entries.filter((name) => !name.startsWith('.tmp-')).sort();
      } catch (error) {
        if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
        throw error;
      }
    },
  };
};

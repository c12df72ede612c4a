import type { Readable, Writable } from 'node:stream';

/**
 * Dumb object storage under a root: paths are `/`-separated, relative, and never contain `..`. Everything
 * content-addressed (digests, upload sessions, repository links) is written once above this port.
 */
export interface BlobDriver {
  readonly name: string;
  /** Size of a file, or null when it does not exist. */
  stat(path: string): Promise<{ size: number } | null>;
  /** Streams a file from `offset`, at most `length` bytes. PathNotFoundError when absent. */
  reader(path: string, range?: { offset?: number; length?: number }): Promise<Readable>;
  /**
   * Opens a file to copy from, for drivers that copy more cheaply than `reader` streams (the filesystem reuses its
   * read memory). PathNotFoundError when absent.
   */
  openFile?(path: string): Promise<OpenFile>;
  /** A writer that creates the file, or with `append` continues it where it ends. */
  writer(path: string, options?: { append?: boolean }): Promise<FileWriter>;
  getContent(path: string): Promise<Buffer>;
  /** Writes a whole file atomically: readers see the old content or the new, never a part. */
  putContent(path: string, content: Buffer): Promise<void>;
  /** Moves a file atomically, replacing the destination. */
  move(from: string, to: string): Promise<void>;
  /** Deletes a file or a directory tree. PathNotFoundError when absent. */
  delete(path: string): Promise<void>;
  /** Names of the direct children of a directory; empty when it does not exist. */
  list(path: string): Promise<string[]>;
  /**
   * Removes what writes interrupted (by a crash) before `before` left behind outside every path, and says how
   * many it removed. Only drivers that can leave such things have it (S3: multipart uploads never completed).
   */
  purgeInterrupted?(before: Date): Promise<number>;
  /**
   * A URL that serves the file to anyone who has it for the next `expiresInSeconds` (S3's presigned GET), so
   * clients fetch big blobs from the storage itself. Only drivers set up to hand out such URLs have it.
   */
  redirectUrl?(path: string, expiresInSeconds: number): Promise<string>;
}

export interface OpenFile {
  readonly size: number;
  /**
   * Writes the file from `offset`, at most `length` bytes, into `destination` without ending it; resolves once the
   * destination has taken every byte.
   */
  copyTo(destination: Writable, range?: { offset?: number; length?: number }): Promise<void>;
  close(): Promise<void>;
}

export interface FileWriter {
  /** Bytes in the file so far, including what was there before an append. */
  readonly size: number;
  /** Appends bytes, given whole or in pieces (written in one call, as `writev` does). */
  write(data: Buffer | readonly Buffer[]): Promise<void>;
  /**
   * Flushes to stable storage and closes. The file stays where it is, or with `to` becomes the file at `to`
   * (atomically, replacing it, as `move` would; in one step, which object stores need to avoid a copy).
   */
  commit(to?: string): Promise<void>;
  /** Closes and removes the file. */
  cancel(): Promise<void>;
  /** Closes without flushing guarantees, keeping what was written (an interrupted upload can resume). */
  close(): Promise<void>;
}

export class PathNotFoundError extends Error {
  constructor(
    readonly path: string,
    readonly driver: string,
  ) {
    super(`${driver}: path not found: ${path}`);
    this.name = 'PathNotFoundError';
  }
}

export class InvalidPathError extends Error {
  constructor(
    readonly path: string,
    readonly driver: string,
  ) {
    super(`${driver}: invalid path: ${JSON.stringify(path)}`);
    this.name = 'InvalidPathError';
  }
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Every driver checks paths the same way: relative, `/`-separated segments, no `.` or `..`, no odd characters. */
export const checkPath = (path: string, driver: string, { allowRoot = false } = {}): string[] => {
  if (path === '' && allowRoot) return [];
  const segments = path.split('/');
  if (!segments.every((segment) => SEGMENT.test(segment))) throw new InvalidPathError(path, driver);
  return segments;
};

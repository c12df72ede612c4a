import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/** Owner-only modes for everything under the data directory. */
export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the directory (and its parents) owner-only, and takes group and other access away if it existed. */
export const ensurePrivateDirectory = (path: string): void => {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  chmodSync(path, PRIVATE_DIRECTORY_MODE);
};

/**
 * Creates the file empty if it is missing and makes it owner-only. SQLite creates a database's -wal and -shm
 * files with the database file's mode, so a database opened after this keeps all three private.
 */
export const ensurePrivateFile = (path: string): void => {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  chmodSync(path, PRIVATE_FILE_MODE);
};

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { passwordHashWorkers } from './scrypt-workers';

// scrypt with N=2^15: about 50–100 ms a hash on this class of machine, and 32 MiB of memory per hash.
const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

// On the bounded worker pool, never on libuv's threadpool: a flood of logins must not stall file reads.
const derive = (password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> =>
  passwordHashWorkers.derive(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY });

/** `scrypt$N$r$p$salt$hash`, parameters stored so they can be raised later without breaking old hashes. */
export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
};

export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

/** Spends the same time as a real check, so an unknown user name cannot be told apart by timing. */
let decoy: Promise<string> | undefined;
export const verifyAgainstDecoy = async (password: string): Promise<false> => {
  decoy ??= hashPassword('decoy-password-never-matches');
  await verifyPassword(password, await decoy);
  return false;
};

import { createHash, randomBytes } from 'node:crypto';

/** A session token is 32 random bytes; only its SHA-256 is stored, so a leaked store yields no usable token. */
export const newSessionToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The public id of a token (for audit metadata): a prefix of its hash, never the token. */
export const tokenIdOf = (tokenHash: string): string => tokenHash.slice(0, 32);

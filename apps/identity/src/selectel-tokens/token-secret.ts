import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: 256 bits, so a plain SHA-256 of it is a safe thing to store and look up by. */
export const newTokenSecret = (): string => randomBytes(32).toString('base64url');

export const hashTokenSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Whether a string could be a secret this service issued (the v1 API answers 400 to anything else). */
export const looksLikeTokenSecret = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** An access key id: 20 upper-case letters and digits, like the IAM keys SWR's long-term login uses. */
export const newAccessKeyId = (): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(20)].map((byte) => alphabet[byte % alphabet.length]).join('');
};

export const newSecretKey = (): string => randomBytes(30).toString('base64url');

/**
 * SWR's long-term docker login: user `{region}@{AK}`, password `hex(HMAC-SHA256(SK, AK))`. Only a hash of that
 * password is kept, so the secret key itself is shown once, at creation, and never stored.
 */
export const loginPasswordOf = (accessKey: string, secretKey: string): string => createHmac('sha256', secretKey).update(accessKey).digest('hex');

export const hashLoginPassword = (password: string): string => createHash('sha256').update(password).digest('hex');

export const loginPasswordMatches = (password: string, storedHash: string): boolean => {
  const actual = Buffer.from(hashLoginPassword(password), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

/** `{region}@{AK}`: the access key of a long-term login user name, if it is one. */
export const accessKeyOfLogin = (userName: string): string | undefined => /^[^@\s]+@([A-Z0-9]{20})$/.exec(userName)?.[1];

import { createHash, type Hash } from 'node:crypto';

/** Digest algorithms Wharf verifies (OCI image spec: sha256 required, sha512 optional). */
export const DIGEST_ALGORITHMS = { sha256: 64, sha512: 128 } as const;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

export interface Digest {
  algorithm: DigestAlgorithm;
  /** Lowercase hex. */
  hex: string;
  /** `algorithm:hex`. */
  value: string;
}

/** `sha256:<64 hex>` or `sha512:<128 hex>`; anything else (other algorithms, upper case, wrong length) is null. */
export const parseDigest = (text: string): Digest | null => {
  const match = /^([a-z0-9]+):([a-f0-9]+)$/.exec(text);
  if (!match) return null;
  const [, algorithm, hex] = match as unknown as [string, string, string];
  if (!(algorithm in DIGEST_ALGORITHMS)) return null;
  if (hex.length !== DIGEST_ALGORITHMS[algorithm as DigestAlgorithm]) return null;
  return { algorithm: algorithm as DigestAlgorithm, hex, value: text };
};

/** Syntactically a digest (any registered-looking algorithm); used to tell digests from tags in references. */
export const looksLikeDigest = (text: string): boolean => /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(text);

export const digestHasher = (algorithm: DigestAlgorithm): Hash => createHash(algorithm);

export const digestOf = (content: Buffer | string, algorithm: DigestAlgorithm = 'sha256'): string =>
  `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;

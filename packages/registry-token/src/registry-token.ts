import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

/** One entry of the Docker token spec's `access` claim. */
export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

export interface RegistryTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: AccessEntry[];
  /** When identity signed the token, in milliseconds (`iat` is in seconds), so a revocation in the same second can tell. */
  issuedAtMs?: number;
  /** Wharf's own claim: the principal behind the token (absent for anonymous tokens). */
  /** `tokenId`: the session or Selectel token the caller logged in with, when it did (for the audit log). */
  wharf?: { accountId: string; accountName: string; userId: string; userName: string; accountAdmin: boolean; systemAdmin: boolean; tokenId?: string };
}

export const TOKEN_ISSUER = 'wharf-identity';

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');
const decodeJson = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

export interface SigningKeyPair {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh P-256 key pair for ES256. */
export const generateSigningKey = (): SigningKeyPair => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid: randomUUID(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

/** Signs claims as a compact JWS with ES256 (raw r||s signature, as JOSE wants). */
export const signRegistryToken = (claims: RegistryTokenClaims, key: { kid: string; privateKey: KeyObject | string }): string => {
  const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: key.kid }));
  const payload = base64url(JSON.stringify(claims));
  const privateKey = typeof key.privateKey === 'string' ? createPrivateKey(key.privateKey) : key.privateKey;
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${base64url(signature)}`;
};

export type VerifyResult = { ok: true; claims: RegistryTokenClaims } | { ok: false; reason: 'malformed' | 'unknown-key' | 'bad-signature' | 'expired' | 'wrong-audience' };

/**
 * Verifies a registry token against the public keys by kid: structure, algorithm, signature, issuer,
 * audience and validity window (with `leewaySeconds` for clock skew).
 */
export const verifyRegistryToken = (
  token: string,
  publicKeys: ReadonlyMap<string, KeyObject>,
  { audience, nowSeconds, leewaySeconds = 30 }: { audience: string; nowSeconds: number; leewaySeconds?: number },
): VerifyResult => {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let claims: RegistryTokenClaims;
  try {
    header = decodeJson(headerPart) as typeof header;
    claims = decodeJson(payloadPart) as RegistryTokenClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (header.alg !== 'ES256' || typeof header.kid !== 'string' || typeof claims !== 'object' || claims === null) return { ok: false, reason: 'malformed' };
  const key = publicKeys.get(header.kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const valid = verify('sha256', Buffer.from(`${headerPart}.${payloadPart}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signaturePart, 'base64url'));
  if (!valid) return { ok: false, reason: 'bad-signature' };
  if (claims.iss !== TOKEN_ISSUER || claims.aud !== audience) return { ok: false, reason: 'wrong-audience' };
  if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number' || !Array.isArray(claims.access)) return { ok: false, reason: 'malformed' };
  if (nowSeconds > claims.exp + leewaySeconds || nowSeconds + leewaySeconds < claims.nbf) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
};

/** Key id of a JWT without verifying it, to know which key to fetch. */
export const keyIdOf = (token: string): string | undefined => {
  try {
    const header = decodeJson(token.split('.')[0] ?? '') as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
};

export const publicKeyFromPem = (pem: string): KeyObject => createPublicKey(pem);

/** The actions a verified token grants on a repository. */
export const grantedActions = (claims: RegistryTokenClaims, type: string, name: string): string[] =>
  claims.access.filter((entry) => entry.type === type && entry.name === name).flatMap((entry) => entry.actions);

/** Parses a Docker token `scope` parameter: `repository:ns/app:pull,push` (names never contain `:`). */
export const parseScope = (scope: string): AccessEntry | null => {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return null;
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope.slice(last + 1).split(',').filter((a) => a.length > 0);
  if (name.length === 0) return null;
  return { type, name, actions };
};

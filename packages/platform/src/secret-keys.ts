import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WharfConfig } from './config';
import { ensurePrivateDirectory, PRIVATE_FILE_MODE } from './private-files';

/** A secret encrypted at rest: AES-256-GCM under the operator key `keyId` names, bound to `context`. */
export interface SealedSecret {
  /** Format version. */
  v: 1;
  /** Which operator key sealed it (a fingerprint derived from the key, not the key). */
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

const derive = (operatorKey: string, purpose: string, length: number): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(operatorKey, 'utf8'), 'wharf-secret-key', purpose, length));

interface DerivedKey {
  keyId: string;
  key: Buffer;
}

const deriveKey = (operatorKey: string): DerivedKey => ({
  keyId: derive(operatorKey, 'wharf key id v1', 8).toString('hex'),
  key: derive(operatorKey, 'wharf aes-256-gcm v1', 32),
});

/**
 * The operator's keys for secrets at rest: the current one seals, it and the previous ones open. Each AES-256-GCM
 * key is derived from the operator's key with HKDF-SHA256; `context` (e.g. the id of what is sealed) is the
 * authenticated data, so a sealed value cannot be passed off as another's.
 */
export class SecretKeyRing {
  private readonly current: DerivedKey;
  private readonly byId: ReadonlyMap<string, DerivedKey>;

  constructor(currentKey: string, previousKeys: readonly string[] = []) {
    this.current = deriveKey(currentKey);
    const all = [this.current, ...previousKeys.map(deriveKey)];
    this.byId = new Map(all.map((key) => [key.keyId, key]));
  }

  /** The id of the key that seals now. */
  get currentKeyId(): string {
    return this.current.keyId;
  }

  canOpen(sealed: Pick<SealedSecret, 'keyId'>): boolean {
    return this.byId.has(sealed.keyId);
  }

  seal(plaintext: string, context: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { v: 1, keyId: this.current.keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  open(sealed: SealedSecret, context: string): string {
    const key = this.byId.get(sealed.keyId);
    if (!key) {
      throw new SecretKeyError(`a secret is sealed with operator key ${sealed.keyId}, which is neither WHARF_SECRET_KEY nor one of WHARF_PREVIOUS_SECRET_KEYS`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(`a secret sealed with operator key ${sealed.keyId} does not authenticate (tampered, or sealed for something else)`);
    }
  }
}

/** A fresh operator key, as Wharf generates one: 32 random bytes, base64url. */
export const generateOperatorKey = (): string => randomBytes(32).toString('base64url');

const readKeyFile = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

/**
 * Writes a new key file owner-only, atomically: the key is written whole to a file of its own and then linked
 * into place, so a process starting beside this one never reads a half-written key. When another process linked
 * its key first, that one wins.
 */
const createKeyFile = (path: string): boolean => {
  ensurePrivateDirectory(dirname(path));
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.new`;
  writeFileSync(draft, `${generateOperatorKey()}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(draft);
  }
};

/**
 * The key ring the configuration names: WHARF_SECRET_KEY, the file WHARF_SECRET_KEY_FILE names, or
 * `<data dir>/secret.key`, generated on first start (with a warning: it lies beside the secrets it protects).
 */
export const loadSecretKeyRing = (config: Pick<WharfConfig, 'secretKey'>, warn: (message: string) => void): SecretKeyRing => {
  const { source, previous } = config.secretKey;
  if (source.kind === 'value') return new SecretKeyRing(source.value, previous);
  let key = readKeyFile(source.path);
  if (key === null) {
    if (!source.generate) throw new SecretKeyError(`WHARF_SECRET_KEY_FILE: ${source.path} does not exist`);
    if (createKeyFile(source.path)) {
      warn(`No WHARF_SECRET_KEY or WHARF_SECRET_KEY_FILE: generated an operator key in ${source.path} (mode 0600). Keep it outside the data directory for secrets at rest to be protected from a copy of it.`);
    }
    key = readKeyFile(source.path);
  }
  if (!key || key.length < 32) throw new SecretKeyError(`${source.path}: the operator key must be at least 32 characters`);
  return new SecretKeyRing(key, previous);
};

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { generateOperatorKey, loadSecretKeyRing, SecretKeyError, SecretKeyRing } from './secret-keys';

const keyA = 'a'.repeat(32) + '-operator-key-one';
const keyB = 'b'.repeat(32) + '-operator-key-two';

describe('secret key ring', () => {
  it('seals with AES-256-GCM so that only the same key and context open it, and never stores the plaintext', () => {
    const ring = new SecretKeyRing(keyA);
    const sealed = ring.seal('-----BEGIN PRIVATE KEY-----secret', 'kid-1');
    expect(JSON.stringify(sealed)).not.toContain('secret');
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(ring.open(sealed, 'kid-1')).toBe('-----BEGIN PRIVATE KEY-----secret');
    expect(ring.seal('same', 'kid-1').ciphertext).not.toBe(ring.seal('same', 'kid-1').ciphertext);
    expect(() => ring.open(sealed, 'kid-2')).toThrow(SecretKeyError);
    const tampered = { ...sealed, ciphertext: Buffer.from('x'.repeat(20)).toString('base64') };
    expect(() => ring.open(tampered, 'kid-1')).toThrow(/does not authenticate/);
  });

  it('rotates: the new key seals, previous keys still open what they sealed, a missing key is named', () => {
    const before = new SecretKeyRing(keyA).seal('old secret', 'kid-1');
    const rotated = new SecretKeyRing(keyB, [keyA]);
    expect(rotated.open(before, 'kid-1')).toBe('old secret');
    const after = rotated.seal('new secret', 'kid-2');
    expect(after.keyId).toBe(rotated.currentKeyId);
    expect(after.keyId).not.toBe(before.keyId);
    expect(rotated.canOpen(before)).toBe(true);
    const withoutPrevious = new SecretKeyRing(keyB);
    expect(withoutPrevious.canOpen(before)).toBe(false);
    expect(() => withoutPrevious.open(before, 'kid-1')).toThrow(new RegExp(before.keyId));
    // The key id is a fingerprint, not the key.
    expect(before.keyId).not.toContain('aaaa');
  });

  it('reads WHARF_SECRET_KEY, WHARF_SECRET_KEY_FILE and WHARF_PREVIOUS_SECRET_KEYS, and refuses short keys and both at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-keys-'));
    try {
      const sealed = new SecretKeyRing(keyA).seal('x', 'c');
      const fromEnv = loadSecretKeyRing(loadConfig({ WHARF_SECRET_KEY: keyB, WHARF_PREVIOUS_SECRET_KEYS: ` ${keyA} ,` }), () => undefined);
      expect(fromEnv.open(sealed, 'c')).toBe('x');
      writeFileSync(join(dir, 'operator.key'), `${keyA}\n`);
      const fromFile = loadSecretKeyRing(loadConfig({ WHARF_SECRET_KEY_FILE: join(dir, 'operator.key') }), () => undefined);
      expect(fromFile.currentKeyId).toBe(sealed.keyId);
      expect(() => loadSecretKeyRing(loadConfig({ WHARF_SECRET_KEY_FILE: join(dir, 'missing.key') }), () => undefined)).toThrow(/missing.key does not exist/);
      expect(() => loadConfig({ WHARF_SECRET_KEY: 'short' })).toThrow(/WHARF_SECRET_KEY: must be at least 32 characters/);
      expect(() => loadConfig({ WHARF_PREVIOUS_SECRET_KEYS: `${keyA},short` })).toThrow(/WHARF_PREVIOUS_SECRET_KEYS/);
      expect(() => loadConfig({ WHARF_SECRET_KEY: keyA, WHARF_SECRET_KEY_FILE: 'x' })).toThrow(/WHARF_SECRET_KEY_FILE: cannot be set together/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates <data dir>/secret.key 0600 on first start with a warning, and reads the same key after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-keys-'));
    try {
      const config = loadConfig({ WHARF_DATA_DIR: join(dir, 'data') });
      const warnings: string[] = [];
      const first = loadSecretKeyRing(config, (message) => warnings.push(message));
      expect(warnings).toEqual([expect.stringContaining('secret.key')]);
      const file = join(dir, 'data', 'secret.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
      expect(readFileSync(file, 'utf8').trim()).toHaveLength(generateOperatorKey().length);
      const again = loadSecretKeyRing(config, (message) => warnings.push(message));
      expect(again.currentKeyId).toBe(first.currentKeyId);
      expect(warnings).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives processes starting together on a slow disk one generated key, never a half-written one (the distributed mode starts five at once)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-keys-'));
    const built = join(__dirname, '..', 'dist');
    // A slow disk: every write lands in two halves, 100 ms apart, so a key file that is visible while being
    // written is read half-written by the others.
    const script = `
      const fs = require('node:fs');
      const write = fs.writeFileSync;
      fs.writeFileSync = (path, data, options) => {
        const text = String(data);
        write(path, text.slice(0, 8), options);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        write(path, text.slice(8), { flag: 'a' });
      };
      const { loadConfig } = require(${JSON.stringify(join(built, 'config.js'))});
      const { loadSecretKeyRing } = require(${JSON.stringify(join(built, 'secret-keys.js'))});
      const ring = loadSecretKeyRing(loadConfig({ WHARF_DATA_DIR: ${JSON.stringify(join(dir, 'data'))} }), () => {});
      process.stdout.write(ring.currentKeyId);`;
    const start = (): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['-e', script]);
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.stderr.on('data', (chunk) => (out += chunk));
        child.on('close', (code) => resolve({ code, out }));
      });
    try {
      for (let round = 0; round < 3; round++) {
        rmSync(join(dir, 'data'), { recursive: true, force: true });
        const results = await Promise.all(Array.from({ length: 8 }, start));
        expect(results.map((result) => result.code)).toEqual(Array(8).fill(0));
        expect(new Set(results.map((result) => result.out)).size).toBe(1);
        expect(readdirSync(join(dir, 'data'))).toEqual(['secret.key']);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

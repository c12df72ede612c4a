import { SecretKeyRing } from '@wharf/platform';
import { chooseSigner, publishedKeys } from './signing-key-rotation';
import type { SigningKeyDocument } from './signing-keys.projection';

const DAY = 24 * 3600 * 1000;
const oldOperatorKey = 'o'.repeat(32) + '-before-rotation';
const newOperatorKey = 'n'.repeat(32) + '-after-rotation';
const before = new SecretKeyRing(oldOperatorKey);
const after = new SecretKeyRing(newOperatorKey, [oldOperatorKey]);

const key = (generation: number, createdAt: string, ring: SecretKeyRing | null = before): SigningKeyDocument => ({
  id: `k${generation}`,
  kid: `k${generation}`,
  generation,
  publicKeyPem: 'pem',
  createdAt,
  ...(ring ? { sealedPrivateKey: ring.seal('private', `k${generation}`) } : {}),
});
const choose = (keys: SigningKeyDocument[], now: string, operatorKeys = before) =>
  chooseSigner(keys, { now: new Date(now), rotateAfterMs: 30 * DAY, operatorKeys });

describe('signing key rotation', () => {
  it('generates the first generation when there is no key, and the next when only a plain-text key from before exists', () => {
    expect(choose([], '2026-12-01T00:00:00Z')).toEqual({ kind: 'generate', generation: 1 });
    expect(choose([key(0, '2026-01-01T00:00:00Z', null)], '2026-12-01T00:00:00Z')).toEqual({ kind: 'generate', generation: 1 });
  });

  it('signs with the newest generation until it is due, then generates the next', () => {
    const keys = [key(1, '2026-10-01T00:00:00Z'), key(2, '2026-11-15T00:00:00Z')];
    expect(choose(keys, '2026-12-01T00:00:00Z')).toMatchObject({ kind: 'sign', key: { kid: 'k2' } });
    expect(choose(keys, '2026-12-15T00:00:00Z')).toEqual({ kind: 'generate', generation: 3 });
  });

  it('generates a key sealed with the new operator key once the operator rotated theirs, and refuses keys it cannot open', () => {
    const keys = [key(1, '2026-11-30T00:00:00Z')];
    expect(choose(keys, '2026-12-01T00:00:00Z', after)).toEqual({ kind: 'generate', generation: 2 });
    const sealedWithNew = [...keys, key(2, '2026-12-01T00:00:00Z', after)];
    expect(choose(sealedWithNew, '2026-12-01T00:01:00Z', after)).toMatchObject({ kind: 'sign', key: { kid: 'k2' } });
    expect(choose(sealedWithNew, '2026-12-01T00:01:00Z', before)).toMatchObject({ kind: 'unreadable', key: { kid: 'k2' } });
  });

  it('publishes a replaced key until its tokens have expired, and keys never replaced for ever', () => {
    const keys = [key(0, '2026-01-01T00:00:00Z', null), key(1, '2026-12-01T00:00:00Z'), key(2, '2026-12-01T01:00:00Z')];
    expect(publishedKeys(keys.slice(0, 1), { now: new Date('2026-12-01T00:00:00Z'), retainMs: 360_000 }).map((k) => k.kid)).toEqual(['k0']);
    // The keys that exist at `now`.
    const published = (now: string) =>
      publishedKeys(keys.filter((k) => k.createdAt <= now), { now: new Date(now), retainMs: 360_000 }).map((k) => k.kid);
    expect(published('2026-12-01T00:05:59Z')).toEqual(['k1', 'k0']);
    expect(published('2026-12-01T00:06:00Z')).toEqual(['k1']);
    expect(published('2026-12-01T01:05:00Z')).toEqual(['k2', 'k1']);
    expect(published('2026-12-01T01:06:00Z')).toEqual(['k2']);
  });
});

import { generateSigningKey, signRegistryToken, type RegistryTokenClaims, type SigningKeyPair } from '@wharf/registry-token';
import type { ServiceClient } from '@wharf/transport';
import type { RevocationReader } from './revocations';
import { RevocationIds, type RevocationDocument } from './revocations.projection';
import { TokenVerifier } from './token-verifier';

const now = 1_800_000_000;
const claimsAt = (iat: number): RegistryTokenClaims => ({
  iss: 'wharf-identity',
  sub: 'dev',
  aud: 'registry.test',
  iat,
  issuedAtMs: iat * 1000,
  nbf: iat,
  exp: iat + 300,
  jti: `j-${iat}`,
  access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }],
  wharf: { accountId: 'a-1', accountName: 'acme', userId: 'u-1', userName: 'dev', accountAdmin: false, systemAdmin: false },
});

/** Identity publishing `published` keys, and revocations as `revoked` has them, counting the reads. */
const setUp = () => {
  const state = { published: [] as SigningKeyPair[], revoked: new Map<string, RevocationDocument>(), revocationReads: 0 };
  const services = { call: async () => ({ keys: state.published.map(({ kid, publicKeyPem }) => ({ kid, publicKeyPem })) }) } as unknown as ServiceClient;
  const revocations: RevocationReader = {
    current: async () => {
      state.revocationReads++;
      return state.revoked;
    },
  };
  return { state, verifier: new TokenVerifier(services, 'registry.test', revocations) };
};

describe('TokenVerifier', () => {
  it('checks revocations on every request, also for a token whose signature it checked before', async () => {
    const { state, verifier } = setUp();
    const key = generateSigningKey();
    state.published = [key];
    const token = signRegistryToken(claimsAt(now), { kid: key.kid, privateKey: key.privateKeyPem });
    expect((await verifier.verify(token, now + 1))?.access).toHaveLength(1);
    expect((await verifier.verify(token, now + 2))?.access).toHaveLength(1);
    state.revoked = new Map([[RevocationIds.principal('u-1'), { id: RevocationIds.principal('u-1'), revokedAt: new Date((now + 3) * 1000).toISOString() }]]);
    expect(await verifier.verify(token, now + 4)).toBeNull();
    expect(state.revocationReads).toBe(3);
  });

  it('refuses a token once it expired or its key is no longer published, however often it was accepted', async () => {
    const { state, verifier } = setUp();
    const [old, fresh] = [generateSigningKey(), generateSigningKey()];
    state.published = [old, fresh];
    const token = signRegistryToken(claimsAt(now), { kid: old.kid, privateKey: old.privateKeyPem });
    const other = signRegistryToken(claimsAt(now + 1), { kid: fresh.kid, privateKey: fresh.privateKeyPem });
    expect(await verifier.verify(token, now)).not.toBeNull();
    expect(await verifier.verify(other, now + 1)).not.toBeNull();
    // The keys are fetched again after a minute: the old one is gone.
    state.published = [fresh];
    expect(await verifier.verify(token, now + 61)).toBeNull();
    expect(await verifier.verify(other, now + 62)).not.toBeNull();
    expect(await verifier.verify(other, now + 1 + 300 + 31)).toBeNull();
  });

  it('refuses a token signed by another key under a published key id', async () => {
    const { state, verifier } = setUp();
    const [key, forger] = [generateSigningKey(), generateSigningKey()];
    state.published = [key];
    const good = signRegistryToken(claimsAt(now), { kid: key.kid, privateKey: key.privateKeyPem });
    expect(await verifier.verify(good, now)).not.toBeNull();
    const forged = signRegistryToken(claimsAt(now), { kid: key.kid, privateKey: forger.privateKeyPem });
    expect(await verifier.verify(forged, now)).toBeNull();
  });
});

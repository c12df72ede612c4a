import { generateSigningKey, grantedActions, keyIdOf, parseScope, publicKeyFromPem, signRegistryToken, TOKEN_ISSUER, verifyRegistryToken, type RegistryTokenClaims } from './registry-token';

const key = generateSigningKey();
const other = generateSigningKey();
const keys = new Map([[key.kid, publicKeyFromPem(key.publicKeyPem)]]);
const claims = (overrides: Partial<RegistryTokenClaims> = {}): RegistryTokenClaims => ({
  iss: TOKEN_ISSUER,
  sub: 'dev',
  aud: 'wharf',
  iat: 1000,
  nbf: 1000,
  exp: 1300,
  jti: 'j',
  access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }],
  ...overrides,
});
const signed = (c = claims(), k = key) => signRegistryToken(c, { kid: k.kid, privateKey: k.privateKeyPem });
const check = (token: string, nowSeconds = 1100) => verifyRegistryToken(token, keys, { audience: 'wharf', nowSeconds });

describe('registry tokens', () => {
  it('verifies what it signed and reads the granted actions', () => {
    const result = check(signed());
    expect(result.ok).toBe(true);
    if (result.ok) expect(grantedActions(result.claims, 'repository', 'team/app')).toEqual(['pull', 'push']);
    expect(keyIdOf(signed())).toBe(key.kid);
  });

  it('refuses tokens signed by another key, tampered, expired, not yet valid or for another audience', () => {
    expect(check(signed(claims(), other))).toEqual({ ok: false, reason: 'unknown-key' });
    const forged = signRegistryToken(claims(), { kid: key.kid, privateKey: other.privateKeyPem });
    expect(check(forged)).toEqual({ ok: false, reason: 'bad-signature' });
    const [h, , s] = signed().split('.');
    const widened = Buffer.from(JSON.stringify(claims({ access: [{ type: 'repository', name: '*', actions: ['*'] }] }))).toString('base64url');
    expect(check(`${h}.${widened}.${s}`)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check(signed(), 2000)).toEqual({ ok: false, reason: 'expired' });
    expect(check(signed(), 900)).toEqual({ ok: false, reason: 'expired' });
    expect(check(signed(claims({ aud: 'elsewhere' })))).toEqual({ ok: false, reason: 'wrong-audience' });
  });

  it('refuses malformed tokens and the none algorithm', () => {
    for (const token of ['', 'a.b', 'x.y.z', '...']) expect(check(token)).toMatchObject({ ok: false, reason: 'malformed' });
    const none = `${Buffer.from('{"alg":"none","kid":"' + key.kid + '"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    expect(check(none)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('parses Docker scopes', () => {
    expect(parseScope('repository:team/app:pull,push')).toEqual({ type: 'repository', name: 'team/app', actions: ['pull', 'push'] });
    expect(parseScope('registry:catalog:*')).toEqual({ type: 'registry', name: 'catalog', actions: ['*'] });
    expect(parseScope('repository:team/app:')).toEqual({ type: 'repository', name: 'team/app', actions: [] });
    expect(parseScope('nonsense')).toBeNull();
    expect(parseScope('repository::pull')).toBeNull();
  });
});

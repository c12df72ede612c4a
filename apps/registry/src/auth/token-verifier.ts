import type { KeyObject } from 'node:crypto';
import { IdentityRpc } from '@wharf/contracts/identity';
import { grantedActions, keyIdOf, publicKeyFromPem, verifyRegistryToken, type RegistryTokenClaims } from '@wharf/registry-token';
import type { ServiceClient } from '@wharf/transport';
import { revocationIdsFor, withoutRevoked, type RevocationReader } from './revocations';
import { verifiedCallers } from './verified-callers';

/** Keys are fetched again at least this often, so a key identity no longer publishes stops verifying. */
const KEYS_MAX_AGE_SECONDS = 60;
/** Tokens whose signature was checked, kept so a client's next requests skip the check; the oldest go first. */
const VERIFIED_TOKENS = 5000;

interface Verified {
  claims: RegistryTokenClaims;
  /** The key set the signature was checked with: a token is checked again once the keys were fetched again. */
  keys: ReadonlyMap<string, KeyObject>;
}

/**
 * Verifies bearer tokens locally with identity's public keys, so the hot path makes no service call. Keys are
 * fetched again when a token names a key id not seen yet (rotation) or the ones held are a minute old. What was revoked after a
 * token was issued (its user, its Selectel token, a grant or share) is taken out of its claims, on every request.
 * A token's signature is checked once per key set and kept until the token expires: signatures cost more than the
 * rest of a small request.
 */
export class TokenVerifier {
  private keys = new Map<string, KeyObject>();
  private keysFetchedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly services: ServiceClient,
    readonly service: string,
    private readonly revocations: RevocationReader,
  ) {}

  async verify(token: string, nowSeconds: number): Promise<RegistryTokenClaims | null> {
    const kid = keyIdOf(token);
    if ((kid && !this.keys.has(kid)) || nowSeconds - this.keysFetchedAt >= KEYS_MAX_AGE_SECONDS) await this.refresh(nowSeconds);
    const claims = this.signed(token, nowSeconds);
    if (!claims) return null;
    verifiedCallers.remember(token, claims);
    return withoutRevoked(claims, await this.revocations.current(revocationIdsFor(claims)));
  }

  /** The token's claims when its signature, audience and lifetime check out. */
  private signed(token: string, nowSeconds: number): RegistryTokenClaims | null {
    const known = this.verified.get(token);
    // Up to `exp` a checked token stands; after it (within the leeway) it is checked in full each time.
    if (known && known.keys === this.keys && nowSeconds <= known.claims.exp) return known.claims;
    const result = verifyRegistryToken(token, this.keys, { audience: this.service, nowSeconds });
    if (!result.ok) {
      this.verified.delete(token);
      return null;
    }
    this.verified.delete(token);
    this.verified.set(token, { claims: result.claims, keys: this.keys });
    if (this.verified.size > VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    return result.claims;
  }

  private refresh(nowSeconds: number): Promise<void> {
    this.refreshing ??= this.services
      .call(IdentityRpc.listSigningKeys, {})
      .then(({ keys }) => {
        this.keys = new Map(keys.map(({ kid, publicKeyPem }) => [kid, publicKeyFromPem(publicKeyPem)]));
        this.keysFetchedAt = nowSeconds;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}

export const allows = (claims: RegistryTokenClaims | null, repository: string, actions: readonly string[]): boolean => {
  if (!claims) return false;
  const granted = grantedActions(claims, 'repository', repository);
  return actions.every((action) => granted.includes(action) || granted.includes('*'));
};

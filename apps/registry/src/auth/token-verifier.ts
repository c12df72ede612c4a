import type { KeyObject } from 'node:crypto';
import { IdentityRpc } from '@wharf/contracts/identity';
import { grantedActions, keyIdOf, publicKeyFromPem, verifyRegistryToken, type RegistryTokenClaims } from '@wharf/registry-token';
import type { ServiceClient } from '@wharf/transport';
import { revocationIdsFor, withoutRevoked, type RevocationReader } from './revocations';
import { verifiedCallers } from './verified-callers';

/** Keys are fetched again at least this often, so a key identity no longer publishes stops verifying. */
const KEYS_MAX_AGE_SECONDS = 60;

/**
 * Verifies bearer tokens locally with identity's public keys, so the hot path makes no service call. Keys are
 * fetched again when a token names a key id not seen yet (rotation) or the ones held are a minute old. What was revoked after a
 * token was issued (its user, its Selectel token, a grant or share) is taken out of its claims.
 */
export class TokenVerifier {
  private keys = new Map<string, KeyObject>();
  private keysFetchedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly services: ServiceClient,
    readonly service: string,
    private readonly revocations: RevocationReader,
  ) {}

  async verify(token: string, nowSeconds: number): Promise<RegistryTokenClaims | null> {
    const kid = keyIdOf(token);
    if ((kid && !this.keys.has(kid)) || nowSeconds - this.keysFetchedAt >= KEYS_MAX_AGE_SECONDS) await this.refresh(nowSeconds);
    const result = verifyRegistryToken(token, this.keys, { audience: this.service, nowSeconds });
    if (!result.ok) return null;
    verifiedCallers.remember(token, result.claims);
    return withoutRevoked(result.claims, await this.revocations.current(revocationIdsFor(result.claims)));
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

import { DomainError } from '@wharf/contracts';
import type { SelectelTokenStatus } from '@wharf/contracts/identity';

/** The part of a principal the token rules look at. */
export interface TokenActor {
  accountId: string;
  accountAdmin: boolean;
}

/**
 * Tokens belong to the account (Selectel's project). Other accounts never learn that one exists (404); users of
 * the account may read them, and only its administrators create, change, revoke or delete them (403).
 */
export const requireSameAccount = (actor: TokenActor, accountId: string, notFound: () => DomainError): void => {
  if (actor.accountId !== accountId) throw notFound();
};

export const requireTokenAdmin = (actor: TokenActor): void => {
  if (!actor.accountAdmin) throw new DomainError('IDENTITY.FORBIDDEN', { reason: "only the account's administrators manage tokens" });
};

/** Revoked wins over expired; a token with no expiry never expires. */
export const tokenStatus = (token: { revoked: boolean; expiresAt: string | null }, now: string): SelectelTokenStatus => {
  if (token.revoked) return 'revoked';
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.parse(now)) return 'expired';
  return 'active';
};

/** Uses closer together than this are not recorded again: a busy CI does not write an event per pull. */
export const LAST_USE_RESOLUTION_MS = 60_000;

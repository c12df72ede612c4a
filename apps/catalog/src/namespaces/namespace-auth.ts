import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';

export interface NamespaceOwnership {
  accountId: string;
  creatorId: string;
}

/**
 * The caller's SWR permission on a namespace: the account's administrator and the creator manage it (7).
 * Other users of the account see it only through permissions granted to them, which the access service
 * will answer; until it does, they have none. Other accounts never see it.
 */
export const namespaceAuth = (actor: Principal, namespace: NamespaceOwnership): AuthLevel | null => {
  if (actor.accountId !== namespace.accountId) return null;
  if (actor.accountAdmin || actor.userId === namespace.creatorId) return 7;
  return null;
};

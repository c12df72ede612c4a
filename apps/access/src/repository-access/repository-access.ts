import type { RepositoryAction } from '@wharf/contracts/access';
import type { Principal } from '@wharf/contracts/identity';

export interface NamespaceOwner {
  accountId: string;
  creatorId: string;
}

const ALL: RepositoryAction[] = ['pull', 'push', 'delete'];

/**
 * What a principal may do on a repository of a namespace: the account's administrator and the namespace's
 * creator manage it (SWR auth 7: pull, push, delete). Organization and repository permissions, shares and
 * public repositories extend this with the management API that grants them; until then nobody else,
 * anonymous callers included, gets anything. A repository whose namespace does not exist allows nothing.
 */
export const allowedActions = (principal: Principal | null, owner: NamespaceOwner | null): RepositoryAction[] => {
  if (!principal || !owner || principal.accountId !== owner.accountId) return [];
  if (principal.accountAdmin || principal.userId === owner.creatorId) return ALL;
  return [];
};

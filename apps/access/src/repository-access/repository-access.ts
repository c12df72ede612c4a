import type { RepositoryAction } from '@wharf/contracts/access';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';

export interface NamespaceOwner {
  accountId: string;
  creatorId: string;
}

/**
 * A principal's SWR level on an organization or one of its repositories: the account's administrator and the
 * organization's creator manage it (7); anyone else in the account has the highest level granted to them on
 * the organization or on the repository. Other accounts and anonymous callers have none.
 */
export const effectiveAuth = (
  principal: Principal | null,
  owner: NamespaceOwner | null,
  granted: { namespace?: number; repository?: number } = {},
): AuthLevel | null => {
  if (!principal || !owner || principal.accountId !== owner.accountId) return null;
  if (principal.accountAdmin || principal.userId === owner.creatorId) return 7;
  const level = Math.max(granted.namespace ?? 0, granted.repository ?? 0);
  return level >= 7 ? 7 : level >= 3 ? 3 : level >= 1 ? 1 : null;
};

const ACTIONS: Record<AuthLevel, RepositoryAction[]> = { 7: ['pull', 'push', 'delete'], 3: ['pull', 'push'], 1: ['pull'] };

/** 7 manage = pull, push, delete; 3 edit = pull, push; 1 read = pull. */
export const actionsOf = (level: AuthLevel | null): RepositoryAction[] => (level === null ? [] : ACTIONS[level]);

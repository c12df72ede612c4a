import type { Principal } from '@wharf/contracts/identity';

/**
 * Who may administer what: the installation's administrator administers accounts and every account's users;
 * an account's administrator administers its own users; every user manages their own password and keys.
 */
export const mayAdministerAccounts = (actor: Principal): boolean => actor.systemAdmin;

export const mayAdministerUsersOf = (actor: Principal, accountId: string): boolean =>
  actor.systemAdmin || (actor.accountAdmin && actor.accountId === accountId);

export const mayManageKeysOf = (actor: Principal, user: { userId: string; accountId: string }): boolean =>
  actor.userId === user.userId || mayAdministerUsersOf(actor, user.accountId);

export const MIN_PASSWORD_LENGTH = 8;

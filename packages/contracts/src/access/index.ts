import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/** Docker registry token actions on a repository. */
export const RepositoryAction = z.enum(['pull', 'push', 'delete']);
export type RepositoryAction = z.infer<typeof RepositoryAction>;

export const RepositoryAccess = z.object({ repository: z.string(), actions: z.array(RepositoryAction) });
export type RepositoryAccess = z.infer<typeof RepositoryAccess>;

export const AccessRpc = {
  /** For each repository, the subset of the requested actions the principal (null: anonymous) may take. */
  authorize: rpc(
    'access.repository.authorize',
    z.object({ principal: Principal.nullable(), requests: z.array(RepositoryAccess).max(1000) }),
    z.object({ granted: z.array(RepositoryAccess) }),
  ),
} as const;

export const AuthLevel = z.union([z.literal(7), z.literal(3), z.literal(1)]);
export const UserAuth = z.object({ userId: z.string(), userName: z.string(), auth: AuthLevel });
export type UserAuth = z.infer<typeof UserAuth>;

/** A permission's target: an organization, or a repository (full name) within one. */
export const PermissionTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('namespace'), namespace: z.string() }),
  z.object({ kind: z.literal('repository'), namespace: z.string(), repository: z.string() }),
]);
export type PermissionTarget = z.infer<typeof PermissionTarget>;

export const AccessStreams = { permissions: 'access.permissions-', shares: 'access.share-' } as const;

export const PermissionRpc = {
  grant: rpc('access.permission.grant', z.object({ actor: Principal, target: PermissionTarget, grants: z.array(UserAuth).min(1).max(100) }), z.object({ granted: z.literal(true) })),
  update: rpc('access.permission.update', z.object({ actor: Principal, target: PermissionTarget, grants: z.array(UserAuth).min(1).max(100) }), z.object({ updated: z.literal(true) })),
  revoke: rpc('access.permission.revoke', z.object({ actor: Principal, target: PermissionTarget, userIds: z.array(z.string()).min(1).max(100) }), z.object({ revoked: z.literal(true) })),
  list: rpc(
    'access.permission.list',
    z.object({ actor: Principal, target: PermissionTarget }),
    z.object({ self: UserAuth.nullable(), others: z.array(UserAuth) }),
  ),
  /** The caller's level on each organization (and, when named, repository): null where it has none. */
  resolve: rpc(
    'access.permission.resolve',
    z.object({ principal: Principal, targets: z.array(PermissionTarget).max(1000) }),
    z.object({ levels: z.array(AuthLevel.nullable()) }),
  ),
  /**
   * Organizations the principal reaches only through repository-level grants (SWR's `mode::visible`), each with
   * the highest level among those grants.
   */
  repositoryGrantNamespaces: rpc(
    'access.permission.repository-grant-namespaces',
    z.object({ principal: Principal }),
    z.object({ namespaces: z.array(z.object({ namespace: z.string(), auth: AuthLevel })) }),
  ),
} as const;

export const Share = z.object({
  repository: z.string(),
  namespace: z.string(),
  accessDomain: z.string(),
  permit: z.literal('read'),
  /** ISO time, or `forever`. */
  deadline: z.string(),
  description: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Whether the share still grants pull (its deadline has not passed). */
  valid: z.boolean(),
});
export type Share = z.infer<typeof Share>;

/** A share seen from an account's side: either end may list it, so it names the owning account too. */
export const AccountShare = Share.extend({ ownerAccountId: z.string(), ownerAccountName: z.string() });
export type AccountShare = z.infer<typeof AccountShare>;

const ShareInput = z.object({ permit: z.literal('read'), deadline: z.string(), description: z.string().max(1000).optional() });
const RepositoryRef = z.object({ namespace: z.string(), repository: z.string() });

export const ShareRpc = {
  create: rpc('access.share.create', z.object({ actor: Principal, target: RepositoryRef, accessDomain: z.string() }).merge(ShareInput), z.object({ share: Share })),
  update: rpc('access.share.update', z.object({ actor: Principal, target: RepositoryRef, accessDomain: z.string() }).merge(ShareInput), z.object({ share: Share })),
  remove: rpc('access.share.remove', z.object({ actor: Principal, target: RepositoryRef, accessDomain: z.string() }), z.object({ removed: z.literal(true) })),
  list: rpc('access.share.list', z.object({ actor: Principal, target: RepositoryRef }), z.object({ shares: z.array(Share) })),
  get: rpc('access.share.get', z.object({ actor: Principal, target: RepositoryRef, accessDomain: z.string() }), z.object({ share: Share.nullable() })),
  /** Every share of the actor's account's repositories (`outgoing`), or to the actor's account (`incoming`). */
  ofAccount: rpc(
    'access.share.of-account',
    z.object({ actor: Principal, direction: z.enum(['outgoing', 'incoming']) }),
    z.object({ shares: z.array(AccountShare) }),
  ),
} as const;

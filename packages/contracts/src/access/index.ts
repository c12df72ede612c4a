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
    z.object({ principal: Principal.nullable(), requests: z.array(RepositoryAccess).max(100) }),
    z.object({ granted: z.array(RepositoryAccess) }),
  ),
} as const;

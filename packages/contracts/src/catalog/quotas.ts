import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/** What an account's quotas count: its organizations (namespaces), repositories and tags. */
export const QuotaKey = z.enum(['namespace', 'repository', 'tag']);
export type QuotaKey = z.infer<typeof QuotaKey>;

export const QuotaUsage = z.object({ key: QuotaKey, limit: z.number().int().nonnegative(), used: z.number().int().nonnegative() });
export type QuotaUsage = z.infer<typeof QuotaUsage>;

export const QuotaStreams = {
  account: 'catalog.quota-',
  /** One stream per account holds the room taken by creations under way: `catalog.reservations-<accountId>`. */
  reservations: 'catalog.reservations-',
} as const;

/** Upper bound of a limit: SWR's `quota_limit` is an int32. */
export const MAX_QUOTA_LIMIT = 2_147_483_647;

export const QuotaRpc = {
  /** The account's limits and usage; the caller must belong to the account or be the system administrator. */
  get: rpc('catalog.quota.get', z.object({ actor: Principal, accountId: z.string() }), z.object({ quotas: z.array(QuotaUsage) })),
  /** Sets some of an account's limits (system administrator only); the others keep their values. */
  set: rpc(
    'catalog.quota.set',
    z.object({
      actor: Principal,
      accountId: z.string(),
      limits: z.array(z.object({ key: QuotaKey, limit: z.number().int().nonnegative().max(MAX_QUOTA_LIMIT) })).min(1).max(3),
    }),
    z.object({ quotas: z.array(QuotaUsage) }),
  ),
} as const;

import type { SelectelToken } from '@wharf/contracts/identity';
import type { SelectelTokenDocument } from './selectel-tokens.projection';
import { tokenStatus } from './token-policy';

/** A v2 token as management shows it at `now`: status computed, no secret, `lastUsedAt` only once used. */
export const tokenView = (doc: SelectelTokenDocument, now: string): SelectelToken => ({
  id: doc.id,
  name: doc.name,
  createdAt: doc.createdAt,
  expiration: doc.expiresAt === null ? { isSet: false } : { isSet: true, expiresAt: doc.expiresAt },
  scope: { modeRW: doc.modeRW, allRegistries: doc.allRegistries, registryIds: doc.registryIds },
  status: tokenStatus(doc, now),
  ...(doc.lastUsedAt !== null ? { lastUsedAt: doc.lastUsedAt } : {}),
});

import { QuotaStreams, type QuotaKey } from '@wharf/contracts/catalog';
import type { Projection } from '@wharf/read-model';
import type { QuotaEvent } from './quota.decider';

/** The limits set for one account (keys never set are absent and take the installation's defaults). */
export interface QuotaLimitsDocument {
  id: string;
  limits: Partial<Record<QuotaKey, number>>;
  [field: string]: unknown;
}

export const quotaLimitsProjection: Projection<QuotaLimitsDocument, QuotaEvent> = {
  name: 'quota_limits',
  version: 1,
  streamPrefixes: [QuotaStreams.account],
  indexes: [],
  documentIds: (event) => [event.data.accountId],
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'QuotaLimitsSet':
        return { id, limits: { ...doc?.limits, ...Object.fromEntries(event.data.limits.map(({ key, limit }) => [key, limit])) } };
      default:
        return doc;
    }
  },
};

import type { Principal } from '@wharf/contracts/identity';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { quotaDecider, type QuotaLimitsSet } from './quota.decider';

const now = '2026-11-23T10:00:00.000Z';
const systemAdmin: Principal = { accountId: 'sys', accountName: 'system', userId: 'u-root', userName: 'admin', accountAdmin: true, systemAdmin: true };
const accountAdmin: Principal = { accountId: 'acc-1', accountName: 'acme', userId: 'u-1', userName: 'boss', accountAdmin: true, systemAdmin: false };

const spec = DeciderSpecification.for(quotaDecider);
const set = (limits: { key: 'namespace' | 'repository' | 'tag'; limit: number }[], actor: Principal = systemAdmin) => ({
  type: 'SetQuotaLimits' as const,
  data: { accountId: 'acc-1', limits, actor },
  metadata: { now },
});
const limitsSet = (limits: { key: 'namespace' | 'repository' | 'tag'; limit: number }[]): QuotaLimitsSet => ({
  type: 'QuotaLimitsSet',
  data: { accountId: 'acc-1', limits, setBy: 'u-root', setAt: now },
});

describe('quota decider', () => {
  it('records the limits the system administrator sets', () => {
    spec.given([]).when(set([{ key: 'namespace', limit: 2 }, { key: 'tag', limit: 0 }])).then([limitsSet([{ key: 'namespace', limit: 2 }, { key: 'tag', limit: 0 }])]);
  });

  it('records only the limits that change, and nothing when none does', () => {
    spec.given([limitsSet([{ key: 'namespace', limit: 2 }])]).when(set([{ key: 'namespace', limit: 2 }, { key: 'repository', limit: 5 }])).then([limitsSet([{ key: 'repository', limit: 5 }])]);
    spec.given([limitsSet([{ key: 'namespace', limit: 2 }])]).when(set([{ key: 'namespace', limit: 2 }])).then([]);
  });

  it('refuses anyone but the system administrator, account administrators included', () => {
    spec.given([]).when(set([{ key: 'namespace', limit: 50 }], accountAdmin)).thenThrows({ code: 'CATALOG.QUOTA_FORBIDDEN' });
  });

  it('refuses the same key twice in one request', () => {
    spec.given([]).when(set([{ key: 'tag', limit: 1 }, { key: 'tag', limit: 2 }])).thenThrows({ code: 'PLATFORM.VALIDATION_FAILED' });
  });
});

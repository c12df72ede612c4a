import type { QuotaKey } from '@wharf/contracts/catalog';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { quotaReservationDecider, RESERVATION_TTL_MS, settlement, type QuotaReservationEvent, type ReserveQuota } from './quota-reservation.decider';

const now = '2026-11-23T10:00:00.000Z';
const earlier = (ms: number) => new Date(Date.parse(now) - ms).toISOString();

const spec = DeciderSpecification.for(quotaReservationDecider);
const reserve = (name: string, counted: { used: number; present?: string[]; limit?: number; key?: QuotaKey; cap?: ReserveQuota['data']['cap'] }): ReserveQuota => ({
  type: 'ReserveQuota',
  data: {
    reservationId: `r-${name}`,
    accountId: 'acc-1',
    key: counted.key ?? 'namespace',
    name,
    limit: counted.limit ?? 5,
    used: counted.used,
    present: counted.present ?? [],
    ...(counted.cap ? { cap: counted.cap } : {}),
  },
  metadata: { now },
});
const reserved = (name: string, { key = 'namespace' as QuotaKey, at = now, id = `r-${name}` } = {}): QuotaReservationEvent => ({
  type: 'QuotaReserved',
  data: { reservationId: id, accountId: 'acc-1', key, name, reservedAt: at },
});

describe('quota reservation decider', () => {
  it('reserves the last place, and refuses once every place is taken', () => {
    spec.given([]).when(reserve('e', { used: 4 })).then([reserved('e')]);
    spec.given([]).when(reserve('f', { used: 5 })).thenThrows({ code: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED', details: { limit: 5 } });
  });

  it('counts creations under way: the last place goes to one of two racing creations', () => {
    spec.given([reserved('e')]).when(reserve('f', { used: 4 })).thenThrows({ code: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED' });
    spec.given([reserved('d'), reserved('e')]).when(reserve('f', { used: 2 })).then([reserved('f')]);
  });

  it('counts a creation once, whether the read models already show it or it is still under way', () => {
    // "e" is created and shown, its reservation not settled yet.
    spec.given([reserved('e')]).when(reserve('f', { used: 4, present: ['e'] })).then([reserved('f')]);
    // Two pushes into one new repository make one repository.
    spec.given([reserved('repo', { key: 'repository', id: 'first' })]).when(reserve('repo', { used: 4, key: 'repository' })).then([reserved('repo', { key: 'repository' })]);
  });

  it('takes no room for what the read models already show (a concurrent creation of the same name got there first)', () => {
    spec.given([]).when(reserve('e', { used: 5, present: ['e'] })).then([reserved('e')]);
  });

  it('gives the place back once settled, to the read models count', () => {
    spec.given([reserved('e'), settlement('r-e', 'acc-1', now)]).when(reserve('f', { used: 4 })).then([reserved('f')]);
  });

  it('counts each key apart', () => {
    spec.given([reserved('acme/app', { key: 'repository' })]).when(reserve('f', { used: 4 })).then([reserved('f')]);
  });

  it('stops counting a reservation its creator never settled, once it has expired', () => {
    spec.given([reserved('e', { at: earlier(RESERVATION_TTL_MS + 1) })]).when(reserve('f', { used: 4 })).then([reserved('f')]);
    spec.given([reserved('e', { at: earlier(RESERVATION_TTL_MS - 1000) })]).when(reserve('f', { used: 4 })).thenThrows({ code: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED' });
  });

  it('names the key that is full', () => {
    spec.given([]).when(reserve('acme/app', { used: 5, key: 'repository' })).thenThrows({ code: 'CATALOG.REPOSITORY_QUOTA_EXCEEDED' });
    spec.given([]).when(reserve('acme/app:v1', { used: 0, limit: 0, key: 'tag' })).thenThrows({ code: 'CATALOG.TAG_QUOTA_EXCEEDED' });
  });

  it('holds a dialect’s fixed cap the same way, with its own error, before the quota', () => {
    const cap = { limit: 3, code: 'CATALOG.REGISTRY_LIMIT_EXCEEDED' as const };
    spec.given([reserved('c')]).when(reserve('d', { used: 1, cap })).then([reserved('d')]);
    spec.given([reserved('c'), reserved('d')]).when(reserve('e', { used: 1, cap })).thenThrows({ code: 'CATALOG.REGISTRY_LIMIT_EXCEEDED', details: { limit: 3 } });
    spec.given([]).when(reserve('f', { used: 5, cap: { ...cap, limit: 100 } })).thenThrows({ code: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED' });
  });
});

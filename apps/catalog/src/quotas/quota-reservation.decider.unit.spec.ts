import type { QuotaKey } from '@wharf/contracts/catalog';
import { DeciderSpecification } from '@wharf/event-store/testing';
import {
  quotaReservationDecider,
  refusal,
  RESERVATION_TTL_MS,
  settlement,
  type AccountClosed,
  type CloseAccount,
  type QuotaExceeded,
  type QuotaReservationEvent,
  type QuotaReserved,
  type QuotaWarningReached,
  type ReserveQuota,
} from './quota-reservation.decider';

const now = '2026-11-23T10:00:00.000Z';
const earlier = (ms: number) => new Date(Date.parse(now) - ms).toISOString();

const spec = DeciderSpecification.for(quotaReservationDecider);

type Held = { name: string; key?: QuotaKey; at?: string; id?: string };
const entry = ({ name, key = 'namespace', at = now, id = `r-${name}` }: Held) => ({ reservationId: id, key, name, reservedAt: at });
/** A reservation of `held`, made while `before` were under way (and with these crossings announced). */
const reserved = (held: Held, before: Held[] = [], crossings: { warned?: QuotaKey[]; exceeded?: QuotaKey[] } = {}): QuotaReserved => {
  const { reservationId, key, name, reservedAt } = entry(held);
  return { type: 'QuotaReserved', data: { reservationId, accountId: 'acc-1', key, name, reservedAt, underWay: [...before, held].map(entry), ...crossings } };
};
const warning = (name: string, used: number, { key = 'namespace', limit = 5 }: { key?: QuotaKey; limit?: number } = {}): QuotaWarningReached => ({
  type: 'QuotaWarningReached',
  data: { accountId: 'acc-1', key, limit, used, name, reachedAt: now },
});
const exceeded = (name: string, used: number, { key = 'namespace', limit = 5 }: { key?: QuotaKey; limit?: number } = {}): QuotaExceeded => ({
  type: 'QuotaExceeded',
  data: { accountId: 'acc-1', key, limit, used, name, refusedAt: now },
});
/** The last place of a namespace quota of 5, taken by `name` (which announces the warning). */
const lastPlace = (name: string, before: Held[] = []): QuotaReservationEvent[] => [reserved({ name }, before, { warned: ['namespace'] }), warning(name, 5)];
/** Reservations made one after the other, none settled. */
const underWay = (...held: Held[]): QuotaReservationEvent[] => held.map((h, i) => reserved(h, held.slice(0, i)));

const reserve = (
  name: string,
  counted: { used: number; present?: string[]; limit?: number; key?: QuotaKey; cap?: ReserveQuota['data']['cap']; ended?: string[] },
): ReserveQuota => ({
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
    ...(counted.ended ? { ended: counted.ended } : {}),
  },
  metadata: { now },
});

const close = (namespaces: string[] = []): CloseAccount => ({ type: 'CloseAccount', data: { accountId: 'acc-1', namespaces }, metadata: { now } });
const closed: AccountClosed = { type: 'AccountClosed', data: { accountId: 'acc-1', closedAt: now } };

describe('quota reservation decider', () => {
  it('closes an account that holds no namespace and creates none, once', () => {
    spec.given([]).when(close()).then([closed]);
    spec.given([...underWay({ name: 'e' }), settlement('r-e', 'acc-1', now)]).when(close()).then([closed]);
    spec.given([closed]).when(close()).then([]);
  });

  it('refuses to close an account that holds namespaces, or is creating one right now', () => {
    spec.given([]).when(close(['team'])).thenThrows({ code: 'CATALOG.ACCOUNT_HOLDS_NAMESPACES', details: { namespaces: 'team' } });
    spec.given(underWay({ name: 'racing' })).when(close()).thenThrows({ code: 'CATALOG.ACCOUNT_HOLDS_NAMESPACES', details: { namespaces: 'racing' } });
  });

  it('refuses every creation in a closed account, however much room its quota has', () => {
    spec.given([closed]).when(reserve('late', { used: 0 })).thenThrows({ code: 'CATALOG.ACCOUNT_CLOSED' });
    spec.given([...underWay({ name: 'e' }), settlement('r-e', 'acc-1', now), closed]).when(reserve('late', { used: 0 })).thenThrows({ code: 'CATALOG.ACCOUNT_CLOSED' });
  });

  it('reserves the last place, and records the refusal once every place is taken', () => {
    spec.given([]).when(reserve('e', { used: 4 })).then(lastPlace('e'));
    spec.given([]).when(reserve('f', { used: 5 })).then([exceeded('f', 5)]);
    spec.given([exceeded('f', 5)]).when(reserve('g', { used: 5 })).thenThrows({ code: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED', details: { limit: 5 } });
    expect(refusal(exceeded('f', 5))).toMatchObject({ code: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED', details: { limit: 5 } });
  });

  it('counts creations under way: the last place goes to one of two racing creations', () => {
    spec.given(underWay({ name: 'e' })).when(reserve('f', { used: 4 })).then([exceeded('f', 5)]);
    spec.given(underWay({ name: 'd' }, { name: 'e' })).when(reserve('f', { used: 2 })).then(lastPlace('f', [{ name: 'd' }, { name: 'e' }]));
  });

  it('counts a creation once, whether the read models already show it or it is still under way', () => {
    // "e" is created and shown, its reservation not settled yet.
    spec.given(underWay({ name: 'e' })).when(reserve('f', { used: 4, present: ['e'] })).then(lastPlace('f', [{ name: 'e' }]));
    // Two pushes into one new repository make one repository.
    const first = { name: 'acme/app', key: 'repository' as const, id: 'first' };
    spec
      .given(underWay(first))
      .when(reserve('acme/app', { used: 4, key: 'repository' }))
      .then([reserved({ name: 'acme/app', key: 'repository' }, [first], { warned: ['repository'] }), warning('acme/app', 5, { key: 'repository' })]);
  });

  it('takes no room for what the read models already show (a concurrent creation of the same name got there first)', () => {
    spec.given([]).when(reserve('e', { used: 5, present: ['e'] })).then(lastPlace('e'));
  });

  it('gives the place back once settled, to the read models count', () => {
    spec.given([...underWay({ name: 'e' }), settlement('r-e', 'acc-1', now)]).when(reserve('f', { used: 4 })).then(lastPlace('f'));
  });

  it('settles the caller’s ended reservations by leaving them off its list: they count through the read models only', () => {
    // b ended (the read models count it among the 2 used), d is another creator's, still under way.
    spec
      .given(underWay({ name: 'b' }, { name: 'd' }))
      .when(reserve('f', { used: 2, ended: ['r-b'] }))
      .then([reserved({ name: 'f' }, [{ name: 'd' }])]);
    // Without the end, b still counts as under way, and f takes the last place.
    spec
      .given(underWay({ name: 'b' }, { name: 'd' }))
      .when(reserve('f', { used: 2 }))
      .then(lastPlace('f', [{ name: 'b' }, { name: 'd' }]));
  });

  it('counts each key apart', () => {
    const repository = { name: 'acme/app', key: 'repository' as const };
    spec.given(underWay(repository)).when(reserve('f', { used: 2 })).then([reserved({ name: 'f' }, [repository])]);
    spec.given(underWay(repository)).when(reserve('f', { used: 4 })).then(lastPlace('f', [repository]));
  });

  it('stops counting, and listing, a reservation its creator never settled once it has expired', () => {
    spec.given(underWay({ name: 'e', at: earlier(RESERVATION_TTL_MS + 1) })).when(reserve('f', { used: 4 })).then(lastPlace('f'));
    spec.given(underWay({ name: 'e', at: earlier(RESERVATION_TTL_MS - 1000) })).when(reserve('f', { used: 4 })).then([exceeded('f', 5)]);
  });

  it('reads the state from the newest reservation and the settlements after it', () => {
    const events = [...underWay({ name: 'a' }, { name: 'b' }), settlement('r-a', 'acc-1', now), reserved({ name: 'c' }, [{ name: 'b' }]), settlement('r-c', 'acc-1', now)];
    const fromStart = events.reduce(quotaReservationDecider.evolve, quotaReservationDecider.initialState());
    const fromNewestReservation = events.slice(3).reduce(quotaReservationDecider.evolve, quotaReservationDecider.initialState());
    expect([...fromStart.pending.keys()]).toEqual(['r-b']);
    expect(fromNewestReservation).toEqual(fromStart);
  });

  it('names the key that is full', () => {
    spec.given([]).when(reserve('acme/app', { used: 5, key: 'repository' })).then([exceeded('acme/app', 5, { key: 'repository' })]);
    spec.given([]).when(reserve('acme/app:v1', { used: 0, limit: 0, key: 'tag' })).then([exceeded('acme/app:v1', 0, { key: 'tag', limit: 0 })]);
    expect(refusal(exceeded('acme/app', 5, { key: 'repository' })).code).toBe('CATALOG.REPOSITORY_QUOTA_EXCEEDED');
    expect(refusal(exceeded('acme/app:v1', 0, { key: 'tag', limit: 0 })).code).toBe('CATALOG.TAG_QUOTA_EXCEEDED');
  });

  it('announces the warning once while the count stays at the threshold, and again after it fell below', () => {
    const atThreshold = reserved({ name: 'i' }, [], { warned: ['namespace'] });
    // A limit of 10 warns from 9 (85 %, rounded up).
    spec.given([]).when(reserve('i', { used: 8, limit: 10 })).then([atThreshold, warning('i', 9, { limit: 10 })]);
    spec.given([atThreshold, settlement('r-i', 'acc-1', now)]).when(reserve('j', { used: 9, limit: 10 })).then([reserved({ name: 'j' }, [], { warned: ['namespace'] })]);
    const below = reserved({ name: 'c' });
    spec.given([atThreshold, settlement('r-i', 'acc-1', now)]).when(reserve('c', { used: 2, limit: 10 })).then([below]);
    spec.given([atThreshold, below, settlement('r-c', 'acc-1', now)]).when(reserve('k', { used: 8, limit: 10 })).then([reserved({ name: 'k' }, [], { warned: ['namespace'] }), warning('k', 9, { limit: 10 })]);
  });

  it('records a refusal again only after the key had room', () => {
    const roomAgain = reserved({ name: 'e' });
    spec.given([exceeded('x', 5)]).when(reserve('e', { used: 2 })).then([roomAgain]);
    spec.given([exceeded('x', 5), roomAgain, settlement('r-e', 'acc-1', now)]).when(reserve('f', { used: 5 })).then([exceeded('f', 5)]);
    const otherKey = reserved({ name: 'acme/app', key: 'repository' }, [], { exceeded: ['namespace'] });
    spec.given([exceeded('x', 5)]).when(reserve('acme/app', { used: 0, key: 'repository' })).then([otherKey]);
  });

  it('holds a dialect’s fixed cap the same way, with its own error, before the quota', () => {
    const cap = { limit: 3, code: 'CATALOG.REGISTRY_LIMIT_EXCEEDED' as const };
    spec.given(underWay({ name: 'c' })).when(reserve('d', { used: 1, cap })).then([reserved({ name: 'd' }, [{ name: 'c' }])]);
    spec.given(underWay({ name: 'c' }, { name: 'd' })).when(reserve('e', { used: 1, cap })).thenThrows({ code: 'CATALOG.REGISTRY_LIMIT_EXCEEDED', details: { limit: 3 } });
    spec.given([]).when(reserve('f', { used: 5, cap: { ...cap, limit: 100 } })).then([exceeded('f', 5)]);
  });
});

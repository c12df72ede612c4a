import { DomainError, type ErrorCode } from '@wharf/contracts';
import type { QuotaKey } from '@wharf/contracts/catalog';
import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * Room taken against an account's quota by a creation under way, on the account's reservation stream
 * (`catalog.reservations-<accountId>`). Every creation reserves on that one stream with the revision it read, so
 * two creations never both take the last place: the loser re-reads and decides again. A reservation counts until
 * it is settled, which its creator does once the creation is visible in the read models (or has failed); from then
 * on the read models count it. A reservation never settled (its process died) stops counting after RESERVATION_TTL_MS.
 * Each reservation lists every reservation under way once it is made, so the state is read from the newest
 * reservation and the settlements after it, however long the stream.
 */

export const RESERVATION_TTL_MS = 60_000;

export interface PendingReservation {
  key: QuotaKey;
  name: string;
  reservedAt: string;
}

export type QuotaReserved = Event<
  'QuotaReserved',
  {
    reservationId: string;
    accountId: string;
    key: QuotaKey;
    name: string;
    reservedAt: string;
    /** Every reservation counting once this one is made (not settled, not expired), this one included. */
    underWay: (PendingReservation & { reservationId: string })[];
  }
>;
export type QuotaReservationSettled = Event<'QuotaReservationSettled', { reservationId: string; accountId: string; settledAt: string }>;
export type QuotaReservationEvent = QuotaReserved | QuotaReservationSettled;

/** A fixed limit of one dialect counted like the key's quota (Selectel's 100 registries a project), with its own error. */
export interface ReservationCap {
  limit: number;
  code: ErrorCode;
}

/**
 * `used` is what the read models count for the key; `present` lists which names of the reservations still under
 * way the read models already show (they are counted once). `limit` is the account's limit for the key; `cap`, if
 * any, is checked first.
 */
export type ReserveQuota = Command<
  'ReserveQuota',
  { reservationId: string; accountId: string; key: QuotaKey; name: string; limit: number; used: number; present: string[]; cap?: ReservationCap }
>;
export type QuotaReservationCommand = ReserveQuota;

/** Reservations not settled yet, by id. */
export type QuotaReservationState = Map<string, PendingReservation>;

export const initialState = (): QuotaReservationState => new Map();

/** Updates the map in place: a state belongs to the one fold that builds it. */
export const evolve = (state: QuotaReservationState, event: QuotaReservationEvent): QuotaReservationState => {
  switch (event.type) {
    case 'QuotaReserved':
      // Decided on the state just before it (with the revision read), so its list is the whole state.
      return new Map(event.data.underWay.map(({ reservationId, ...pending }) => [reservationId, pending]));
    case 'QuotaReservationSettled':
      state.delete(event.data.reservationId);
      return state;
    default:
      return state;
  }
};

const EXCEEDED: Record<QuotaKey, ErrorCode> = {
  namespace: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED',
  repository: 'CATALOG.REPOSITORY_QUOTA_EXCEEDED',
  tag: 'CATALOG.TAG_QUOTA_EXCEEDED',
};

const unexpired = (state: QuotaReservationState, now: string): (PendingReservation & { reservationId: string })[] => {
  const oldest = Date.parse(now) - RESERVATION_TTL_MS;
  return [...state].filter(([, pending]) => Date.parse(pending.reservedAt) > oldest).map(([reservationId, pending]) => ({ reservationId, ...pending }));
};

/** Names of the key's reservations still under way (and not expired at `now`). */
export const pendingNames = (state: QuotaReservationState, key: QuotaKey, now: string): Set<string> =>
  new Set(unexpired(state, now).filter((pending) => pending.key === key).map((pending) => pending.name));

export const decide = (command: QuotaReservationCommand, state: QuotaReservationState): QuotaReservationEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'ReserveQuota': {
      const { reservationId, accountId, key, name, limit, used, present, cap } = command.data;
      if (state.has(reservationId)) return [];
      const shown = new Set(present);
      const notShown = [...pendingNames(state, key, now)].filter((pending) => !shown.has(pending));
      // Several creations of one name (concurrent pushes into a new repository) make one thing: it counts once.
      const counted = used + new Set([...notShown, ...(shown.has(name) ? [] : [name])]).size;
      if (cap && counted > cap.limit) throw new DomainError(cap.code, { limit: cap.limit });
      if (counted > limit) throw new DomainError(EXCEEDED[key], { accountId, limit });
      const underWay = [...unexpired(state, now), { reservationId, key, name, reservedAt: now }];
      return [{ type: 'QuotaReserved', data: { reservationId, accountId, key, name, reservedAt: now, underWay } }];
    }
    default: {
      const unknown: never = command.type;
      throw new Error(`Unknown command ${String(unknown)}`);
    }
  }
};

/**
 * The end of a reservation: appended without a revision check, since it only ever gives room back (a decision
 * made before it counted the creation at most once, through the reservation or through the read models).
 */
export const settlement = (reservationId: string, accountId: string, now: string): QuotaReservationSettled => ({
  type: 'QuotaReservationSettled',
  data: { reservationId, accountId, settledAt: now },
});

export const quotaReservationDecider: Decider<QuotaReservationState, QuotaReservationCommand, QuotaReservationEvent> = { decide, evolve, initialState };

import { DomainError, type ErrorCode } from '@wharf/contracts';
import type { QuotaKey } from '@wharf/contracts/catalog';
import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * Room taken against an account's quota by a creation under way, on the account's reservation stream
 * (`catalog.reservations-<accountId>`). Every creation reserves on that one stream with the revision it read, so
 * two creations never both take the last place: the loser re-reads and decides again. A reservation counts until
 * it is settled, which its creator does once the creation is visible in the read models (or has failed); from then
 * on the read models count it. A reservation never settled (its process died) stops counting after RESERVATION_TTL_MS.
 */

export const RESERVATION_TTL_MS = 60_000;

export type QuotaReserved = Event<'QuotaReserved', { reservationId: string; accountId: string; key: QuotaKey; name: string; reservedAt: string }>;
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

export interface PendingReservation {
  key: QuotaKey;
  name: string;
  reservedAt: string;
}

/** Reservations not settled yet, by id. */
export type QuotaReservationState = Map<string, PendingReservation>;

export const initialState = (): QuotaReservationState => new Map();

/** Updates the map in place: a state belongs to the one fold that builds it. */
export const evolve = (state: QuotaReservationState, event: QuotaReservationEvent): QuotaReservationState => {
  switch (event.type) {
    case 'QuotaReserved': {
      const { reservationId, key, name, reservedAt } = event.data;
      state.set(reservationId, { key, name, reservedAt });
      return state;
    }
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

/** Names of the key's reservations still under way (and not expired at `now`) that the read models do not show yet. */
export const pendingNames = (state: QuotaReservationState, key: QuotaKey, now: string): Set<string> => {
  const oldest = Date.parse(now) - RESERVATION_TTL_MS;
  return new Set([...state.values()].filter((r) => r.key === key && Date.parse(r.reservedAt) > oldest).map((r) => r.name));
};

export const decide = (command: QuotaReservationCommand, state: QuotaReservationState): QuotaReservationEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'ReserveQuota': {
      const { reservationId, accountId, key, name, limit, used, present, cap } = command.data;
      if (state.has(reservationId)) return [];
      const shown = new Set(present);
      const underWay = [...pendingNames(state, key, now)].filter((pending) => !shown.has(pending));
      // Several creations of one name (concurrent pushes into a new repository) make one thing: it counts once.
      const counted = used + new Set([...underWay, ...(shown.has(name) ? [] : [name])]).size;
      if (cap && counted > cap.limit) throw new DomainError(cap.code, { limit: cap.limit });
      if (counted > limit) throw new DomainError(EXCEEDED[key], { accountId, limit });
      return [{ type: 'QuotaReserved', data: { reservationId, accountId, key, name, reservedAt: now } }];
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

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
 * reservation and the settlements after it, however long the stream. A creator that made several settles those
 * that have ended with its next reservation, by leaving them off that list (`ended`), instead of appending a
 * settlement for each: only the last ones of a burst need a settlement of their own.
 *
 * The same stream announces the account's quota crossings, each once until it is undone: QuotaWarningReached when a
 * reservation brings the key's count to QUOTA_WARNING_PERCENT of its limit (again only after a reservation found it
 * below), and QuotaExceeded when a creation is refused for want of room (again only after a reservation succeeded).
 * A refusal is decided like a reservation, so it is recorded before the creation is refused.
 *
 * The same stream closes the account when identity deletes it: AccountClosed is appended only while the account
 * holds no namespace and no creation is under way, and no reservation is made after it, so a creation racing
 * the deletion either is seen by the closing (which is refused) or sees the closing (and is refused).
 */

export const RESERVATION_TTL_MS = 60_000;
/** A key's count at this share of its limit (rounded up) announces quota.warning, Harbor's default threshold. */
export const QUOTA_WARNING_PERCENT = 85;

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
    /** Keys whose warning, and whose refusal, stand announced once this one is made (absent in older events: none). */
    warned?: QuotaKey[];
    exceeded?: QuotaKey[];
  }
>;
/** What a crossing tells: the key, its limit, the count (after the creation for a warning, before it for a refusal), the name. */
interface QuotaCrossing {
  accountId: string;
  key: QuotaKey;
  limit: number;
  used: number;
  name: string;
}
export type QuotaWarningReached = Event<'QuotaWarningReached', QuotaCrossing & { reachedAt: string }>;
/** A creation of `name` was refused: the key had no room. */
export type QuotaExceeded = Event<'QuotaExceeded', QuotaCrossing & { refusedAt: string }>;
export type QuotaReservationSettled = Event<'QuotaReservationSettled', { reservationId: string; accountId: string; settledAt: string }>;
/** The account is being deleted: nothing is created in it any more. */
export type AccountClosed = Event<'AccountClosed', { accountId: string; closedAt: string }>;
export type QuotaReservationEvent = QuotaReserved | QuotaReservationSettled | AccountClosed | QuotaWarningReached | QuotaExceeded;

/** A fixed limit of one dialect counted like the key's quota (Selectel's 100 registries a project), with its own error. */
export interface ReservationCap {
  limit: number;
  code: ErrorCode;
}

/**
 * `used` is what the read models count for the key; `present` lists which names of the reservations still under
 * way the read models already show (they are counted once). `limit` is the account's limit for the key; `cap`, if
 * any, is checked first. `ended` are reservations of the caller whose creations have ended since (done, so the read
 * models count them, or failed): this reservation settles them.
 */
export type ReserveQuota = Command<
  'ReserveQuota',
  {
    reservationId: string;
    accountId: string;
    key: QuotaKey;
    name: string;
    limit: number;
    used: number;
    present: string[];
    cap?: ReservationCap;
    ended?: string[];
  }
>;
/** `namespaces`: the account's namespaces as the read models show them, caught up with the stream's head. */
export type CloseAccount = Command<'CloseAccount', { accountId: string; namespaces: string[] }>;
export type QuotaReservationCommand = ReserveQuota | CloseAccount;

/** Reservations not settled yet, by id; whether the account was closed; which crossings stand announced. */
export interface QuotaReservationState {
  pending: Map<string, PendingReservation>;
  closed: boolean;
  warned: Set<QuotaKey>;
  exceeded: Set<QuotaKey>;
}

export const initialState = (): QuotaReservationState => ({ pending: new Map(), closed: false, warned: new Set(), exceeded: new Set() });

/** Updates the map in place: a state belongs to the one fold that builds it. */
export const evolve = (state: QuotaReservationState, event: QuotaReservationEvent): QuotaReservationState => {
  switch (event.type) {
    case 'QuotaReserved':
      // Decided on the state just before it (with the revision read), so its lists are the whole state; none follows a closing.
      return {
        pending: new Map(event.data.underWay.map(({ reservationId, ...pending }) => [reservationId, pending])),
        closed: false,
        warned: new Set(event.data.warned ?? []),
        exceeded: new Set(event.data.exceeded ?? []),
      };
    case 'QuotaWarningReached':
      state.warned.add(event.data.key);
      return state;
    case 'QuotaExceeded':
      state.exceeded.add(event.data.key);
      return state;
    case 'QuotaReservationSettled':
      state.pending.delete(event.data.reservationId);
      return state;
    case 'AccountClosed':
      return { ...state, closed: true };
    default:
      return state;
  }
};

const EXCEEDED: Record<QuotaKey, ErrorCode> = {
  namespace: 'CATALOG.NAMESPACE_QUOTA_EXCEEDED',
  repository: 'CATALOG.REPOSITORY_QUOTA_EXCEEDED',
  tag: 'CATALOG.TAG_QUOTA_EXCEEDED',
};

/** The reservations still under way at `now`: neither expired nor among `ended`. */
const unexpired = (state: QuotaReservationState, now: string, ended: ReadonlySet<string> = new Set()): (PendingReservation & { reservationId: string })[] => {
  const oldest = Date.parse(now) - RESERVATION_TTL_MS;
  return [...state.pending]
    .filter(([reservationId, pending]) => Date.parse(pending.reservedAt) > oldest && !ended.has(reservationId))
    .map(([reservationId, pending]) => ({ reservationId, ...pending }));
};

/** Names of the key's reservations still under way (not expired at `now`, nor among `ended`). */
export const pendingNames = (state: QuotaReservationState, key: QuotaKey, now: string, ended?: ReadonlySet<string>): Set<string> =>
  new Set(unexpired(state, now, ended).filter((pending) => pending.key === key).map((pending) => pending.name));

/** The count at which a key's warning is announced; a limit of 0 has none (every creation is refused). */
export const warningThreshold = (limit: number): number => (limit === 0 ? Infinity : Math.ceil((limit * QUOTA_WARNING_PERCENT) / 100));

/** The error a recorded refusal answers the creation with. */
export const refusal = (event: QuotaExceeded): DomainError => new DomainError(EXCEEDED[event.data.key], { accountId: event.data.accountId, limit: event.data.limit });

/**
 * Reserves, or refuses: a refusal is the QuotaExceeded event the first time since the key last had room (the caller
 * records it, then answers `refusal(event)`), and the error itself after that.
 */
export const decide = (command: QuotaReservationCommand, state: QuotaReservationState): QuotaReservationEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'ReserveQuota': {
      const { reservationId, accountId, key, name, limit, used, present, cap } = command.data;
      if (state.pending.has(reservationId)) return [];
      if (state.closed) throw new DomainError('CATALOG.ACCOUNT_CLOSED', { accountId });
      const ended = new Set(command.data.ended);
      const shown = new Set(present);
      const notShown = [...pendingNames(state, key, now, ended)].filter((pending) => !shown.has(pending));
      // Several creations of one name (concurrent pushes into a new repository) make one thing: it counts once.
      const counted = used + new Set([...notShown, ...(shown.has(name) ? [] : [name])]).size;
      if (cap && counted > cap.limit) throw new DomainError(cap.code, { limit: cap.limit });
      if (counted > limit) {
        const before = used + notShown.filter((pending) => pending !== name).length;
        const exceeded: QuotaExceeded = { type: 'QuotaExceeded', data: { accountId, key, limit, used: before, name, refusedAt: now } };
        if (state.exceeded.has(key)) throw refusal(exceeded);
        return [exceeded];
      }
      const underWay = [...unexpired(state, now, ended), { reservationId, key, name, reservedAt: now }];
      const reaches = counted >= warningThreshold(limit);
      const announce = reaches && !state.warned.has(key);
      // A key below the threshold may warn again; a key that had room may be refused (and announced) again.
      const warned = [...state.warned.values(), ...(announce ? [key] : [])].filter((k) => k !== key || reaches);
      const exceeded = [...state.exceeded].filter((k) => k !== key);
      const crossings = { ...(warned.length > 0 ? { warned } : {}), ...(exceeded.length > 0 ? { exceeded } : {}) };
      const reservedEvent: QuotaReserved = { type: 'QuotaReserved', data: { reservationId, accountId, key, name, reservedAt: now, underWay, ...crossings } };
      return announce ? [reservedEvent, { type: 'QuotaWarningReached', data: { accountId, key, limit, used: counted, name, reachedAt: now } }] : [reservedEvent];
    }
    case 'CloseAccount': {
      const { accountId, namespaces } = command.data;
      if (state.closed) return [];
      const creating = [...pendingNames(state, 'namespace', now)];
      const held = [...new Set([...namespaces, ...creating])].sort();
      if (held.length > 0) {
        const names = held.join(', ');
        throw new DomainError('CATALOG.ACCOUNT_HOLDS_NAMESPACES', { accountId, namespaces: names }, `The account still holds organizations (registries): ${names}; delete them first`);
      }
      // Repositories and tags are made only inside namespaces, so no other creation can be under way.
      return [{ type: 'AccountClosed', data: { accountId, closedAt: now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
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

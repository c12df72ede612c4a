import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { QuotaStreams, type QuotaKey } from '@wharf/contracts/catalog';
import { ANY, ExpectedVersionConflictError, NO_STREAM, type EventStore, type RecordedEvent } from '@wharf/event-store';
import { CommandRunner, EVENT_STORE } from '@wharf/platform';
import {
  decide,
  type CloseAccount,
  evolve,
  initialState,
  pendingNames,
  refusal,
  settlement,
  type QuotaReservationEvent,
  type QuotaReservationState,
  type ReservationCap,
} from './quota-reservation.decider';
import { Quotas } from './quotas';

/** Re-decisions after a concurrent reservation before the caller gets a retryable conflict (each round, one wins). */
const RETRIES = 100;
/** Events read at a time, newest first, back to the newest reservation. */
const PAGE = 20;

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((name, i) => name === b[i]);

const backoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 ** attempt) * Math.random()));

/**
 * Takes room against an account's quota for the length of a creation (see quota-reservation.decider.ts): reads
 * the reservations under way, waits until the read models have applied everything settled so far, counts,
 * decides, and appends with the revision it read; on a concurrent reservation it does all of that again. Within
 * this process an account's reservations take turns, so they do not make each other start again.
 */
@Injectable()
export class QuotaReservations {
  private readonly logger = new Logger('QuotaReservations');
  /** The last reservation or closing under way per stream: the next one starts after it. */
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly commands: CommandRunner,
    private readonly quotas: Quotas,
  ) {}

  /**
   * Runs `create` holding one place of the account's `key` quota for `name` (throws the key's "exceeded" error, or
   * the cap's, when there is none), and gives the place back to the read models' count once `create` has ended.
   */
  async holding<T>(accountId: string, key: QuotaKey, name: string, create: () => Promise<T>, cap?: ReservationCap): Promise<T> {
    const reservationId = await this.inTurn(QuotaStreams.reservations + accountId, () => this.reserve(accountId, key, name, cap));
    let created = false;
    try {
      const result = await create();
      created = true;
      return result;
    } finally {
      const stream = QuotaStreams.reservations + accountId;
      // In turn too: appended between another reservation's read and its append, it would make that one start again.
      const settled = this.inTurn(stream, () => {
        const now = this.commands.now();
        return this.events.appendToStream(stream, [{ ...settlement(reservationId, accountId, now), metadata: { now } }], { expectedRevision: ANY });
      })
        // The creation's own outcome stands; the unsettled place stops counting once its reservation expires.
        .catch((error: unknown) => this.logger.warn(`Reservation ${reservationId} of ${accountId} not settled: ${String(error)}`));
      // A creation the read models show is counted once while its reservation is still under way (see `present`),
      // so its caller need not wait for the settlement; a failed one gives its place back before the caller hears.
      if (!created) await settled;
    }
  }

  /** Runs `work` after the reservations (and closing) under way on `stream` in this process. */
  private inTurn<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.turns.get(stream) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.turns.set(stream, turn);
    void turn
      .finally(() => {
        if (this.turns.get(stream) === turn) this.turns.delete(stream);
      })
      .catch(() => undefined);
    return turn;
  }

  private async reserve(accountId: string, key: QuotaKey, name: string, cap: ReservationCap | undefined): Promise<string> {
    const stream = QuotaStreams.reservations + accountId;
    const reservationId = randomUUID();
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      const now = this.commands.now();
      const { state, head } = await this.recent(stream);
      if (head) await this.quotas.catchUp(key, head.position);
      const names = [...pendingNames(state, key, now), name];
      const [limits, present] = await Promise.all([this.quotas.limitsOf(accountId), this.quotas.present(key, names)]);
      const used = await this.quotas.used(accountId, key);
      // A creation under way that the read models showed between the two looks would be counted twice or not at
      // all: look again.
      if (!sameNames(present, await this.quotas.present(key, names))) continue;
      const command = { type: 'ReserveQuota' as const, data: { reservationId, accountId, key, name, limit: limits[key], used, present, ...(cap ? { cap } : {}) }, metadata: { now } };
      const decided = decide(command, state);
      try {
        await this.events.appendToStream(
          stream,
          decided.map((event) => ({ ...event, metadata: { now } })),
          { expectedRevision: head ? head.revision : NO_STREAM },
        );
        const [first] = decided;
        // A refusal recorded (quota.exceeded) answers the creation with the quota's error.
        if (first?.type === 'QuotaExceeded') throw refusal(first);
        return reservationId;
      } catch (error) {
        if (!(error instanceof ExpectedVersionConflictError)) throw error;
        await backoff(attempt);
      }
    }
    throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { stream });
  }

  /**
   * Closes the account to every creation, on the stream its creations reserve on (see quota-reservation.decider.ts):
   * refused while the read models, caught up with that stream, show a namespace of the account, or one is being
   * created.
   */
  close(accountId: string): Promise<void> {
    return this.inTurn(QuotaStreams.reservations + accountId, () => this.closeNow(accountId));
  }

  private async closeNow(accountId: string): Promise<void> {
    const stream = QuotaStreams.reservations + accountId;
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      const now = this.commands.now();
      const { state, head } = await this.recent(stream);
      if (head) await this.quotas.catchUp('namespace', head.position);
      const command: CloseAccount = { type: 'CloseAccount', data: { accountId, namespaces: await this.quotas.namespacesOf(accountId) }, metadata: { now } };
      const closed = decide(command, state).map((event) => ({ ...event, metadata: { now } }));
      if (closed.length === 0) return;
      try {
        await this.events.appendToStream(stream, closed, { expectedRevision: head ? head.revision : NO_STREAM });
        return;
      } catch (error) {
        if (!(error instanceof ExpectedVersionConflictError)) throw error;
        await backoff(attempt);
      }
    }
    throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { stream });
  }

  /** The reservations under way: the newest reservation's list and the settlements after it. Also the stream's last event. */
  private async recent(stream: string): Promise<{ state: QuotaReservationState; head: RecordedEvent | undefined }> {
    const newestFirst: RecordedEvent[] = [];
    for (;;) {
      const from = newestFirst.at(-1);
      if (from?.revision === 0 || from?.type === 'QuotaReserved') break;
      const page = await this.events.readStream(stream, { direction: 'backwards', maxCount: PAGE, ...(from ? { fromRevision: from.revision - 1 } : {}) });
      const reservation = page.findIndex((event) => event.type === 'QuotaReserved');
      newestFirst.push(...(reservation === -1 ? page : page.slice(0, reservation + 1)));
      if (page.length < PAGE) break;
    }
    const state = newestFirst.reduceRight((folded, event) => evolve(folded, event as unknown as QuotaReservationEvent), initialState());
    return { state, head: newestFirst[0] };
  }
}

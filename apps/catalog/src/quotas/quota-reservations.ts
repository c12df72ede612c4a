import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
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
/**
 * Events read at a time, newest first, back to the newest reservation: two at first (the newest reservation is
 * mostly the last event or the one before), doubling up to the most.
 */
const FIRST_PAGE = 2;
const MOST_PAGE = 64;
/**
 * How long the end of a creation waits for the next reservation on its stream to settle it (see `ended`) before
 * a settlement of its own is appended.
 */
const SETTLE_AFTER_MS = 1000;

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((name, i) => name === b[i]);

const backoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(50, 2 ** attempt) * Math.random()));

/**
 * Takes room against an account's quota for the length of a creation (see quota-reservation.decider.ts): reads
 * the reservations under way, waits until the read models have applied everything settled so far, counts,
 * decides, and appends with the revision it read; on a concurrent reservation it does all of that again. Within
 * this process an account's reservations take turns, so they do not make each other start again.
 *
 * A creation that succeeded is settled by the next reservation on its stream, which leaves it off its list of
 * reservations under way; one that no reservation follows within SETTLE_AFTER_MS (or before the service stops) gets
 * a settlement of its own. Until then the read models show what it created, which is counted once (`present`). A
 * failed creation is settled at once, before its caller hears.
 */
@Injectable()
export class QuotaReservations implements BeforeApplicationShutdown {
  private readonly logger = new Logger('QuotaReservations');
  /** The last reservation or closing under way per stream: the next one starts after it. */
  private readonly turns = new Map<string, Promise<unknown>>();
  /** Per stream, this process's reservations whose creations succeeded and that no event has settled yet. */
  private readonly ended = new Map<string, { accountId: string; reservations: Set<string>; timer: NodeJS.Timeout }>();

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
    let result: T;
    try {
      result = await create();
    } catch (error) {
      // A failed creation gives its place back before its caller hears.
      await this.settle(accountId, [reservationId]);
      throw error;
    }
    // One the read models show is counted once while its reservation is still under way (see `present`), so its
    // caller need not wait for the settlement: the next reservation makes it, or a settlement of its own later.
    this.endLater(accountId, reservationId);
    return result;
  }

  /** Settles what no reservation has settled yet before the event store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.ended.keys()].map((stream) => this.settleEnded(stream)));
  }

  private endLater(accountId: string, reservationId: string): void {
    const stream = QuotaStreams.reservations + accountId;
    let ended = this.ended.get(stream);
    if (!ended) {
      const timer = setTimeout(() => void this.settleEnded(stream), SETTLE_AFTER_MS);
      // A timer alone does not keep the process alive; a stop settles through beforeApplicationShutdown.
      timer.unref();
      ended = { accountId, reservations: new Set(), timer };
      this.ended.set(stream, ended);
    }
    ended.reservations.add(reservationId);
  }

  /** Appends a settlement for each of the stream's ended reservations that are still unsettled. */
  private async settleEnded(stream: string): Promise<void> {
    const ended = this.ended.get(stream);
    if (!ended) return;
    clearTimeout(ended.timer);
    this.ended.delete(stream);
    await this.settle(ended.accountId, [...ended.reservations]);
  }

  /** Appends the settlements (in turn: appended between another reservation's read and its append, they would make that one start again). */
  private async settle(accountId: string, reservationIds: readonly string[]): Promise<void> {
    const stream = QuotaStreams.reservations + accountId;
    await this.inTurn(stream, () => {
      const now = this.commands.now();
      const settlements = reservationIds.map((reservationId) => ({ ...settlement(reservationId, accountId, now), metadata: { now } }));
      return this.events.appendToStream(stream, settlements, { expectedRevision: ANY });
    })
      // The creations' own outcomes stand; an unsettled place stops counting once its reservation expires.
      .catch((error: unknown) => this.logger.warn(`Reservations ${reservationIds.join(', ')} of ${accountId} not settled: ${String(error)}`));
  }

  /** The reservations a recorded reservation has settled by leaving them off its list. */
  private forgetEnded(stream: string, settled: readonly string[]): void {
    const ended = this.ended.get(stream);
    if (!ended) return;
    for (const reservationId of settled) ended.reservations.delete(reservationId);
    if (ended.reservations.size === 0) {
      clearTimeout(ended.timer);
      this.ended.delete(stream);
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
      // Read in turn, so no other reservation of this process settles them meanwhile.
      const ended = [...(this.ended.get(stream)?.reservations ?? [])];
      const command = {
        type: 'ReserveQuota' as const,
        data: { reservationId, accountId, key, name, limit: limits[key], used, present, ...(cap ? { cap } : {}), ...(ended.length > 0 ? { ended } : {}) },
        metadata: { now },
      };
      const decided = decide(command, state);
      try {
        await this.events.appendToStream(
          stream,
          decided.map((event) => ({ ...event, metadata: { now } })),
          { expectedRevision: head ? head.revision : NO_STREAM },
        );
        const [first] = decided;
        if (first?.type === 'QuotaReserved') this.forgetEnded(stream, ended);
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
  async close(accountId: string): Promise<void> {
    const stream = QuotaStreams.reservations + accountId;
    // A namespace created and deleted a moment ago must not count as one being created.
    await this.settleEnded(stream);
    return this.inTurn(stream, () => this.closeNow(accountId));
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
    for (let size = FIRST_PAGE; ; size = Math.min(2 * size, MOST_PAGE)) {
      const from = newestFirst.at(-1);
      if (from?.revision === 0 || from?.type === 'QuotaReserved') break;
      const page = await this.events.readStream(stream, { direction: 'backwards', maxCount: size, ...(from ? { fromRevision: from.revision - 1 } : {}) });
      const reservation = page.findIndex((event) => event.type === 'QuotaReserved');
      newestFirst.push(...(reservation === -1 ? page : page.slice(0, reservation + 1)));
      if (page.length < size) break;
    }
    const state = newestFirst.reduceRight((folded, event) => evolve(folded, event as unknown as QuotaReservationEvent), initialState());
    return { state, head: newestFirst[0] };
  }
}

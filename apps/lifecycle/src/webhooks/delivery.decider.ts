import { DomainError } from '@wharf/contracts';
import type { SentRequest } from '@wharf/contracts/lifecycle';
import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * The attempts of one delivery of one push to one trigger's target, on its own stream
 * `lifecycle.delivery-<triggerId>.<eventId>` (the delivery itself was scheduled, before any attempt, on the schedule
 * stream: see delivery-schedule.decider.ts): attempted until it is delivered or dead-lettered; a redelivery asked for
 * through the API starts a new round of attempts.
 */

/** What one attempt found, as the delivery lane saw it (pure data: the lane did the I/O). */
export interface AttemptReport {
  statusCode: number | null;
  error?: string;
  latencyMs: number;
  request: SentRequest | null;
  /** What the target answered (the first KiB). */
  response?: string;
  /** The line `trigger_history` shows. */
  detail: string;
}

export type DeliverySucceeded = Event<'DeliverySucceeded', AttemptReport & { deliveryId: string; attempt: number; deliveredAt: string }>;
export type DeliveryAttemptFailed = Event<'DeliveryAttemptFailed', AttemptReport & { deliveryId: string; attempt: number; failedAt: string; nextAttemptAt: string }>;
/** No more attempts: the schedule ran out (`exhausted`), the target is gone (410), or the attempt can never succeed (`refused`). */
export type DeliveryDeadLettered = Event<
  'DeliveryDeadLettered',
  AttemptReport & { deliveryId: string; attempt: number; reason: 'exhausted' | 'gone' | 'refused'; deadLetteredAt: string }
>;
export type DeliveryRedeliveryRequested = Event<'DeliveryRedeliveryRequested', { deliveryId: string; round: number; requestedBy: string; requestedAt: string }>;
export type DeliveryEvent = DeliverySucceeded | DeliveryAttemptFailed | DeliveryDeadLettered | DeliveryRedeliveryRequested;

/**
 * `outcome`: `delivered` (2xx), `failed` (retried while the schedule lasts), `gone` (410) or `refused` (never
 * retried). `maxAttempts` is the schedule's length; `nextAttemptAt` when the next attempt is due if there is one.
 */
export type RecordAttempt = Command<
  'RecordAttempt',
  { deliveryId: string; attempt: number; outcome: 'delivered' | 'failed' | 'gone' | 'refused'; report: AttemptReport; maxAttempts: number; nextAttemptAt: string }
>;
export type RequestRedelivery = Command<'RequestRedelivery', { deliveryId: string; requestedBy: string }>;
export type DeliveryCommand = RecordAttempt | RequestRedelivery;

export interface DeliveryState {
  settled: boolean;
  /** Attempts in the current round. */
  attempts: number;
  round: number;
}

export const initialState = (): DeliveryState => ({ settled: false, attempts: 0, round: 1 });

export const evolve = (state: DeliveryState, event: DeliveryEvent): DeliveryState => {
  switch (event.type) {
    case 'DeliveryAttemptFailed':
      return { ...state, attempts: event.data.attempt };
    case 'DeliverySucceeded':
    case 'DeliveryDeadLettered':
      return { ...state, attempts: event.data.attempt, settled: true };
    case 'DeliveryRedeliveryRequested':
      return { ...state, settled: false, attempts: 0, round: event.data.round };
    default:
      return state;
  }
};

export const decide = (command: DeliveryCommand, state: DeliveryState): DeliveryEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'RecordAttempt': {
      const { deliveryId, attempt, outcome, report, maxAttempts, nextAttemptAt } = command.data;
      // Another process recorded this attempt first, or the delivery ended meanwhile: this report is stale.
      if (state.settled || attempt !== state.attempts + 1) throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { deliveryId, attempt });
      if (outcome === 'delivered') return [{ type: 'DeliverySucceeded', data: { ...report, deliveryId, attempt, deliveredAt: now } }];
      if (outcome === 'failed' && attempt < maxAttempts) {
        return [{ type: 'DeliveryAttemptFailed', data: { ...report, deliveryId, attempt, failedAt: now, nextAttemptAt } }];
      }
      const reason = outcome === 'failed' ? 'exhausted' : outcome;
      return [{ type: 'DeliveryDeadLettered', data: { ...report, deliveryId, attempt, reason, deadLetteredAt: now } }];
    }
    case 'RequestRedelivery': {
      const { deliveryId, requestedBy } = command.data;
      if (!state.settled) throw new DomainError('LIFECYCLE.DELIVERY_PENDING', { deliveryId });
      return [{ type: 'DeliveryRedeliveryRequested', data: { deliveryId, round: state.round + 1, requestedBy, requestedAt: now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const deliveryDecider: Decider<DeliveryState, DeliveryCommand, DeliveryEvent> = { decide, evolve, initialState };

import { TriggerStreams, type DeliveryStatus, type DeliveryView, type SentRequest } from '@wharf/contracts/lifecycle';
import type { Projection } from '@wharf/read-model';
import type { DeliveryEvent } from './delivery.decider';
import { deliveryIdOf, type DeliveryScheduleEvent } from './delivery-schedule.decider';
import type { PushFacts } from './push-facts';

/**
 * Deliveries by id: the outbox the delivery lanes work from (each trigger's open deliveries in push order) and the
 * delivery history the API shows.
 */
export interface DeliveryDocument {
  id: string;
  triggerId: string;
  /** The push's log position: a trigger's deliveries go out in this order. */
  position: number;
  status: DeliveryStatus;
  /** The trigger's id while the delivery is open (pending or retrying), null once settled: its lane's queue. */
  queue: string | null;
  attempts: number;
  /** When the next attempt is due: now for a new delivery, later for one being retried, null once settled. */
  nextAttemptAt: string | null;
  responseCode: number | null;
  latencyMs: number | null;
  detail: string;
  request: SentRequest | null;
  push: PushFacts;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export const deliveriesView: Projection<DeliveryDocument, DeliveryEvent | DeliveryScheduleEvent> = {
  name: 'trigger_deliveries',
  version: 1,
  streamPrefixes: [TriggerStreams.schedule, TriggerStreams.delivery],
  indexes: [
    ['queue', 'position'],
    ['triggerId', 'status', 'position'],
    ['triggerId', 'position'],
  ],
  documentIds: (event) =>
    event.type === 'DeliveriesScheduled'
      ? event.data.firings.flatMap(({ push, triggerIds }) => triggerIds.map((triggerId) => deliveryIdOf(triggerId, push.eventId)))
      : [event.data.deliveryId],
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'DeliveriesScheduled': {
        const { scheduledAt } = event.data;
        const [push, triggerId] = event.data.firings
          .flatMap(({ push, triggerIds }) => triggerIds.map((candidate) => [push, candidate] as const))
          .find(([push, candidate]) => deliveryIdOf(candidate, push.eventId) === id)!;
        return {
          id,
          triggerId,
          position: push.position,
          status: 'pending',
          queue: triggerId,
          attempts: 0,
          nextAttemptAt: scheduledAt,
          responseCode: null,
          latencyMs: null,
          detail: 'waiting for its first attempt',
          request: null,
          push,
          createdAt: scheduledAt,
          updatedAt: scheduledAt,
        };
      }
      case 'DeliverySucceeded':
      case 'DeliveryAttemptFailed':
      case 'DeliveryDeadLettered': {
        if (!doc) return null;
        const { attempt, statusCode, latencyMs, request, detail } = event.data;
        const outcome =
          event.type === 'DeliverySucceeded'
            ? { status: 'delivered' as const, queue: null, nextAttemptAt: null, updatedAt: event.data.deliveredAt }
            : event.type === 'DeliveryAttemptFailed'
              ? { status: 'retrying' as const, queue: doc.triggerId, nextAttemptAt: event.data.nextAttemptAt, updatedAt: event.data.failedAt }
              : { status: 'failed' as const, queue: null, nextAttemptAt: null, updatedAt: event.data.deadLetteredAt };
        return { ...doc, ...outcome, attempts: attempt, responseCode: statusCode, latencyMs, detail, request: request ?? doc.request };
      }
      case 'DeliveryRedeliveryRequested':
        return doc && { ...doc, status: 'pending', queue: doc.triggerId, attempts: 0, nextAttemptAt: event.data.requestedAt, detail: 'redelivery requested', updatedAt: event.data.requestedAt };
      default:
        return doc;
    }
  },
};

/** A delivery as the API shows it. */
export const deliveryView = (doc: DeliveryDocument): DeliveryView => ({
  id: doc.id,
  triggerId: doc.triggerId,
  eventId: doc.push.eventId,
  eventType: doc.push.eventType,
  tag: doc.push.tag,
  digest: doc.push.digest,
  status: doc.status,
  attempts: doc.attempts,
  responseCode: doc.responseCode,
  latencyMs: doc.latencyMs,
  detail: doc.detail,
  nextAttemptAt: doc.nextAttemptAt,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  request: doc.request,
});

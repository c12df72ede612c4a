import { DeciderSpecification } from '@wharf/event-store/testing';
import { deliveryDecider, type AttemptReport, type DeliveryEvent, type RecordAttempt } from './delivery.decider';
import { deliveryIdOf, deliveryScheduleDecider, type DeliveryScheduleEvent } from './delivery-schedule.decider';
import type { PushFacts } from './push-facts';

const now = '2026-12-01T10:00:00.000Z';
const later = '2026-12-01T10:00:05.000Z';
const metadata = { now };
const spec = DeciderSpecification.for(deliveryDecider);
const deliveryId = deliveryIdOf('trigger-1', 'event-1');
const push: PushFacts = {
  eventId: 'event-1',
  eventType: 'tag.created',
  position: 42,
  time: now,
  accountId: 'acc-1',
  namespace: 'team',
  repository: 'team/app',
  tag: 'v1',
  digest: `sha256:${'a'.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1024,
  pullReference: `registry.example:5000/team/app@sha256:${'a'.repeat(64)}`,
};
const report = (statusCode: number | null, detail = `HTTP ${statusCode}`): AttemptReport => ({ statusCode, latencyMs: 12, request: null, detail });

const record = (attempt: number, outcome: RecordAttempt['data']['outcome'], statusCode: number | null = 500, maxAttempts = 4): RecordAttempt => ({
  type: 'RecordAttempt',
  data: { deliveryId, attempt, outcome, report: report(statusCode), maxAttempts, nextAttemptAt: later },
  metadata,
});
const failed = (attempt: number): DeliveryEvent => ({ type: 'DeliveryAttemptFailed', data: { ...report(500), deliveryId, attempt, failedAt: now, nextAttemptAt: later } });
const succeeded = (attempt: number): DeliveryEvent => ({ type: 'DeliverySucceeded', data: { ...report(200), deliveryId, attempt, deliveredAt: now } });
const deadLettered = (attempt: number, reason: 'exhausted' | 'gone' | 'refused', statusCode: number | null = 500): DeliveryEvent => ({
  type: 'DeliveryDeadLettered',
  data: { ...report(statusCode), deliveryId, attempt, reason, deadLetteredAt: now },
});
const redeliver = { type: 'RequestRedelivery' as const, data: { deliveryId, requestedBy: 'u-1' }, metadata };

describe('delivery decider', () => {
  it('schedules the deliveries of the pushes read up to a position, each push once however the batches fall', () => {
    const schedule = DeciderSpecification.for(deliveryScheduleDecider);
    const later = { ...push, eventId: 'event-2', position: 50 };
    const firings = [
      { push, triggerIds: ['trigger-1', 'trigger-2'] },
      { push: later, triggerIds: ['trigger-1'] },
    ];
    const scheduled = (through: number, scheduledFirings = firings): DeliveryScheduleEvent => ({ type: 'DeliveriesScheduled', data: { through, firings: scheduledFirings, scheduledAt: now } });
    const command = (through: number, commandFirings = firings) => ({ type: 'ScheduleDeliveries' as const, data: { through, firings: commandFirings }, metadata });
    schedule.given([]).when(command(60)).then([scheduled(60)]);
    // Read again after a restart, with a batch reaching further: only what is new.
    schedule.given([scheduled(45, firings.slice(0, 1))]).when(command(60)).then([scheduled(60, firings.slice(1))]);
    schedule.given([scheduled(60)]).when(command(60)).then([]);
    schedule.given([]).when(command(60, [{ push, triggerIds: [] }])).then([]);
  });

  it('retries failures on the schedule and delivers on the attempt that gets a 2xx (500 three times, then 200)', () => {
    spec.given([]).when(record(1, 'failed')).then([failed(1)]);
    spec.given([failed(1), failed(2), failed(3)]).when(record(4, 'delivered', 200)).then([succeeded(4)]);
  });

  it('dead-letters after the last attempt of the schedule', () => {
    spec.given([failed(1), failed(2), failed(3)]).when(record(4, 'failed')).then([deadLettered(4, 'exhausted')]);
  });

  it('dead-letters at once on 410 Gone and on a refusal that no retry changes', () => {
    spec.given([]).when(record(1, 'gone', 410)).then([deadLettered(1, 'gone', 410)]);
    spec.given([failed(1)]).when(record(2, 'refused', null)).then([deadLettered(2, 'refused', null)]);
  });

  it('refuses a stale report: an attempt out of turn, or after the delivery ended', () => {
    spec.given([failed(1)]).when(record(1, 'failed')).thenThrows({ code: 'PLATFORM.CONCURRENCY_CONFLICT' });
    spec.given([succeeded(1)]).when(record(2, 'delivered', 200)).thenThrows({ code: 'PLATFORM.CONCURRENCY_CONFLICT' });
  });

  it('redelivers a delivered or dead-lettered delivery as a new round from attempt 1, never one still under way', () => {
    const again: DeliveryEvent = { type: 'DeliveryRedeliveryRequested', data: { deliveryId, round: 2, requestedBy: 'u-1', requestedAt: now } };
    spec.given([deadLettered(1, 'gone', 410)]).when(redeliver).then([again]);
    spec.given([succeeded(1)]).when(redeliver).then([again]);
    spec.given([succeeded(1), again]).when(record(1, 'delivered', 200)).then([succeeded(1)]);
    spec.given([failed(1)]).when(redeliver).thenThrows({ code: 'LIFECYCLE.DELIVERY_PENDING' });
    spec.given([]).when(redeliver).thenThrows({ code: 'LIFECYCLE.DELIVERY_PENDING' });
  });
});

import type { RecordedEvent } from '@wharf/event-store';
import { deliveriesView, deliveryView, type DeliveryDocument } from '../webhooks/deliveries.projection';
import type { DeliveryEvent } from '../webhooks/delivery.decider';
import type { DeliveryScheduleEvent } from '../webhooks/delivery-schedule.decider';
import type { PushFacts } from '../webhooks/push-facts';
import type { TriggerEvent } from './trigger.decider';
import { enabledAt, triggersView, type TriggerDocument } from './triggers.projection';

const at = <E extends TriggerEvent | DeliveryEvent | DeliveryScheduleEvent>(position: number, event: E): RecordedEvent<E> => ({
  ...event,
  id: `e-${position}`,
  streamName: 'lifecycle.x',
  revision: 0,
  position,
  metadata: { now: 't' },
});

const fold = <D extends { id: string }, E extends TriggerEvent | DeliveryEvent | DeliveryScheduleEvent>(
  projection: { documentIds: (e: RecordedEvent<E>) => string[]; evolve: (d: D | null, e: RecordedEvent<E>, id: string) => D | null },
  events: RecordedEvent<E>[],
  id: string,
): D | null => events.filter((event) => projection.documentIds(event).includes(id)).reduce<D | null>((doc, event) => projection.evolve(doc, event, id), null);

const created: TriggerEvent = {
  type: 'TriggerCreated',
  data: {
    name: 'notify',
    enabled: true,
    action: 'update',
    appType: '',
    application: '',
    clusterId: '',
    clusterName: '',
    clusterNamespace: '',
    condition: '.*',
    container: '',
    mode: 'webhook',
    type: 'all',
    webhook: { url: 'https://hooks.example.com/', format: 'quay', headerNames: [], sealedSecret: { v: 1, keyId: 'k', iv: 'i', tag: 't', ciphertext: 'c' } },
    triggerId: 'trigger-1',
    repository: 'team/app',
    namespace: 'team',
    accountId: 'acc-1',
    creatorId: 'u-1',
    creatorName: 'alice',
    createdAt: 't0',
  },
};
const toggled = (enabled: boolean, reason?: string): TriggerEvent => ({
  type: 'TriggerEnabledChanged',
  data: { triggerId: 'trigger-1', name: 'notify', enabled, by: reason ? 'target' : 'user', ...(reason ? { reason } : {}), changedAt: 't' },
});

describe('triggers view', () => {
  it('keeps a trigger with where it was created and when it was switched, and why Wharf disabled it', () => {
    const doc = fold<TriggerDocument, TriggerEvent>(triggersView, [at(10, created), at(20, toggled(false, 'answered 410 Gone'))], 'trigger-1')!;
    expect(doc).toMatchObject({ id: 'trigger-1', repository: 'team/app', name: 'notify', enabled: false, createdPosition: 10, toggles: [[20, false]], disabledReason: 'answered 410 Gone' });
    expect(doc).not.toHaveProperty('creatorId');
    const again = triggersView.evolve(doc, at(30, toggled(true)), 'trigger-1')!;
    expect(again.enabled).toBe(true);
    expect(again).not.toHaveProperty('disabledReason');
  });

  it('tells whether a trigger fired for a push at a position: created before it, enabled at it', () => {
    const doc = fold<TriggerDocument, TriggerEvent>(triggersView, [at(10, created), at(20, toggled(false)), at(30, toggled(true))], 'trigger-1')!;
    expect([5, 10, 11, 19, 21, 25, 31].map((position) => enabledAt(doc, position))).toEqual([false, false, true, true, false, false, true]);
    const createdDisabled = { createdPosition: 10, toggles: [[20, true]] as [number, boolean][], enabled: true };
    expect([15, 25].map((position) => enabledAt(createdDisabled, position))).toEqual([false, true]);
  });

  it('forgets deleted triggers and those of a deleted repository', () => {
    expect(fold(triggersView, [at(10, created), at(11, { type: 'TriggerDeleted', data: { triggerId: 'trigger-1', name: 'notify', deletedAt: 't' } })], 'trigger-1')).toBeNull();
    expect(fold(triggersView, [at(10, created), at(11, { type: 'TriggersDropped', data: { repository: 'team/app', triggerIds: ['trigger-1'], droppedAt: 't' } })], 'trigger-1')).toBeNull();
  });
});

const push: PushFacts = {
  eventId: 'event-1',
  eventType: 'tag.moved',
  position: 42,
  time: 't',
  accountId: 'acc-1',
  namespace: 'team',
  repository: 'team/app',
  tag: 'v1',
  digest: 'sha256:abc',
  mediaType: 'm',
  size: 1,
  pullReference: 'r',
};
const report = { statusCode: 500, latencyMs: 7, request: { method: 'POST', url: 'https://h/', headers: {}, body: '{}' }, detail: 'HTTP 500 from h in 7 ms' };

describe('deliveries view', () => {
  const scheduled = at(50, { type: 'DeliveriesScheduled', data: { through: 60, firings: [{ push: { ...push, eventId: 'event-0' }, triggerIds: ['trigger-1'] }, { push, triggerIds: ['trigger-0', 'trigger-1'] }], scheduledAt: 't1' } } as DeliveryEvent | DeliveryScheduleEvent);
  const id = 'trigger-1.event-1';

  it('follows a delivery from scheduled (with the push’s others) through its attempts, ordered by the push position', () => {
    const events = [
      scheduled,
      at(51, { type: 'DeliveryAttemptFailed', data: { ...report, deliveryId: id, attempt: 1, failedAt: 't2', nextAttemptAt: 't3' } } as DeliveryEvent | DeliveryScheduleEvent),
      at(52, { type: 'DeliverySucceeded', data: { ...report, statusCode: 200, latencyMs: 3, detail: 'HTTP 200', deliveryId: id, attempt: 2, deliveredAt: 't4' } } as DeliveryEvent | DeliveryScheduleEvent),
    ];
    const pending = fold<DeliveryDocument, DeliveryEvent | DeliveryScheduleEvent>(deliveriesView, events.slice(0, 1), id)!;
    expect(pending).toMatchObject({ triggerId: 'trigger-1', status: 'pending', queue: 'trigger-1', attempts: 0, position: 42, nextAttemptAt: 't1', request: null });
    expect(fold<DeliveryDocument, DeliveryEvent | DeliveryScheduleEvent>(deliveriesView, events.slice(0, 1), 'trigger-0.event-1')).toMatchObject({ triggerId: 'trigger-0', status: 'pending' });
    const retrying = fold<DeliveryDocument, DeliveryEvent | DeliveryScheduleEvent>(deliveriesView, events.slice(0, 2), id)!;
    expect(retrying).toMatchObject({ status: 'retrying', queue: 'trigger-1', attempts: 1, responseCode: 500, nextAttemptAt: 't3', request: report.request });
    const delivered = fold<DeliveryDocument, DeliveryEvent | DeliveryScheduleEvent>(deliveriesView, events, id)!;
    expect(delivered.queue).toBeNull();
    expect(deliveryView(delivered)).toEqual({
      id,
      triggerId: 'trigger-1',
      eventId: 'event-1',
      eventType: 'tag.moved',
      tag: 'v1',
      digest: 'sha256:abc',
      status: 'delivered',
      attempts: 2,
      responseCode: 200,
      latencyMs: 3,
      detail: 'HTTP 200',
      nextAttemptAt: null,
      createdAt: 't1',
      updatedAt: 't4',
      request: report.request,
    });
  });

  it('shows a dead letter as failed, and a redelivery as pending again', () => {
    const dead = at(51, { type: 'DeliveryDeadLettered', data: { ...report, statusCode: 410, deliveryId: id, attempt: 1, reason: 'gone', deadLetteredAt: 't2' } } as DeliveryEvent | DeliveryScheduleEvent);
    expect(fold<DeliveryDocument, DeliveryEvent | DeliveryScheduleEvent>(deliveriesView, [scheduled, dead], id)).toMatchObject({ status: 'failed', queue: null, responseCode: 410, nextAttemptAt: null });
    const again = at(52, { type: 'DeliveryRedeliveryRequested', data: { deliveryId: id, round: 2, requestedBy: 'u', requestedAt: 't5' } } as DeliveryEvent | DeliveryScheduleEvent);
    expect(fold<DeliveryDocument, DeliveryEvent | DeliveryScheduleEvent>(deliveriesView, [scheduled, dead, again], id)).toMatchObject({ status: 'pending', queue: 'trigger-1', attempts: 0, nextAttemptAt: 't5' });
  });
});

import { DeciderSpecification } from '@wharf/event-store/testing';
import { triggerDecider, type CreateTrigger, type TriggerEvent } from './trigger.decider';
import type { TriggerDefinition } from './trigger-definition';

const now = '2026-12-01T10:00:00.000Z';
const metadata = { now };
const spec = DeciderSpecification.for(triggerDecider);
const repository = 'team/app';
const sealed = { v: 1 as const, keyId: 'k', iv: 'iv', tag: 't', ciphertext: 'c' };

const cce: TriggerDefinition = {
  name: 'deploy',
  enabled: true,
  action: 'update',
  appType: 'deployments',
  application: 'web',
  clusterId: 'cluster-1',
  clusterName: 'prod',
  clusterNamespace: 'default',
  condition: '.*',
  container: '',
  mode: 'cce',
  type: 'all',
};
const webhook: TriggerDefinition = {
  ...cce,
  name: 'notify',
  appType: '',
  application: '',
  clusterId: '',
  clusterName: '',
  clusterNamespace: '',
  mode: 'webhook',
  type: 'tag',
  condition: 'v1;latest',
  webhook: { url: 'https://hooks.example.com/wharf', format: 'cloudevents', headerNames: ['Authorization'], sealedSecret: sealed },
};

const create = (definition: TriggerDefinition, { triggerId = `id-${definition.name}`, auth = 7 as 7 | 3 | 1 | null } = {}): CreateTrigger => ({
  type: 'CreateTrigger',
  data: { definition, triggerId, repository, namespace: 'team', accountId: 'acc-1', creatorId: 'u-1', creatorName: 'alice', auth },
  metadata,
});
const created = (definition: TriggerDefinition, triggerId = `id-${definition.name}`): TriggerEvent => ({
  type: 'TriggerCreated',
  data: { ...definition, triggerId, repository, namespace: 'team', accountId: 'acc-1', creatorId: 'u-1', creatorName: 'alice', createdAt: now },
});
const enabled = (name: string, value: boolean, by: 'user' | 'target' = 'user', reason?: string): TriggerEvent => ({
  type: 'TriggerEnabledChanged',
  data: { triggerId: `id-${name}`, name, enabled: value, by, ...(reason ? { reason } : {}), changedAt: now },
});

describe('trigger decider', () => {
  it('creates cce, cci and webhook triggers with manage permission', () => {
    spec.given([]).when(create(cce)).then([created(cce)]);
    spec.given([]).when(create(webhook)).then([created(webhook)]);
    const cci = { ...cce, name: 'serverless', mode: 'cci' as const, clusterId: '', clusterName: '' };
    spec.given([]).when(create(cci)).then([created(cci)]);
  });

  it('refuses callers below manage (7), and names taken in the repository', () => {
    spec.given([]).when(create(cce, { auth: 3 })).thenThrows({ code: 'LIFECYCLE.TRIGGER_FORBIDDEN' });
    spec.given([]).when(create(cce, { auth: null })).thenThrows({ code: 'LIFECYCLE.TRIGGER_FORBIDDEN' });
    spec.given([created(cce)]).when(create(cce, { triggerId: 'other' })).thenThrows({ code: 'LIFECYCLE.TRIGGER_EXISTS', details: { name: 'deploy' } });
  });

  it('refuses invalid definitions with the reason', () => {
    const bad: [Partial<TriggerDefinition>, RegExp][] = [
      [{ name: '-x' }, /name/],
      [{ type: 'all', condition: 'v1' }, /"\.\*"/],
      [{ type: 'tag', condition: ' ; ' }, /at least one tag/],
      [{ type: 'tag', condition: 'v1;bad tag' }, /invalid tag/],
      [{ type: 'regular', condition: 'v(' }, /regular expression/],
      [{ type: 'regular', condition: '(?<=v)1' }, /regular expression/],
      [{ appType: 'daemonsets' }, /app_type/],
      [{ application: 'Web_App' }, /application/],
      [{ clusterNamespace: '' }, /cluster_ns/],
      [{ clusterId: '' }, /cluster_id or cluster_name/],
      [{ webhook: webhook.webhook! }, /only for trigger_mode webhook/],
    ];
    for (const [change, reason] of bad) {
      spec.given([]).when(create({ ...cce, ...change })).thenThrows({ code: 'LIFECYCLE.INVALID_TRIGGER', message: expect.stringMatching(reason) });
    }
    spec.given([]).when(create({ ...cce, mode: 'cci' })).thenThrows({ message: expect.stringMatching(/empty with trigger_mode cci/) });
    const { webhook: _target, ...withoutTarget } = webhook;
    spec.given([]).when(create(withoutTarget)).thenThrows({ message: expect.stringMatching(/webhook .* is required/) });
    for (const url of ['ftp://x', 'https://user:pw@hooks.example.com/', 'not a url']) {
      spec.given([]).when(create({ ...webhook, webhook: { ...webhook.webhook!, url } })).thenThrows({ code: 'LIFECYCLE.INVALID_TRIGGER', message: expect.stringMatching(/webhook\.url/) });
    }
    spec
      .given([])
      .when(create({ ...webhook, webhook: { ...webhook.webhook!, headerNames: ['X-Signature'] } }))
      .thenThrows({ message: expect.stringMatching(/cannot set X-Signature/) });
  });

  it('enables and disables by name (SWR PATCH), recording only a change', () => {
    spec.given([created(cce)]).when({ type: 'SetTriggerEnabled', data: { name: 'deploy', enabled: false, auth: 7 }, metadata }).then([enabled('deploy', false)]);
    spec.given([created(cce)]).when({ type: 'SetTriggerEnabled', data: { name: 'deploy', enabled: true, auth: 7 }, metadata }).then([]);
    spec.given([created(cce)]).when({ type: 'SetTriggerEnabled', data: { name: 'deploy', enabled: false, auth: 1 }, metadata }).thenThrows({ code: 'LIFECYCLE.TRIGGER_FORBIDDEN' });
    spec.given([]).when({ type: 'SetTriggerEnabled', data: { name: 'deploy', enabled: false, auth: 7 }, metadata }).thenThrows({ code: 'LIFECYCLE.TRIGGER_NOT_FOUND' });
  });

  it('lets Wharf disable a trigger whose target is gone, only the trigger it delivered for', () => {
    const disable = (triggerId: string) => ({ type: 'DisableTriggerForTarget' as const, data: { triggerId, reason: 'gone' }, metadata });
    spec.given([created(webhook)]).when(disable('id-notify')).then([enabled('notify', false, 'target', 'gone')]);
    spec.given([created(webhook), enabled('notify', false)]).when(disable('id-notify')).then([]);
    // Deleted and created again under the same name: the old trigger's target says nothing about the new one.
    const again = created(webhook, 'id-new');
    spec.given([created(webhook), { type: 'TriggerDeleted', data: { triggerId: 'id-notify', name: 'notify', deletedAt: now } }, again]).when(disable('id-notify')).then([]);
  });

  it('deletes by name, after which the name is free again', () => {
    const deleted: TriggerEvent = { type: 'TriggerDeleted', data: { triggerId: 'id-deploy', name: 'deploy', deletedAt: now } };
    spec.given([created(cce)]).when({ type: 'DeleteTrigger', data: { name: 'deploy', auth: 7 }, metadata }).then([deleted]);
    spec.given([created(cce), deleted]).when(create(cce, { triggerId: 'id-2' })).then([created(cce, 'id-2')]);
    spec.given([created(cce)]).when({ type: 'DeleteTrigger', data: { name: 'deploy', auth: 3 }, metadata }).thenThrows({ code: 'LIFECYCLE.TRIGGER_FORBIDDEN' });
  });

  it('drops every trigger of a deleted repository, once', () => {
    const dropped: TriggerEvent = { type: 'TriggersDropped', data: { repository, triggerIds: ['id-deploy', 'id-notify'], droppedAt: now } };
    spec.given([created(cce), created(webhook)]).when({ type: 'DropTriggers', data: { repository }, metadata }).then([dropped]);
    spec.given([created(cce), created(webhook), dropped]).when({ type: 'DropTriggers', data: { repository }, metadata }).then([]);
  });
});

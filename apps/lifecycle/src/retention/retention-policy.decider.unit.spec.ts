import type { Principal } from '@wharf/contracts/identity';
import type { RetentionPolicySettings } from '@wharf/contracts/lifecycle';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { retentionDecider, type RetentionEvent } from './retention-policy.decider';

const now = '2026-06-01T00:00:00.000Z';
const metadata = { now };
const actor: Principal = { accountId: 'acc', accountName: 'acme', userId: 'u1', userName: 'dev', accountAdmin: false, systemAdmin: false };
const settings: RetentionPolicySettings = { algorithm: 'or', rules: [{ template: 'tag_rule', num: 5, tagSelectors: [] }], untagged: false };
const runId = '00000000-0000-4000-8000-000000000009';
const spec = DeciderSpecification.for(retentionDecider);

const created: RetentionEvent = {
  type: 'RetentionPolicyCreated',
  data: { id: 3, namespace: 'team', repository: 'team/app', accountId: 'acc', settings, createdBy: actor, createdAt: now },
};
const started: RetentionEvent = {
  type: 'RetentionRunStarted',
  data: { runId, policyId: 3, repository: 'team/app', trigger: 'schedule', settings, requestedBy: actor, startedAt: now },
};

describe('retention policy decider', () => {
  it('creates a policy for managers (7) of the repository in its own account', () => {
    const create = (auth: 1 | 3 | 7 | null, who = actor) => ({
      type: 'CreateRetentionPolicy' as const,
      data: { id: 3, namespace: 'team', repository: 'team/app', accountId: 'acc', settings, actor: who, auth },
      metadata,
    });
    spec.given([]).when(create(7)).then([created]);
    spec.given([]).when(create(3)).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    spec.given([]).when(create(7, { ...actor, accountId: 'other' })).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
  });

  it('updates the parameters but never the templates, and deletes; a deleted policy is gone', () => {
    const longer: RetentionPolicySettings = { ...settings, rules: [{ template: 'tag_rule', num: 9, tagSelectors: [] }] };
    spec
      .given([created])
      .when({ type: 'UpdateRetentionPolicy', data: { actor, auth: 7, settings: longer }, metadata })
      .then([{ type: 'RetentionPolicyUpdated', data: { id: 3, settings: longer, updatedBy: actor, updatedAt: now } }]);
    spec
      .given([created])
      .when({ type: 'UpdateRetentionPolicy', data: { actor, auth: 7, settings: { ...settings, rules: [{ template: 'date_rule', days: 3, tagSelectors: [] }] } }, metadata })
      .thenThrows({ code: 'LIFECYCLE.RETENTION_TEMPLATE_CHANGED' });
    spec.given([created]).when({ type: 'DeleteRetentionPolicy', data: { actor, auth: 1 }, metadata }).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    spec.given([created]).when({ type: 'DeleteRetentionPolicy', data: { actor, auth: 7 }, metadata }).then([{ type: 'RetentionPolicyDeleted', data: { id: 3, deletedAt: now } }]);
    spec
      .given([created, { type: 'RetentionPolicyDeleted', data: { id: 3, deletedAt: now } }])
      .when({ type: 'StartRetentionRun', data: { runId, trigger: 'schedule' }, metadata })
      .thenThrows({ code: 'LIFECYCLE.RETENTION_NOT_FOUND' });
  });

  it('runs one at a time, in the name of whoever last set the policy when scheduled', () => {
    spec.given([created]).when({ type: 'StartRetentionRun', data: { runId, trigger: 'schedule' }, metadata }).then([started]);
    spec.given([created, started]).when({ type: 'StartRetentionRun', data: { runId: 'another', trigger: 'schedule' }, metadata }).thenThrows({ code: 'LIFECYCLE.RETENTION_RUN_IN_PROGRESS' });
    spec
      .given([created])
      .when({ type: 'StartRetentionRun', data: { runId, trigger: 'manual', requestedBy: { actor, auth: 3 } }, metadata })
      .thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
  });

  it('records the plan once, the manifests deleted, and finishes with their count; a resumed run goes on', () => {
    const planned: RetentionEvent = { type: 'RetentionRunPlanned', data: { runId, tags: 4, manifests: 1, plannedAt: now } };
    spec.given([created, started]).when({ type: 'RecordRetentionPlan', data: { runId, tags: 4, manifests: 1 }, metadata }).then([planned]);
    spec.given([created, started, planned]).when({ type: 'RecordRetentionPlan', data: { runId, tags: 3, manifests: 0 }, metadata }).then([]);
    spec.given([created, started, planned]).when({ type: 'ResumeRetentionRun', data: { runId }, metadata }).then([{ type: 'RetentionRunResumed', data: { runId, resumedAt: now } }]);
    const deleted: RetentionEvent = { type: 'RetentionManifestsDeleted', data: { runId, digests: ['sha256:aa'] } };
    spec
      .given([created, started, planned, deleted])
      .when({ type: 'FinishRetentionRun', data: { runId, tagsDeleted: 4 }, metadata })
      .then([{ type: 'RetentionRunFinished', data: { runId, policyId: 3, repository: 'team/app', tagsDeleted: 4, manifestsDeleted: 1, finishedAt: now } }]);
    spec.given([created]).when({ type: 'FinishRetentionRun', data: { runId, tagsDeleted: 0 }, metadata }).thenThrows({ code: 'LIFECYCLE.RETENTION_RUN_NOT_ACTIVE' });
  });
});

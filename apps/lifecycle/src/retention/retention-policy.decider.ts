import { DomainError } from '@wharf/contracts';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { RetentionPolicySettings } from '@wharf/contracts/lifecycle';
import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * A retention policy and its runs, one stream per policy (`lifecycle.retention-<id>`): at most one run is under
 * way. A run snapshots the settings it started with, so an update meanwhile changes the next run, not this one.
 * Changes need manage (7) on the repository; the handler finds the caller's level, the decider judges it.
 */

export type RetentionPolicyCreated = Event<
  'RetentionPolicyCreated',
  { id: number; namespace: string; repository: string; accountId: string; settings: RetentionPolicySettings; createdBy: Principal; createdAt: string }
>;
export type RetentionPolicyUpdated = Event<'RetentionPolicyUpdated', { id: number; settings: RetentionPolicySettings; updatedBy: Principal; updatedAt: string }>;
export type RetentionPolicyDeleted = Event<'RetentionPolicyDeleted', { id: number; deletedAt: string }>;

interface RunOf {
  runId: string;
}
export type RetentionRunStarted = Event<
  'RetentionRunStarted',
  RunOf & { policyId: number; repository: string; trigger: 'schedule' | 'manual'; settings: RetentionPolicySettings; requestedBy: Principal; startedAt: string }
>;
export type RetentionRunPlanned = Event<'RetentionRunPlanned', RunOf & { tags: number; manifests: number; plannedAt: string }>;
export type RetentionRunResumed = Event<'RetentionRunResumed', RunOf & { resumedAt: string }>;
/** Manifests a batch of the run's `untagged` cleanup deleted. */
export type RetentionManifestsDeleted = Event<'RetentionManifestsDeleted', RunOf & { digests: string[] }>;
export type RetentionRunFinished = Event<
  'RetentionRunFinished',
  RunOf & { policyId: number; repository: string; tagsDeleted: number; manifestsDeleted: number; finishedAt: string }
>;
export type RetentionRunFailed = Event<'RetentionRunFailed', RunOf & { error: string; failedAt: string }>;

export type RetentionEvent =
  | RetentionPolicyCreated
  | RetentionPolicyUpdated
  | RetentionPolicyDeleted
  | RetentionRunStarted
  | RetentionRunPlanned
  | RetentionRunResumed
  | RetentionManifestsDeleted
  | RetentionRunFinished
  | RetentionRunFailed;

/** The caller and the level access gives it on the repository, as the handler found them. */
interface Authorized {
  actor: Principal;
  auth: AuthLevel | null;
}
export type CreateRetentionPolicy = Command<
  'CreateRetentionPolicy',
  Authorized & { id: number; namespace: string; repository: string; accountId: string; settings: RetentionPolicySettings }
>;
export type UpdateRetentionPolicy = Command<'UpdateRetentionPolicy', Authorized & { settings: RetentionPolicySettings }>;
export type DeleteRetentionPolicy = Command<'DeleteRetentionPolicy', Authorized>;
/** `requestedBy` absent: a scheduled run, done in the name of whoever last set the policy. */
export type StartRetentionRun = Command<'StartRetentionRun', RunOf & { trigger: 'schedule' | 'manual'; requestedBy?: Authorized }>;
export type RecordRetentionPlan = Command<'RecordRetentionPlan', RunOf & { tags: number; manifests: number }>;
export type ResumeRetentionRun = Command<'ResumeRetentionRun', RunOf>;
export type RecordManifestsDeleted = Command<'RecordManifestsDeleted', RunOf & { digests: string[] }>;
export type FinishRetentionRun = Command<'FinishRetentionRun', RunOf & { tagsDeleted: number }>;
export type FailRetentionRun = Command<'FailRetentionRun', RunOf & { error: string }>;
export type RetentionCommand =
  | CreateRetentionPolicy
  | UpdateRetentionPolicy
  | DeleteRetentionPolicy
  | StartRetentionRun
  | RecordRetentionPlan
  | ResumeRetentionRun
  | RecordManifestsDeleted
  | FinishRetentionRun
  | FailRetentionRun;

export interface RetentionState {
  policy: { id: number; repository: string; accountId: string; settings: RetentionPolicySettings; setBy: Principal } | null;
  deleted: boolean;
  active: { runId: string; planned: boolean; manifestsDeleted: number } | null;
}

export const initialState = (): RetentionState => ({ policy: null, deleted: false, active: null });

export const evolve = (state: RetentionState, event: RetentionEvent): RetentionState => {
  switch (event.type) {
    case 'RetentionPolicyCreated': {
      const { id, repository, accountId, settings, createdBy } = event.data;
      return { ...state, policy: { id, repository, accountId, settings, setBy: createdBy } };
    }
    case 'RetentionPolicyUpdated':
      return state.policy ? { ...state, policy: { ...state.policy, settings: event.data.settings, setBy: event.data.updatedBy } } : state;
    case 'RetentionPolicyDeleted':
      return { ...state, deleted: true };
    case 'RetentionRunStarted':
      return { ...state, active: { runId: event.data.runId, planned: false, manifestsDeleted: 0 } };
    case 'RetentionRunPlanned':
      return state.active ? { ...state, active: { ...state.active, planned: true } } : state;
    case 'RetentionManifestsDeleted':
      return state.active ? { ...state, active: { ...state.active, manifestsDeleted: state.active.manifestsDeleted + event.data.digests.length } } : state;
    case 'RetentionRunFinished':
    case 'RetentionRunFailed':
      return { ...state, active: null };
    default:
      return state;
  }
};

const notFound = (id?: number) => new DomainError('LIFECYCLE.RETENTION_NOT_FOUND', id === undefined ? {} : { id });

const requirePolicy = (state: RetentionState) => {
  if (!state.policy || state.deleted) throw notFound();
  return state.policy;
};

/** Another account's policy does not exist for the caller; changing one takes manage (7). */
const requireManager = (state: RetentionState, { actor, auth }: Authorized) => {
  const policy = requirePolicy(state);
  if (actor.accountId !== policy.accountId) throw notFound(policy.id);
  if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { repository: policy.repository }, 'Retention policies need manage (7) permission on the repository');
  return policy;
};

const requireActive = (state: RetentionState, runId: string) => {
  if (state.active?.runId !== runId) throw new DomainError('LIFECYCLE.RETENTION_RUN_NOT_ACTIVE', { runId });
  return state.active;
};

const sameTemplates = (before: RetentionPolicySettings, after: RetentionPolicySettings): boolean =>
  before.rules.length === after.rules.length && before.rules.every((rule, index) => rule.template === after.rules[index]!.template);

export const decide = (command: RetentionCommand, state: RetentionState): RetentionEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'CreateRetentionPolicy': {
      const { id, namespace, repository, accountId, settings, actor, auth } = command.data;
      if (state.policy) throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { id });
      if (actor.accountId !== accountId) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name: namespace });
      if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { repository }, 'Retention policies need manage (7) permission on the repository');
      return [{ type: 'RetentionPolicyCreated', data: { id, namespace, repository, accountId, settings, createdBy: actor, createdAt: now } }];
    }
    case 'UpdateRetentionPolicy': {
      const policy = requireManager(state, command.data);
      if (!sameTemplates(policy.settings, command.data.settings)) {
        throw new DomainError('LIFECYCLE.RETENTION_TEMPLATE_CHANGED', { templates: policy.settings.rules.map((rule) => rule.template).join(',') });
      }
      return [{ type: 'RetentionPolicyUpdated', data: { id: policy.id, settings: command.data.settings, updatedBy: command.data.actor, updatedAt: now } }];
    }
    case 'DeleteRetentionPolicy': {
      const policy = requireManager(state, command.data);
      return [{ type: 'RetentionPolicyDeleted', data: { id: policy.id, deletedAt: now } }];
    }
    case 'StartRetentionRun': {
      const { runId, trigger, requestedBy } = command.data;
      const policy = requestedBy ? requireManager(state, requestedBy) : requirePolicy(state);
      if (state.active) throw new DomainError('LIFECYCLE.RETENTION_RUN_IN_PROGRESS', { id: policy.id, runId: state.active.runId });
      return [
        {
          type: 'RetentionRunStarted',
          data: { runId, policyId: policy.id, repository: policy.repository, trigger, settings: policy.settings, requestedBy: requestedBy?.actor ?? policy.setBy, startedAt: now },
        },
      ];
    }
    case 'RecordRetentionPlan': {
      const { runId, tags, manifests } = command.data;
      return requireActive(state, runId).planned ? [] : [{ type: 'RetentionRunPlanned', data: { runId, tags, manifests, plannedAt: now } }];
    }
    case 'ResumeRetentionRun':
      requireActive(state, command.data.runId);
      return [{ type: 'RetentionRunResumed', data: { runId: command.data.runId, resumedAt: now } }];
    case 'RecordManifestsDeleted': {
      const { runId, digests } = command.data;
      requireActive(state, runId);
      return digests.length === 0 ? [] : [{ type: 'RetentionManifestsDeleted', data: { runId, digests } }];
    }
    case 'FinishRetentionRun': {
      const { runId, tagsDeleted } = command.data;
      const active = requireActive(state, runId);
      const { id, repository } = state.policy!;
      return [{ type: 'RetentionRunFinished', data: { runId, policyId: id, repository, tagsDeleted, manifestsDeleted: active.manifestsDeleted, finishedAt: now } }];
    }
    case 'FailRetentionRun': {
      const { runId, error } = command.data;
      requireActive(state, runId);
      return [{ type: 'RetentionRunFailed', data: { runId, error, failedAt: now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const retentionDecider: Decider<RetentionState, RetentionCommand, RetentionEvent> = { decide, evolve, initialState };

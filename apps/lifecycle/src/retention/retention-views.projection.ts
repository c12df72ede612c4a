import { RepositoryStreams } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { RetentionStreams, type RetentionPolicy, type RetentionPolicySettings, type RetentionRun } from '@wharf/contracts/lifecycle';
import type { Event, RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import { namespaceOf, type ManifestDeleted, type RepositoryDeleted } from '../gc/catalog-facts';
import type { RetentionEvent } from './retention-policy.decider';

/**
 * Retention's views: its policies and runs (from its own streams), and what its rules read of catalog's
 * repositories (from catalog's published events): each tag with when it was pushed, when each manifest was last
 * pulled, and the history of the tags retention runs untagged. Pure.
 */

/** Catalog's events as retention reads them (only the fields it needs; fields are only ever added). */
type TagDeleted = Event<'TagDeleted', { repository: string; tag: string; digest: string; deletedAt: string; retentionRunId?: string }>;
type PullsRecorded = Event<'PullsRecorded', { repository: string; recordedAt: string; digests?: string[] }>;
type TagPointed = Event<'TagPointed', { repository: string; tag: string; digest: string; taggedAt: string }>;
type RepositoryCreated = Event<'RepositoryCreated', { repository: string; createdAt: string }>;
type CatalogFact = RepositoryCreated | TagPointed | TagDeleted | ManifestDeleted | RepositoryDeleted | PullsRecorded;

export type PolicyDocument = Omit<RetentionPolicy, 'id'> & { id: string; policyId: number; accountId: string; setBy: Principal; [field: string]: unknown };

export const policiesView: Projection<PolicyDocument, RetentionEvent> = {
  name: 'retention_policies',
  version: 1,
  streamPrefixes: [RetentionStreams.policy],
  indexes: [['repository', 'policyId']],
  documentIds: (event: RecordedEvent<RetentionEvent>) => {
    switch (event.type) {
      case 'RetentionPolicyCreated':
      case 'RetentionPolicyUpdated':
      case 'RetentionPolicyDeleted':
        return [String(event.data.id)];
      default:
        return [];
    }
  },
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'RetentionPolicyCreated': {
        const { id: policyId, namespace, repository, accountId, settings, createdBy, createdAt } = event.data;
        return { id, policyId, namespace, repository, accountId, ...settings, setBy: createdBy, createdAt, updatedAt: createdAt };
      }
      case 'RetentionPolicyUpdated': {
        if (!doc) return null;
        const { algorithm, rules, untagged, pulledWithinDays } = event.data.settings;
        const { pulledWithinDays: _previous, ...rest } = doc;
        return { ...rest, algorithm, rules, untagged, ...(pulledWithinDays !== undefined ? { pulledWithinDays } : {}), setBy: event.data.updatedBy, updatedAt: event.data.updatedAt };
      }
      case 'RetentionPolicyDeleted':
        return null;
      default:
        return doc;
    }
  },
};

/** A policy as the contract shows it. */
export const publicPolicy = ({ id: _id, policyId, accountId: _accountId, setBy: _setBy, ...policy }: PolicyDocument): RetentionPolicy => ({ ...policy, id: policyId });

export type RunDocument = RetentionRun & { id: string; settings: RetentionPolicySettings; requestedBy: Principal; [field: string]: unknown };

export const runsView: Projection<RunDocument, RetentionEvent> = {
  name: 'retention_runs',
  version: 1,
  streamPrefixes: [RetentionStreams.policy],
  indexes: [['status'], ['policyId', 'startedAt']],
  documentIds: (event: RecordedEvent<RetentionEvent>) => ('runId' in event.data ? [event.data.runId] : []),
  evolve: (doc, event, id) => {
    if (event.type === 'RetentionRunStarted') {
      const { policyId, repository, trigger, settings, requestedBy, startedAt } = event.data;
      return { id, runId: id, policyId, repository, trigger, status: 'running', startedAt, settings, requestedBy, resumed: 0 };
    }
    if (!doc) return null;
    switch (event.type) {
      case 'RetentionRunPlanned':
        return { ...doc, plannedTags: event.data.tags, plannedManifests: event.data.manifests };
      case 'RetentionRunResumed':
        return { ...doc, resumed: doc.resumed + 1 };
      case 'RetentionManifestsDeleted':
        return { ...doc, manifestsDeleted: (doc.manifestsDeleted ?? 0) + event.data.digests.length };
      case 'RetentionRunFinished':
        return { ...doc, status: 'finished', finishedAt: event.data.finishedAt, tagsDeleted: event.data.tagsDeleted, manifestsDeleted: event.data.manifestsDeleted };
      case 'RetentionRunFailed':
        return { ...doc, status: 'failed', finishedAt: event.data.failedAt, error: event.data.error };
      default:
        return doc;
    }
  },
};

export const publicRun = ({ id: _id, settings: _settings, requestedBy: _requestedBy, ...run }: RunDocument): RetentionRun => run;

const tagKey = (repository: string, tag: string) => `${repository}:${tag}`;
const manifestKey = (repository: string, digest: string) => `${repository}@${digest}`;

/** A tag with the manifest it names and when it was pointed there. */
export interface TagDocument {
  id: string;
  repository: string;
  tag: string;
  digest: string;
  pushedAt: string;
  [field: string]: unknown;
}

export const tagsView: Projection<TagDocument, CatalogFact> = {
  name: 'retention_tags',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  indexes: [['repository']],
  documentIds: (event: RecordedEvent<CatalogFact>) => {
    switch (event.type) {
      case 'TagPointed':
      case 'TagDeleted':
        return [tagKey(event.data.repository, event.data.tag)];
      case 'ManifestDeleted':
      case 'RepositoryDeleted':
        return event.data.tags.map((tag) => tagKey(event.data.repository, tag));
      default:
        return [];
    }
  },
  evolve: (_doc, event, id) => {
    if (event.type !== 'TagPointed') return null;
    const { repository, tag, digest, taggedAt } = event.data;
    return { id, repository, tag, digest, pushedAt: taggedAt };
  },
};

/** When a manifest of a repository was last pulled (any tag or its digest). */
export interface PullDocument {
  id: string;
  repository: string;
  digest: string;
  pulledAt: string;
  [field: string]: unknown;
}

export const pullsView: Projection<PullDocument, CatalogFact> = {
  name: 'retention_pulls',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  indexes: [['repository']],
  documentIds: (event: RecordedEvent<CatalogFact>) => {
    switch (event.type) {
      case 'PullsRecorded':
        return (event.data.digests ?? []).map((digest) => manifestKey(event.data.repository, digest));
      case 'ManifestDeleted':
        return [manifestKey(event.data.repository, event.data.digest)];
      case 'RepositoryDeleted':
        return event.data.manifests.map((digest) => manifestKey(event.data.repository, digest));
      default:
        return [];
    }
  },
  evolve: (_doc, event, id) => {
    if (event.type !== 'PullsRecorded') return null;
    return { id, repository: event.data.repository, digest: id.slice(event.data.repository.length + 1), pulledAt: event.data.recordedAt };
  },
};

/** One tag a retention run untagged; its id is the log position of catalog's TagDeleted. */
export interface HistoryDocument {
  id: string;
  historyId: number;
  namespace: string;
  repository: string;
  tag: string;
  digest: string;
  runId: string;
  deletedAt: string;
  [field: string]: unknown;
}

export const historyView: Projection<HistoryDocument, CatalogFact> = {
  name: 'retention_history',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  indexes: [['repository', 'historyId'], ['runId']],
  documentIds: (event: RecordedEvent<CatalogFact>) => (event.type === 'TagDeleted' && event.data.retentionRunId ? [String(event.position)] : []),
  evolve: (doc, event, id) => {
    if (event.type !== 'TagDeleted' || !event.data.retentionRunId) return doc;
    const { repository, tag, digest, deletedAt, retentionRunId } = event.data;
    return { id, historyId: Number(id), namespace: namespaceOf(repository), repository, tag, digest, runId: retentionRunId, deletedAt };
  },
};

/** When each repository that exists now was created: a policy older than its repository belonged to one deleted before. */
export interface RepositoryDocument {
  id: string;
  createdAt: string;
  [field: string]: unknown;
}

export const repositoriesView: Projection<RepositoryDocument, CatalogFact> = {
  name: 'retention_repositories',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  documentIds: (event: RecordedEvent<CatalogFact>) => (event.type === 'RepositoryCreated' || event.type === 'RepositoryDeleted' ? [event.data.repository] : []),
  evolve: (_doc, event, id) => (event.type === 'RepositoryCreated' ? { id, createdAt: event.data.createdAt } : null),
};

export const retentionViews = [policiesView, runsView, tagsView, pullsView, historyView, repositoriesView];

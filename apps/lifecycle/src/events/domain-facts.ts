import type { ManifestFacts } from '@wharf/contracts/catalog';
import type { Event } from '@wharf/event-store';
import type { NamespaceCreated, NamespaceDeleted } from '../gc/catalog-facts';

/**
 * The domain events the public event stream is mapped from, as catalog, access and lifecycle record them:
 * only the fields the mapping reads. Types are never renamed and fields only ever added, so events written
 * by any earlier version still match; optional fields are the ones older events may lack.
 */
export type { NamespaceCreated, NamespaceDeleted };
type Repo = { repository: string };
export type RepositoryCreated = Event<'RepositoryCreated', Repo & { namespace: string; accountId: string; isPublic?: boolean; createdAt: string }>;
export type RepositoryUpdated = Event<'RepositoryUpdated', Repo & { category: string; description: string; isPublic: boolean; updatedAt: string }>;
export type RepositoryDeleted = Event<'RepositoryDeleted', Repo & { deletedAt: string }>;
export type ManifestPushed = Event<'ManifestPushed', Repo & { manifest: ManifestFacts; pushedAt: string }>;
export type TagPointed = Event<'TagPointed', Repo & { tag: string; digest: string; previous?: string; mediaType: string; imageSize: number; taggedAt: string }>;
export type TagDeleted = Event<'TagDeleted', Repo & { tag: string; digest: string; deletedAt: string }>;
export type ManifestDeleted = Event<'ManifestDeleted', Repo & { digest: string; size: number; tags: string[]; deletedAt: string }>;
export type PullsRecorded = Event<'PullsRecorded', Repo & { count: number; recordedAt: string }>;

type PermissionTarget = { kind: 'namespace' | 'repository'; name: string; namespace: string };
type UserAuth = { userId: string; auth: number };
export type PermissionsGranted = Event<'PermissionsGranted', PermissionTarget & { grants: UserAuth[]; grantedAt: string }>;
export type PermissionsUpdated = Event<'PermissionsUpdated', PermissionTarget & { grants: UserAuth[]; updatedAt: string }>;
export type PermissionsRevoked = Event<'PermissionsRevoked', PermissionTarget & { userIds: string[]; revokedAt: string }>;

type Share = Repo & { namespace: string; accessDomain: string; accessAccountId: string; deadline: string };
export type RepositoryShared = Event<'RepositoryShared', Share & { sharedAt: string }>;
export type ShareUpdated = Event<'ShareUpdated', Share & { updatedAt: string }>;
export type ShareRemoved = Event<'ShareRemoved', Repo & { accessDomain: string; accessAccountId: string; removedAt: string }>;

export type GarbageCollectionFinished = Event<
  'GarbageCollectionFinished',
  { runId: string; freedBytes: number; manifestsDeleted: number; blobsUnlinked: number; finishedAt: string }
>;

export type RetentionRunFinished = Event<
  'RetentionRunFinished',
  Repo & { runId: string; policyId: number; tagsDeleted: number; manifestsDeleted: number; finishedAt: string }
>;
export type SyncJobEnded = Event<
  'SyncJobEnded',
  Repo & {
    number: number;
    tag: string;
    digest: string;
    remoteRegionId: string;
    remoteNamespace: string;
    status: 'success' | 'failed' | 'timeout' | 'cancel' | 'existed';
    error?: string;
    endedAt: string;
  }
>;

type QuotaCrossing = { accountId: string; key: 'namespace' | 'repository' | 'tag'; limit: number; used: number; name: string };
export type QuotaWarningReached = Event<'QuotaWarningReached', QuotaCrossing & { reachedAt: string }>;
export type QuotaExceeded = Event<'QuotaExceeded', QuotaCrossing & { refusedAt: string }>;

export type PublishedFact =
  | NamespaceCreated
  | NamespaceDeleted
  | RepositoryCreated
  | RepositoryUpdated
  | RepositoryDeleted
  | ManifestPushed
  | TagPointed
  | TagDeleted
  | ManifestDeleted
  | PullsRecorded
  | PermissionsGranted
  | PermissionsUpdated
  | PermissionsRevoked
  | RepositoryShared
  | ShareUpdated
  | ShareRemoved
  | GarbageCollectionFinished
  | RetentionRunFinished
  | SyncJobEnded
  | QuotaWarningReached
  | QuotaExceeded;

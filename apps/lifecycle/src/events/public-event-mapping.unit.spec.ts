import { PublicEventData, toCloudEvent, type PublicEventFact } from '@wharf/contracts/events';
import type { RecordedEvent } from '@wharf/event-store';
import { publicEventOf, type MappingContext } from './public-event-mapping';

const registryId = '0b6c3c84-5c50-4a8e-9a51-0c7d1a2b3c4d';
const context: MappingContext = {
  registryHost: 'registry.example:5000',
  owner: (namespace) => (namespace === 'team' ? { accountId: 'acc-1', registryId } : undefined),
  namespaceOfRegistry: (id) => (id === registryId ? 'team' : undefined),
};
const actor = { accountId: 'acc-1', userId: 'user-1' };
const digest = `sha256:${'a'.repeat(64)}`;
const previous = `sha256:${'b'.repeat(64)}`;

let position = 0;
const recorded = (streamName: string, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: `event-${++position}`,
  streamName,
  revision: 0,
  position,
  type,
  data,
  metadata: { actor, now: '2026-01-01T00:00:00.000Z' },
});
const inRepo = (type: string, data: Record<string, unknown>) => recorded('catalog.repository-team/app', type, { repository: 'team/app', ...data });

/** The fact must also be valid against its own public schema: the catalog is what consumers rely on. */
const mapped = (event: RecordedEvent): PublicEventFact => {
  const fact = publicEventOf(event, context);
  if (!fact) throw new Error(`${event.type} mapped to nothing`);
  PublicEventData[fact.name].parse(fact.data);
  return fact;
};

describe('public event mapping', () => {
  it('maps a manifest push to artifact.pushed with digest, media type, size, actor and pull reference', () => {
    const fact = mapped(
      inRepo('ManifestPushed', {
        manifest: { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 512, blobs: [], children: [] },
        pushedAt: '2026-01-01T00:00:01.000Z',
      }),
    );
    expect(fact).toEqual({
      name: 'artifact.pushed',
      source: '/wharf/catalog',
      subject: 'team/app',
      time: '2026-01-01T00:00:01.000Z',
      data: {
        accountId: 'acc-1',
        actor,
        namespace: 'team',
        repository: 'team/app',
        digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 512,
        pullReference: `registry.example:5000/team/app@${digest}`,
      },
    });
  });

  it('tells a new tag from a moved one', () => {
    const tag = { tag: 'v1', digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', imageSize: 2048, taggedAt: '2026-01-01T00:00:02.000Z' };
    expect(mapped(inRepo('TagPointed', tag))).toMatchObject({ name: 'tag.created', data: { tag: 'v1', digest, size: 2048 } });
    expect(mapped(inRepo('TagPointed', { ...tag, previous }))).toMatchObject({ name: 'tag.moved', data: { tag: 'v1', digest, previousDigest: previous } });
  });

  it('maps deletions, pulls and repository changes of the repository', () => {
    expect(mapped(inRepo('TagDeleted', { tag: 'v1', digest, deletedAt: 't' }))).toMatchObject({ name: 'tag.deleted', data: { tag: 'v1', digest } });
    expect(mapped(inRepo('ManifestDeleted', { digest, size: 10, tags: ['v1'], deletedAt: 't' }))).toMatchObject({ name: 'artifact.deleted', data: { tags: ['v1'] } });
    expect(mapped(inRepo('PullsRecorded', { count: 3, recordedAt: 't' }))).toMatchObject({ name: 'artifact.pulled', data: { count: 3 } });
    expect(mapped(inRepo('RepositoryCreated', { namespace: 'team', accountId: 'acc-1', createdAt: 't' }))).toMatchObject({ name: 'repository.created' });
    expect(mapped(inRepo('RepositoryUpdated', { category: 'other', description: 'd', isPublic: true, updatedAt: 't' }))).toMatchObject({
      name: 'repository.updated',
      data: { isPublic: true },
    });
    expect(mapped(inRepo('RepositoryDeleted', { tags: [], manifests: [], blobs: [], deletedAt: 't' }))).toMatchObject({ name: 'repository.deleted' });
  });

  it('maps namespaces, with the namespace as subject', () => {
    const created = recorded('catalog.namespace-team', 'NamespaceCreated', { id: 1, registryId, name: 'team', accountId: 'acc-1', creatorId: 'u', creatorName: 'n', createdAt: 't' });
    expect(mapped(created)).toMatchObject({ name: 'namespace.created', subject: 'team', data: { namespace: 'team', registryId } });
    expect(mapped(recorded('catalog.namespace-team', 'NamespaceDeleted', { id: 1, name: 'team', accountId: 'acc-1', deletedAt: 't' }))).toMatchObject({ name: 'namespace.deleted' });
  });

  it('maps grants (given and changed) and revocations to the namespace owner’s account', () => {
    const target = { kind: 'repository', name: 'team/app', namespace: 'team' };
    const grants = [{ userId: 'user-2', auth: 3 }];
    expect(mapped(recorded('access.permissions-repository-team/app', 'PermissionsGranted', { ...target, grants, grantedAt: 't' }))).toMatchObject({
      name: 'permission.granted',
      source: '/wharf/access',
      data: { accountId: 'acc-1', target: { kind: 'repository', name: 'team/app' }, grants },
    });
    expect(mapped(recorded('access.permissions-repository-team/app', 'PermissionsUpdated', { ...target, grants, updatedAt: 't' }))).toMatchObject({ name: 'permission.granted' });
    expect(mapped(recorded('access.permissions-repository-team/app', 'PermissionsRevoked', { ...target, userIds: ['user-2'], revokedAt: 't' }))).toMatchObject({
      name: 'permission.revoked',
      data: { userIds: ['user-2'] },
    });
  });

  it('maps shares with the account shared with', () => {
    const share = { repository: 'team/app', namespace: 'team', accessDomain: 'other', accessAccountId: 'acc-2', permit: 'read', deadline: 'forever', description: '' };
    expect(mapped(recorded('access.share-team/app.acc-2', 'RepositoryShared', { ...share, creatorId: 'u', creatorName: 'n', sharedAt: 't' }))).toMatchObject({
      name: 'share.created',
      data: { accountId: 'acc-1', sharedWithAccountId: 'acc-2', sharedWithAccount: 'other', deadline: 'forever' },
    });
    expect(mapped(recorded('access.share-team/app.acc-2', 'ShareUpdated', { ...share, updatedAt: 't' }))).toMatchObject({ name: 'share.updated' });
    expect(mapped(recorded('access.share-team/app.acc-2', 'ShareRemoved', { repository: 'team/app', accessDomain: 'other', accessAccountId: 'acc-2', removedAt: 't' }))).toMatchObject({
      name: 'share.revoked',
    });
  });

  it('maps a finished garbage collection to gc.finished of its registry', () => {
    const finished = recorded(`lifecycle.gc-${registryId}`, 'GarbageCollectionFinished', {
      runId: 'run-1',
      freedBytes: 100,
      manifestsDeleted: 1,
      blobsUnlinked: 2,
      storageObjectsDeleted: 2,
      storageBytesDeleted: 100,
      finishedAt: 't',
    });
    expect(mapped(finished)).toMatchObject({ name: 'gc.finished', source: '/wharf/lifecycle', subject: 'team', data: { registryId, runId: 'run-1', freedBytes: 100 } });
  });

  it('maps a finished retention run and an ended sync job to retention.finished and sync.finished of the repository', () => {
    const retention = recorded('lifecycle.retention-4', 'RetentionRunFinished', {
      runId: 'run-2',
      policyId: 4,
      repository: 'team/app',
      tagsDeleted: 3,
      manifestsDeleted: 1,
      finishedAt: 't',
    });
    expect(mapped(retention)).toMatchObject({
      name: 'retention.finished',
      source: '/wharf/lifecycle',
      subject: 'team/app',
      data: { accountId: 'acc-1', namespace: 'team', policyId: 4, runId: 'run-2', tagsDeleted: 3, manifestsDeleted: 1 },
    });
    const sync = recorded('lifecycle.syncjob-x', 'SyncJobEnded', {
      repository: 'team/app',
      number: 7,
      tag: 'v1',
      digest,
      remoteRegionId: 'dr',
      remoteNamespace: 'mirror',
      status: 'failed',
      error: 'DENIED',
      endedAt: 't',
    });
    expect(mapped(sync)).toMatchObject({ name: 'sync.finished', subject: 'team/app', data: { jobId: 7, tag: 'v1', digest, remoteRegionId: 'dr', status: 'failed', error: 'DENIED' } });
  });

  it('maps quota crossings to quota.warning and quota.exceeded of the account, with the account as subject', () => {
    const crossing = { accountId: 'acc-1', key: 'tag', limit: 100, used: 85, name: 'team/app:v85' };
    expect(mapped(recorded('catalog.reservations-acc-1', 'QuotaWarningReached', { ...crossing, reachedAt: 't' }))).toEqual({
      name: 'quota.warning',
      source: '/wharf/catalog',
      subject: 'acc-1',
      time: 't',
      data: { ...crossing, actor },
    });
    expect(mapped(recorded('catalog.reservations-acc-1', 'QuotaExceeded', { ...crossing, used: 100, name: 'team/app:v101', refusedAt: 't' }))).toMatchObject({
      name: 'quota.exceeded',
      subject: 'acc-1',
      data: { key: 'tag', limit: 100, used: 100, name: 'team/app:v101' },
    });
    expect(publicEventOf(recorded('catalog.reservations-acc-1', 'QuotaReserved', { reservationId: 'r', accountId: 'acc-1', key: 'tag', name: 'x', reservedAt: 't', underWay: [] }), context)).toBeNull();
  });

  it('publishes nothing for internal facts, or when the namespace owner is unknown', () => {
    expect(publicEventOf(inRepo('BlobLinked', { digest, size: 1, linkedAt: 't' }), context)).toBeNull();
    expect(publicEventOf(recorded('catalog.repository-else/app', 'TagDeleted', { repository: 'else/app', tag: 'v1', digest, deletedAt: 't' }), context)).toBeNull();
  });

  it('wraps a fact in a CloudEvent whose id is the event store id and whose type carries the version', () => {
    const event = inRepo('TagDeleted', { tag: 'v1', digest, deletedAt: '2026-01-01T00:00:03.000Z' });
    expect(toCloudEvent(mapped(event), event.id, event.position)).toEqual({
      specversion: '1.0',
      id: event.id,
      source: '/wharf/catalog',
      type: 'io.wharf.tag.deleted.v1',
      time: '2026-01-01T00:00:03.000Z',
      subject: 'team/app',
      datacontenttype: 'application/json',
      wharfposition: event.position,
      data: expect.objectContaining({ tag: 'v1' }),
    });
  });
});

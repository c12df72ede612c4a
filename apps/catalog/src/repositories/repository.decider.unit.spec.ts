import type { ManifestFacts } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { digestOf } from '@wharf/oci';
import { repositoryDecider, type RepositoryEvent } from './repository.decider';

const now = '2026-11-23T10:00:00.000Z';
const metadata = { now };
const actor: Principal = { accountId: 'acc', accountName: 'acme', userId: 'u1', userName: 'dev', accountAdmin: true, systemAdmin: false };
const namespace = { name: 'team', id: 4, accountId: 'acc', creatorId: 'u1' };
const repository = 'team/app';
const layer = digestOf('layer');
const config = digestOf('config');
const image: ManifestFacts = { digest: digestOf('image'), mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 300, blobs: [config, layer], children: [] };
const index: ManifestFacts = { digest: digestOf('index'), mediaType: 'application/vnd.oci.image.index.v1+json', size: 200, blobs: [], children: [image.digest] };

const created: RepositoryEvent = {
  type: 'RepositoryCreated',
  data: { repository, id: 9, namespace: 'team', namespaceId: 4, accountId: 'acc', creatorId: 'u1', creatorName: 'dev', createdAt: now },
};
const linked = (digest: string, size = 10): RepositoryEvent => ({ type: 'BlobLinked', data: { repository, digest, size, linkedAt: now } });
const pushed = (manifest: ManifestFacts): RepositoryEvent => ({ type: 'ManifestPushed', data: { repository, manifest, pushedAt: now } });
const tagged = (tag: string, digest: string, previous?: string): RepositoryEvent => ({
  type: 'TagPointed',
  // 300 bytes of manifest and two 10-byte blobs
  data: { repository, tag, digest, ...(previous ? { previous } : {}), mediaType: image.mediaType, imageSize: 320, taggedAt: now },
});

const spec = DeciderSpecification.for(repositoryDecider);
const link = (digest: string, ns: typeof namespace | null = namespace, repo = repository) => ({
  type: 'LinkBlob' as const,
  data: { actor, namespace: ns, newId: 9, repository: repo, digest, size: 10 },
  metadata,
});
const push = (manifest: ManifestFacts, tag?: string) => ({
  type: 'PushManifest' as const,
  data: { actor, namespace, newId: 9, repository, manifest, ...(tag ? { tag } : {}) },
  metadata,
});
const settings = { category: 'linux', description: 'd', isPublic: true };
const colleague: Principal = { ...actor, userId: 'u2', userName: 'other', accountAdmin: false };
const stocked = [created, linked(config), linked(layer)];

describe('repository decider', () => {
  it('creates the repository with its first blob link, inside its namespace', () => {
    spec.given([]).when(link(layer)).then([created, linked(layer)]);
  });

  it('links a blob once; linking it again refreshes the link for garbage collection', () => {
    spec.given([created, linked(layer)]).when(link(layer)).then([{ type: 'BlobLinkRefreshed', data: { repository, digest: layer, refreshedAt: now } }]);
  });

  it('refuses a push into a namespace that does not exist, and names without a namespace', () => {
    spec.given([]).when(link(layer, null)).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
    spec.given([]).when(link(layer, { ...namespace, name: 'other' })).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
    spec.given([]).when(link(layer, namespace, 'solo')).thenThrows({ code: 'CATALOG.INVALID_REPOSITORY_NAME' });
  });

  it('records a manifest and points its tag', () => {
    spec.given(stocked).when(push(image, 'v1')).then([pushed(image), tagged('v1', image.digest)]);
  });

  it('moves a tag to a new manifest and remembers the previous one', () => {
    const other = { ...image, digest: digestOf('image-2') };
    spec.given([...stocked, pushed(image), tagged('v1', image.digest)]).when(push(other, 'v1')).then([pushed(other), tagged('v1', other.digest, image.digest)]);
  });

  it('is idempotent for the same manifest and tag', () => {
    spec.given([...stocked, pushed(image), tagged('v1', image.digest)]).when(push(image, 'v1')).then([]);
  });

  it('refuses manifests whose blobs or children the repository does not have', () => {
    spec.given([created, linked(layer)]).when(push(image)).thenThrows({ code: 'CATALOG.MANIFEST_BLOB_UNKNOWN', details: { digest: config } });
    spec.given(stocked).when(push(index)).thenThrows({ code: 'CATALOG.MANIFEST_BLOB_UNKNOWN', details: { digest: image.digest } });
  });

  it('refuses a manifest whose descriptors claim sizes other than the linked blobs and held children have', () => {
    const declared = (sizes: Array<[string, number]>) => ({ ...push(image), data: { ...push(image).data, declaredSizes: sizes.map(([digest, size]) => ({ digest, size })) } });
    spec.given(stocked).when(declared([[config, 10], [layer, 2 ** 53 - 1]])).thenThrows({
      code: 'CATALOG.MANIFEST_SIZE_MISMATCH',
      details: { digest: layer, declared: 2 ** 53 - 1, stored: 10 },
    });
    const claimsChild = { ...push(index), data: { ...push(index).data, declaredSizes: [{ digest: image.digest, size: 301 }] } };
    spec.given([...stocked, pushed(image)]).when(claimsChild).thenThrows({ code: 'CATALOG.MANIFEST_SIZE_MISMATCH', details: { digest: image.digest } });
    spec.given(stocked).when(declared([[config, 10], [layer, 10]])).then([pushed(image)]);
  });

  it('refuses invalid tags', () => {
    spec.given(stocked).when(push(image, '-bad')).thenThrows({ code: 'CATALOG.INVALID_TAG' });
  });

  it('deletes a manifest with its tags, but not while an index lists it', () => {
    const history = [...stocked, pushed(image), tagged('v1', image.digest), tagged('latest', image.digest)];
    spec
      .given(history)
      .when({ type: 'DeleteManifest', data: { actor, namespace, repository, digest: image.digest }, metadata })
      .then([{ type: 'ManifestDeleted', data: { repository, digest: image.digest, size: 300, tags: ['latest', 'v1'], deletedAt: now } }]);
    spec
      .given([...history, pushed(index)])
      .when({ type: 'DeleteManifest', data: { actor, namespace, repository, digest: image.digest }, metadata })
      .thenThrows({ code: 'CATALOG.MANIFEST_REFERENCED', details: { index: index.digest } });
  });

  it('untags without touching the manifest, and answers unknown tags and manifests', () => {
    const history = [...stocked, pushed(image), tagged('v1', image.digest)];
    spec
      .given(history)
      .when({ type: 'DeleteTag', data: { actor, namespace, repository, tag: 'v1' }, metadata })
      .then([{ type: 'TagDeleted', data: { repository, tag: 'v1', digest: image.digest, deletedAt: now } }]);
    spec.given(history).when({ type: 'DeleteTag', data: { actor, namespace, repository, tag: 'v2' }, metadata }).thenThrows({ code: 'CATALOG.TAG_NOT_FOUND' });
    spec.given([]).when({ type: 'DeleteTag', data: { actor, namespace, repository, tag: 'v1' }, metadata }).thenThrows({ code: 'CATALOG.REPOSITORY_NOT_FOUND' });
    spec
      .given(history)
      .when({ type: 'DeleteManifest', data: { actor, namespace, repository, digest: digestOf('nope') }, metadata })
      .thenThrows({ code: 'CATALOG.MANIFEST_NOT_FOUND' });
  });

  it('unlinks a linked blob with its size', () => {
    spec
      .given(stocked)
      .when({ type: 'UnlinkBlob', data: { actor, namespace, repository, digest: layer }, metadata })
      .then([{ type: 'BlobUnlinked', data: { repository, digest: layer, size: 10, unlinkedAt: now } }]);
    spec.given(stocked).when({ type: 'UnlinkBlob', data: { actor, namespace, repository, digest: digestOf('x') }, metadata }).thenThrows({ code: 'CATALOG.BLOB_NOT_LINKED' });
  });

  it('creates a repository through the management API, for managers only, once', () => {
    const create = (by: Principal, auth: 7 | 3 | 1 | null) => ({ type: 'CreateRepository' as const, data: { actor: by, auth, namespace, newId: 9, repository, ...settings }, metadata });
    spec.given([]).when(create(actor, 7)).then([{ ...created, data: { ...created.data, ...settings } } as RepositoryEvent]);
    spec.given([]).when(create(colleague, 3)).then([{ ...created, data: { ...created.data, creatorId: 'u2', creatorName: 'other', ...settings } } as RepositoryEvent]);
    spec.given([created]).when(create(actor, 7)).thenThrows({ code: 'CATALOG.REPOSITORY_ALREADY_EXISTS' });
    spec.given([]).when(create(colleague, 1)).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    spec.given([]).when(create({ ...actor, accountId: 'elsewhere' }, null)).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
  });

  it('updates settings and deletes the repository with everything it held; the name can then be reused', () => {
    spec
      .given([created])
      .when({ type: 'UpdateRepository', data: { actor, auth: 3, namespace, repository, ...settings }, metadata })
      .then([{ type: 'RepositoryUpdated', data: { repository, ...settings, updatedAt: now } }]);
    const history = [...stocked, pushed(image), tagged('v1', image.digest)];
    spec
      .given(history)
      .when({ type: 'DeleteRepository', data: { actor, auth: 7, namespace, repository }, metadata })
      .then([{ type: 'RepositoryDeleted', data: { repository, tags: ['v1'], manifests: [image.digest], blobs: [config, layer], deletedAt: now } }]);
    const deleted: RepositoryEvent = { type: 'RepositoryDeleted', data: { repository, tags: ['v1'], manifests: [image.digest], blobs: [config, layer], deletedAt: now } };
    spec.given([...history, deleted]).when(link(layer)).then([created, linked(layer)]);
    spec
      .given([created])
      .when({ type: 'DeleteRepository', data: { actor: colleague, auth: 3, namespace, repository }, metadata })
      .thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
  });

  it("refuses data-plane writes by another account's principal: a token from before the namespace changed hands", () => {
    const stranger: Principal = { ...actor, accountId: 'other-acc', accountName: 'other' };
    const history = [...stocked, pushed(image), tagged('v1', image.digest)];
    const byStranger = { actor: stranger, namespace, repository };
    spec.given(history).when({ type: 'LinkBlob', data: { ...byStranger, newId: 0, digest: digestOf('x'), size: 1 }, metadata }).thenThrows({ code: 'CATALOG.WRITE_TO_ANOTHER_ACCOUNT' });
    spec.given([]).when({ type: 'LinkBlob', data: { ...byStranger, newId: 9, digest: layer, size: 10 }, metadata }).thenThrows({ code: 'CATALOG.WRITE_TO_ANOTHER_ACCOUNT' });
    spec.given(history).when({ type: 'PushManifest', data: { ...byStranger, newId: 0, manifest: image, tag: 'v2' }, metadata }).thenThrows({ code: 'CATALOG.WRITE_TO_ANOTHER_ACCOUNT' });
    spec.given(history).when({ type: 'UnlinkBlob', data: { ...byStranger, digest: layer }, metadata }).thenThrows({ code: 'CATALOG.WRITE_TO_ANOTHER_ACCOUNT' });
    spec.given(history).when({ type: 'DeleteTag', data: { ...byStranger, tag: 'v1' }, metadata }).thenThrows({ code: 'CATALOG.WRITE_TO_ANOTHER_ACCOUNT' });
    spec.given(history).when({ type: 'DeleteManifest', data: { ...byStranger, digest: image.digest }, metadata }).thenThrows({ code: 'CATALOG.WRITE_TO_ANOTHER_ACCOUNT' });
  });

  it('records pulls of existing repositories only', () => {
    spec.given([created]).when({ type: 'RecordPulls', data: { repository, count: 3 }, metadata }).then([{ type: 'PullsRecorded', data: { repository, count: 3, recordedAt: now } }]);
    spec.given([]).when({ type: 'RecordPulls', data: { repository, count: 3 }, metadata }).then([]);
    spec
      .given([created])
      .when({ type: 'RecordPulls', data: { repository, count: 2, digests: [image.digest] }, metadata })
      .then([{ type: 'PullsRecorded', data: { repository, count: 2, recordedAt: now, digests: [image.digest] } }]);
  });

  describe("retention's untagging (RetireTags)", () => {
    const runId = '00000000-0000-4000-8000-000000000001';
    const before = '2026-11-23T09:00:00.000Z';
    const taggedAt = (tag: string, digest: string, at: string): RepositoryEvent => ({
      type: 'TagPointed',
      data: { repository, tag, digest, mediaType: image.mediaType, imageSize: 320, taggedAt: at },
    });
    const other: ManifestFacts = { ...image, digest: digestOf('other image') };
    const history = [...stocked, pushed(image), pushed(other), taggedAt('old', image.digest, '2026-11-01T00:00:00.000Z'), taggedAt('moved', other.digest, '2026-11-23T09:30:00.000Z')];
    const retire = (tags: { tag: string; digest: string }[], as = actor) => ({
      type: 'RetireTags' as const,
      data: { actor: as, namespace, repository, runId, tags, taggedBefore: before },
      metadata,
    });

    it('untags what still names the planned manifest since before the run, recording the run', () => {
      spec
        .given(history)
        .when(retire([{ tag: 'old', digest: image.digest }]))
        .then([{ type: 'TagDeleted', data: { repository, tag: 'old', digest: image.digest, deletedAt: now, retentionRunId: runId } }]);
    });

    it('leaves tags moved or pushed after the run started, tags already gone, and other manifests alone', () => {
      spec
        .given(history)
        .when(
          retire([
            { tag: 'moved', digest: image.digest },
            { tag: 'moved', digest: other.digest },
            { tag: 'gone', digest: image.digest },
            { tag: 'old', digest: other.digest },
          ]),
        )
        .then([]);
      spec.given([]).when(retire([{ tag: 'old', digest: image.digest }])).then([]);
    });

    it("refuses another account's principal", () => {
      spec.given(history).when(retire([{ tag: 'old', digest: image.digest }], { ...actor, accountId: 'stranger' })).thenThrows({ code: 'CATALOG.WRITE_TO_ANOTHER_ACCOUNT' });
    });
  });
});

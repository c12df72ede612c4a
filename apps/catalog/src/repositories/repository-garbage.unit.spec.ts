import type { ManifestFacts } from '@wharf/contracts/catalog';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { digestOf } from '@wharf/oci';
import { repositoryDecider, type RepositoryEvent } from './repository.decider';

const repository = 'team/app';
const early = '2026-11-23T08:00:00.000Z';
const protectedAfter = '2026-11-23T09:00:00.000Z';
const late = '2026-11-23T09:30:00.000Z';
const now = '2026-11-23T10:00:00.000Z';
const imageType = 'application/vnd.oci.image.manifest.v1+json';
const [config, layer, shared, loose] = ['config', 'layer', 'shared', 'loose'].map((text) => digestOf(text)) as [string, string, string, string];
const manifest = (name: string, facts: Partial<ManifestFacts> = {}): ManifestFacts => ({ digest: digestOf(name), mediaType: imageType, size: 100, blobs: [], children: [], ...facts });
const untagged = manifest('untagged', { blobs: [config, layer, shared] });
const kept = manifest('kept', { blobs: [config, shared] });
const index = manifest('index', { mediaType: 'application/vnd.oci.image.index.v1+json', children: [untagged.digest] });
const signature = manifest('signature', { subject: kept.digest, blobs: [loose] });

const created: RepositoryEvent = {
  type: 'RepositoryCreated',
  data: { repository, id: 1, namespace: 'team', namespaceId: 1, accountId: 'acc', creatorId: 'u1', creatorName: 'dev', createdAt: early },
};
const linked = (digest: string, at = early): RepositoryEvent => ({ type: 'BlobLinked', data: { repository, digest, size: 10, linkedAt: at } });
const pushed = (facts: ManifestFacts, at = early): RepositoryEvent => ({ type: 'ManifestPushed', data: { repository, manifest: facts, pushedAt: at } });
const tagged = (tag: string, digest: string): RepositoryEvent => ({
  type: 'TagPointed',
  data: { repository, tag, digest, mediaType: imageType, imageSize: 130, taggedAt: early },
});
const manifestDeleted = (facts: ManifestFacts): RepositoryEvent => ({
  type: 'ManifestDeleted',
  data: { repository, digest: facts.digest, size: facts.size, tags: [], deletedAt: now },
});
const unlinked = (digest: string): RepositoryEvent => ({ type: 'BlobUnlinked', data: { repository, digest, size: 10, unlinkedAt: now } });
const collect = (manifests: ManifestFacts[], blobs: string[]) => ({
  type: 'CollectGarbage' as const,
  data: { repository, manifests: manifests.map((m) => m.digest), blobs, protectedAfter },
  metadata: { now },
});

const spec = DeciderSpecification.for(repositoryDecider);
const stocked = [created, linked(config), linked(layer), linked(shared), linked(loose), pushed(untagged), pushed(kept), tagged('v1', kept.digest)];

describe('garbage collection in the repository decider (the re-check before anything goes)', () => {
  it('deletes an untagged manifest and unlinks the blobs nothing that stays references', () => {
    spec.given(stocked).when(collect([untagged], [layer, loose, config, shared])).then([manifestDeleted(untagged), unlinked(layer), unlinked(loose)]);
  });

  it('keeps a manifest a tag names now, and what it references, whatever the mark thought', () => {
    spec.given([...stocked, tagged('v2', untagged.digest)]).when(collect([untagged], [layer])).then([]);
  });

  it('keeps links and manifests made after protectedAfter, and a link made again since then', () => {
    const fresh = manifest('fresh', { blobs: [layer] });
    spec.given([...stocked, pushed(fresh, late)]).when(collect([fresh], [layer])).then([]);
    spec.given([created, linked(loose, late)]).when(collect([], [loose])).then([]);
    const refreshed: RepositoryEvent = { type: 'BlobLinkRefreshed', data: { repository, digest: loose, refreshedAt: late } };
    spec.given([created, linked(loose), refreshed]).when(collect([], [loose])).then([]);
  });

  it('takes an untagged index before its children, and keeps children of an index that stays', () => {
    const withIndex = [...stocked, pushed(index)];
    spec.given(withIndex).when(collect([untagged, index], [])).then([manifestDeleted(index), manifestDeleted(untagged)]);
    spec.given([...withIndex, tagged('multi', index.digest)]).when(collect([untagged, index], [layer])).then([]);
  });

  it('keeps a referrer whose subject stays, and takes it with its subject', () => {
    const signed = [...stocked, pushed(signature)];
    spec.given(signed).when(collect([signature], [loose])).then([]);
    spec.given([...signed, { type: 'TagDeleted', data: { repository, tag: 'v1', digest: kept.digest, deletedAt: early } }])
      .when(collect([signature, kept], [loose]))
      .then([manifestDeleted(kept), manifestDeleted(signature), unlinked(loose)]);
  });

  it('ignores candidates that are already gone, and refuses a repository that does not exist', () => {
    spec.given([created, linked(config)]).when(collect([untagged], [layer, layer])).then([]);
    spec.given([]).when(collect([], [layer])).thenThrows({ code: 'CATALOG.REPOSITORY_NOT_FOUND' });
  });
});

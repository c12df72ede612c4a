import type { ManifestFacts } from '@wharf/contracts/catalog';
import type { RecordedEvent } from '@wharf/event-store';
import { digestOf } from '@wharf/oci';
import type { RepositoryEvent } from '../repositories/repository.decider';
import { registryImagesProjection, type RegistryImageDocument } from './registry-images.projection';

const repository = 'team/app';
const at = '2026-11-23T10:00:00.000Z';
const config = digestOf('config');
const layer = digestOf('layer');
const image: ManifestFacts = {
  digest: digestOf('image'),
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 300,
  blobs: [config, layer],
  children: [],
  artifactType: 'application/vnd.oci.image.config.v1+json',
  configDigest: config,
  platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
};
const other: ManifestFacts = { ...image, digest: digestOf('other'), platform: { architecture: 'amd64', os: 'linux' } };
const chart: ManifestFacts = { ...image, digest: digestOf('chart'), artifactType: 'application/vnd.cncf.helm.config.v1+json' };
delete (chart as { platform?: unknown }).platform;

/** Applies events as the projection runner does: each event to each document it names. */
const project = (events: RepositoryEvent[]): Map<string, RegistryImageDocument> => {
  const docs = new Map<string, RegistryImageDocument>();
  events.forEach((event, position) => {
    const recorded = { ...event, id: `e${position}`, streamName: `catalog.repository-${repository}`, revision: position, position, metadata: {} } as RecordedEvent<RepositoryEvent>;
    for (const id of registryImagesProjection.documentIds(recorded)) {
      const next = registryImagesProjection.evolve(docs.get(id) ?? null, recorded, id);
      if (next) docs.set(id, next);
      else docs.delete(id);
    }
  });
  return docs;
};
const pushed = (manifest: ManifestFacts): RepositoryEvent => ({ type: 'ManifestPushed', data: { repository, manifest, pushedAt: at } });
const tagged = (tag: string, digest: string, previous?: string): RepositoryEvent => ({
  type: 'TagPointed',
  data: { repository, tag, digest, ...(previous ? { previous } : {}), mediaType: image.mediaType, imageSize: 1, taggedAt: at },
});
const doc = (docs: Map<string, RegistryImageDocument>, manifest: ManifestFacts) => docs.get(`${repository}@${manifest.digest}`);

describe('registry images projection', () => {
  it('keeps each pushed manifest with its blobs, platform, kind and namespace, untagged at first', () => {
    expect(doc(project([pushed(image)]), image)).toEqual({
      id: `${repository}@${image.digest}`,
      repository,
      namespace: 'team',
      digest: image.digest,
      mediaType: image.mediaType,
      size: 300,
      blobs: [config, layer],
      configDigest: config,
      children: [],
      platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
      kind: 'image',
      tags: [],
      searchText: image.digest,
      pushedAt: at,
    });
    expect(doc(project([pushed(chart)]), chart)).toMatchObject({ kind: 'helm_chart' });
    expect(doc(project([pushed(chart)]), chart)).not.toHaveProperty('platform');
  });

  it('follows tags: pointed, moved to another manifest, deleted', () => {
    const docs = project([pushed(image), pushed(other), tagged('v1', image.digest), tagged('latest', image.digest), tagged('latest', other.digest, image.digest)]);
    expect(doc(docs, image)).toMatchObject({ tags: ['v1'], searchText: `${image.digest} v1` });
    expect(doc(docs, other)).toMatchObject({ tags: ['latest'] });
    const untagged = project([pushed(image), tagged('v1', image.digest), { type: 'TagDeleted', data: { repository, tag: 'v1', digest: image.digest, deletedAt: at } }]);
    expect(doc(untagged, image)).toMatchObject({ tags: [], searchText: image.digest });
  });

  it('drops a deleted manifest, and every manifest of a deleted repository', () => {
    const deleted = project([pushed(image), pushed(other), { type: 'ManifestDeleted', data: { repository, digest: image.digest, size: 300, tags: [], deletedAt: at } }]);
    expect([...deleted.keys()]).toEqual([`${repository}@${other.digest}`]);
    const gone = project([
      pushed(image),
      pushed(other),
      { type: 'RepositoryDeleted', data: { repository, tags: [], manifests: [image.digest, other.digest], blobs: [config, layer], deletedAt: at } },
    ]);
    expect(gone.size).toBe(0);
  });

  it('ignores blob links and pulls', () => {
    const docs = project([
      pushed(image),
      { type: 'BlobLinked', data: { repository, digest: layer, size: 10, linkedAt: at } },
      { type: 'PullsRecorded', data: { repository, count: 3, recordedAt: at } },
    ]);
    expect(doc(docs, image)).toMatchObject({ tags: [], blobs: [config, layer] });
  });
});

import { garbageSize, planCollection, sweepable, type LinkFact, type ManifestFact, type ReferenceGraph } from './collection-plan';

const old = '2026-11-23T08:00:00.000Z';
const protectedAfter = '2026-11-23T09:00:00.000Z';
const fresh = '2026-11-23T09:30:00.000Z';
const untagged = { deleteUntagged: true, protectedAfter };
const plain = { deleteUntagged: false, protectedAfter };

const link = (repository: string, digest: string, size: number, linkedAt = old): LinkFact => ({ repository, digest, size, linkedAt });
const manifest = (repository: string, digest: string, facts: Partial<ManifestFact> = {}): ManifestFact => ({
  repository,
  digest,
  size: 100,
  blobs: [],
  children: [],
  pushedAt: old,
  tags: [],
  ...facts,
});
const planned = (graph: ReferenceGraph, options = untagged) => {
  const plan = planCollection(graph, options);
  return { repositories: Object.fromEntries(plan.repositories), freedBytes: plan.freedBytes, manifestCount: plan.manifestCount, blobCount: plan.blobCount };
};

describe('collection plan: what a garbage collection takes from a registry', () => {
  it('unlinks blobs no manifest of their repository references, once they are older than the grace window', () => {
    const graph: ReferenceGraph = {
      links: [link('r/app', 'sha256:layer', 1000), link('r/app', 'sha256:stray', 10), link('r/app', 'sha256:uploading', 20, fresh)],
      manifests: [manifest('r/app', 'sha256:img', { blobs: ['sha256:layer'], tags: ['v1'] })],
    };
    expect(planned(graph, plain)).toEqual({ repositories: { 'r/app': { manifests: [], blobs: ['sha256:stray'] } }, freedBytes: 10, manifestCount: 0, blobCount: 1 });
  });

  it('counts a digest once however many repositories hold it, and frees nothing another repository of the registry still holds', () => {
    const graph: ReferenceGraph = {
      links: [link('r/a', 'sha256:both', 500), link('r/b', 'sha256:both', 500), link('r/a', 'sha256:shared', 300), link('r/c', 'sha256:shared', 300)],
      manifests: [manifest('r/c', 'sha256:img', { blobs: ['sha256:shared'], tags: ['v1'] })],
    };
    const plan = planned(graph, plain);
    // r/a's link to the shared layer goes (nothing in r/a references it) but r/c still holds the digest.
    expect(plan.repositories).toEqual({ 'r/a': { manifests: [], blobs: ['sha256:both', 'sha256:shared'] }, 'r/b': { manifests: [], blobs: ['sha256:both'] } });
    expect(plan.freedBytes).toBe(500);
  });

  it('with delete-untagged, deletes untagged manifests and the blobs only they reference, and keeps what was pushed in the grace window', () => {
    const graph: ReferenceGraph = {
      links: [link('r/app', 'sha256:base', 1000), link('r/app', 'sha256:old-top', 200), link('r/app', 'sha256:new-top', 300, fresh)],
      manifests: [
        manifest('r/app', 'sha256:v1', { blobs: ['sha256:base'], tags: ['v1'] }),
        manifest('r/app', 'sha256:before', { blobs: ['sha256:base', 'sha256:old-top'] }),
        manifest('r/app', 'sha256:pushing', { blobs: ['sha256:base', 'sha256:new-top'], pushedAt: fresh }),
      ],
    };
    expect(planned(graph)).toEqual({
      repositories: { 'r/app': { manifests: ['sha256:before'], blobs: ['sha256:old-top'] } },
      freedBytes: 100 + 200,
      manifestCount: 1,
      blobCount: 1,
    });
    expect(planned(graph, plain).repositories).toEqual({});
  });

  it('keeps the children of a kept index and the referrers of a kept subject; takes an untagged index with its children', () => {
    const graph: ReferenceGraph = {
      links: [],
      manifests: [
        manifest('r/app', 'sha256:multi', { children: ['sha256:amd64', 'sha256:arm64'], tags: ['v1'] }),
        manifest('r/app', 'sha256:amd64'),
        manifest('r/app', 'sha256:arm64'),
        manifest('r/app', 'sha256:signature', { subject: 'sha256:multi' }),
        manifest('r/app', 'sha256:old-multi', { children: ['sha256:old-amd64'] }),
        manifest('r/app', 'sha256:old-amd64'),
        manifest('r/app', 'sha256:old-signature', { subject: 'sha256:old-multi' }),
      ],
    };
    expect(planned(graph).repositories).toEqual({ 'r/app': { manifests: ['sha256:old-multi', 'sha256:old-amd64', 'sha256:old-signature'], blobs: [] } });
  });

  it('keeps a manifest tagged in its own repository only: the same digest untagged elsewhere goes there', () => {
    const graph: ReferenceGraph = {
      links: [link('r/a', 'sha256:layer', 50), link('r/b', 'sha256:layer', 50)],
      manifests: [manifest('r/a', 'sha256:img', { blobs: ['sha256:layer'], tags: ['v1'] }), manifest('r/b', 'sha256:img', { blobs: ['sha256:layer'] })],
    };
    const plan = planned(graph);
    expect(plan.repositories).toEqual({ 'r/b': { manifests: ['sha256:img'], blobs: ['sha256:layer'] } });
    expect(plan.freedBytes).toBe(0);
  });

  it('reports sizes that add up: the untagged share is what delete-untagged frees beyond the unreferenced blobs', () => {
    const graph: ReferenceGraph = {
      links: [link('r/app', 'sha256:stray', 7), link('r/app', 'sha256:layer', 1000), link('r/app', 'sha256:kept', 40)],
      manifests: [manifest('r/app', 'sha256:old', { blobs: ['sha256:layer'] }), manifest('r/app', 'sha256:v1', { blobs: ['sha256:kept'], tags: ['v1'] })],
    };
    expect(garbageSize(graph, protectedAfter)).toEqual({ sizeNonReferenced: 7, sizeUntagged: 1100, sizeSummary: 1107 });
    expect(garbageSize({ links: [], manifests: [] }, protectedAfter)).toEqual({ sizeNonReferenced: 0, sizeUntagged: 0, sizeSummary: 0 });
  });

  it('lets the storage sweep delete bytes only of digests nothing anywhere holds, last held before the grace window', () => {
    expect(sweepable({ references: 0, lastReferencedAt: old }, protectedAfter)).toBe(true);
    expect(sweepable({ references: 1, lastReferencedAt: old }, protectedAfter)).toBe(false);
    expect(sweepable({ references: 0, lastReferencedAt: fresh }, protectedAfter)).toBe(false);
    expect(sweepable(null, protectedAfter)).toBe(false);
  });
});

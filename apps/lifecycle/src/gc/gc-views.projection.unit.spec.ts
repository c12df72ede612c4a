import type { RecordedEvent } from '@wharf/event-store';
import type { Document, Projection } from '@wharf/read-model';
import type { RepositoryFact } from './catalog-facts';
import type { ContentSwept } from './gc-progress.decider';
import { contentsView, linksView, manifestsView } from './gc-views.projection';

const old = '2026-11-23T08:00:00.000Z';
const later = '2026-11-23T09:00:00.000Z';

/** Folds events through a projection the way the runner does (documents by id, position order). */
const fold = <D extends Document, E extends RepositoryFact | ContentSwept>(projection: Projection<D, E>, events: E[]): Map<string, D> => {
  const docs = new Map<string, D>();
  events.forEach((event, i) => {
    const recorded = { ...event, id: `e${i}`, streamName: 's', revision: i, position: i + 1, metadata: {} } as RecordedEvent<E>;
    for (const id of projection.documentIds(recorded)) {
      const next = projection.evolve(docs.get(id) ?? null, recorded, id);
      if (next) docs.set(id, next);
      else docs.delete(id);
    }
  });
  return docs;
};

const linked = (repository: string, digest: string, linkedAt = old): RepositoryFact => ({ type: 'BlobLinked', data: { repository, digest, size: 5, linkedAt } });
const pushed = (repository: string, digest: string, blobs: string[] = []): RepositoryFact => ({
  type: 'ManifestPushed',
  data: { repository, manifest: { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 100, blobs, children: [] }, pushedAt: old },
});

describe('lifecycle views of the reference graph', () => {
  it('counts every holding of a digest across repositories and registries, and forgets it once swept with none left', () => {
    const events: (RepositoryFact | ContentSwept)[] = [
      linked('a/app', 'sha256:l'),
      linked('b/app', 'sha256:l'),
      pushed('a/app', 'sha256:m', ['sha256:l']),
      linked('a/app', 'sha256:m'),
      { type: 'BlobLinkRefreshed', data: { repository: 'b/app', digest: 'sha256:l', refreshedAt: later } },
      { type: 'BlobUnlinked', data: { repository: 'b/app', digest: 'sha256:l', size: 5, unlinkedAt: later } },
      { type: 'RepositoryDeleted', data: { repository: 'a/app', tags: [], manifests: ['sha256:m'], blobs: ['sha256:l', 'sha256:m'] } },
    ];
    const contents = fold(contentsView, events);
    expect(contents.get('sha256:l')).toMatchObject({ references: 0, lastReferencedAt: later });
    // Held twice in a/app (as a manifest and as a blob link), both gone with the repository.
    expect(contents.get('sha256:m')).toMatchObject({ references: 0 });
    const swept = fold(contentsView, [...events, linked('c/app', 'sha256:m'), { type: 'ContentSwept', data: { runId: 'r', digests: ['sha256:l', 'sha256:m'], sweptAt: later } }]);
    expect([...swept.keys()]).toEqual(['sha256:m']);
  });

  it('keeps links with their latest link time, and manifests with the tags naming them as tags move', () => {
    const links = fold(linksView, [linked('a/app', 'sha256:l'), { type: 'BlobLinkRefreshed', data: { repository: 'a/app', digest: 'sha256:l', refreshedAt: later } }]);
    expect(links.get('a/app@sha256:l')).toEqual({ id: 'a/app@sha256:l', namespace: 'a', repository: 'a/app', digest: 'sha256:l', size: 5, linkedAt: later });
    const manifests = fold(manifestsView, [
      pushed('a/app', 'sha256:one'),
      pushed('a/app', 'sha256:two'),
      { type: 'TagPointed', data: { repository: 'a/app', tag: 'v1', digest: 'sha256:one' } },
      { type: 'TagPointed', data: { repository: 'a/app', tag: 'latest', digest: 'sha256:one' } },
      { type: 'TagPointed', data: { repository: 'a/app', tag: 'v1', digest: 'sha256:two', previous: 'sha256:one' } },
      { type: 'TagDeleted', data: { repository: 'a/app', tag: 'latest', digest: 'sha256:one' } },
    ]);
    expect([manifests.get('a/app@sha256:one')?.tags, manifests.get('a/app@sha256:two')?.tags]).toEqual([[], ['v1']]);
  });
});

import type { Event, RecordedEvent } from '@wharf/event-store';
import type { Document, Projection } from '@wharf/read-model';
import { historyView, pullsView, repositoriesView, tagsView } from './retention-views.projection';

const at = (minute: number) => `2026-06-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
const a = 'sha256:aa';
const b = 'sha256:bb';

/** Folds events through a projection the way the runner does (documents by id, in log order). */
const fold = <D extends Document>(projection: Projection<D, never>, events: Event[]): Map<string, D> => {
  const docs = new Map<string, D>();
  const view = projection as unknown as Projection<D, Event>;
  events.forEach((event, i) => {
    const recorded = { ...event, id: `e${i}`, streamName: 'catalog.repository-team/app', revision: i, position: i + 1, metadata: {} } as RecordedEvent;
    for (const id of view.documentIds(recorded)) {
      const next = view.evolve(docs.get(id) ?? null, recorded, id);
      if (next) docs.set(id, next);
      else docs.delete(id);
    }
  });
  return docs;
};

const pointed = (tag: string, digest: string, minute: number): Event => ({ type: 'TagPointed', data: { repository: 'team/app', tag, digest, taggedAt: at(minute) } });

describe("retention's views of catalog's repositories", () => {
  it('keeps each tag with the manifest it names and when it was pointed there, until it or its manifest goes', () => {
    const docs = fold(tagsView, [
      pointed('v1', a, 1),
      pointed('v2', a, 2),
      pointed('v1', b, 3),
      pointed('v3', b, 4),
      { type: 'TagDeleted', data: { repository: 'team/app', tag: 'v2', digest: a, deletedAt: at(5) } },
      { type: 'ManifestDeleted', data: { repository: 'team/app', digest: b, size: 1, tags: ['v3'], deletedAt: at(6) } },
    ]);
    expect([...docs.values()]).toEqual([{ id: 'team/app:v1', repository: 'team/app', tag: 'v1', digest: b, pushedAt: at(3) }]);
  });

  it('remembers the last pull of each manifest from the digests pull batches name', () => {
    const docs = fold(pullsView, [
      { type: 'PullsRecorded', data: { repository: 'team/app', count: 3, recordedAt: at(1), digests: [a, b] } },
      { type: 'PullsRecorded', data: { repository: 'team/app', count: 1, recordedAt: at(2) } },
      { type: 'PullsRecorded', data: { repository: 'team/app', count: 1, recordedAt: at(3), digests: [a] } },
      { type: 'ManifestDeleted', data: { repository: 'team/app', digest: b, size: 1, tags: [], deletedAt: at(4) } },
    ]);
    expect([...docs.values()]).toEqual([{ id: `team/app@${a}`, repository: 'team/app', digest: a, pulledAt: at(3) }]);
  });

  it('knows when each existing repository was created, so policies of a deleted one never apply to its successor', () => {
    const docs = fold(repositoriesView, [
      { type: 'RepositoryCreated', data: { repository: 'team/app', createdAt: at(1) } },
      { type: 'RepositoryDeleted', data: { repository: 'team/app', tags: [], manifests: [], blobs: [] } },
      { type: 'RepositoryCreated', data: { repository: 'team/app', createdAt: at(9) } },
    ]);
    expect([...docs.values()]).toEqual([{ id: 'team/app', createdAt: at(9) }]);
  });

  it("records a history entry for each untagging of a retention run, and nothing for anyone else's", () => {
    const docs = fold(historyView, [
      { type: 'TagDeleted', data: { repository: 'team/app', tag: 'v1', digest: a, deletedAt: at(1) } },
      { type: 'TagDeleted', data: { repository: 'team/app', tag: 'v2', digest: a, deletedAt: at(2), retentionRunId: 'run-1' } },
    ]);
    expect([...docs.values()]).toEqual([{ id: '2', historyId: 2, namespace: 'team', repository: 'team/app', tag: 'v2', digest: a, runId: 'run-1', deletedAt: at(2) }]);
  });
});

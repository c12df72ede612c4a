import { DeciderSpecification } from '@wharf/event-store/testing';
import { gcProgressDecider, type GcProgressEvent } from './gc-progress.decider';

const now = '2026-11-23T10:00:00.000Z';
const spec = DeciderSpecification.for(gcProgressDecider);
const fold = (events: GcProgressEvent[]) => events.reduce(gcProgressDecider.evolve, gcProgressDecider.initialState());
const content = (n: number, size = 10) => Array.from({ length: n }, (_, i) => ({ digest: `sha256:${String(i).padStart(64, '0')}`, size }));
const collected = (repository: string, manifests: number, blobs: number): GcProgressEvent => ({
  type: 'ContentCollected',
  data: { runId: 'r', repository, manifests: content(manifests), blobs: content(blobs, 100), collectedAt: now },
});

describe('a run’s records of what it took', () => {
  it('records what a catalog call took, and nothing for a call that took nothing', () => {
    spec.given([]).when({ type: 'RecordCollection', data: { runId: 'r', repository: 'team/app', manifests: content(1), blobs: [] }, metadata: { now } }).then([
      { type: 'ContentCollected', data: { runId: 'r', repository: 'team/app', manifests: content(1), blobs: [], collectedAt: now } },
    ]);
    spec.given([]).when({ type: 'RecordCollection', data: { runId: 'r', repository: 'team/app', manifests: [], blobs: [] }, metadata: { now } }).then([]);
  });

  it('records the digests a batch swept with the objects and bytes it deleted, and nothing for an empty batch', () => {
    spec.given([]).when({ type: 'RecordSweep', data: { runId: 'r', digests: ['sha256:aa'], objects: 1, bytes: 7 }, metadata: { now } }).then([
      { type: 'ContentSwept', data: { runId: 'r', digests: ['sha256:aa'], objects: 1, bytes: 7, sweptAt: now } },
    ]);
    spec.given([]).when({ type: 'RecordSweep', data: { runId: 'r', digests: [], objects: 0, bytes: 0 }, metadata: { now } }).then([]);
  });

  it('adds up a run resumed mid-way: what it took before the restart counts with what it took after', () => {
    const beforeRestart: GcProgressEvent[] = [
      ...Array.from({ length: 10 }, () => collected('team/app', 100, 0)),
      { type: 'ContentSwept', data: { runId: 'r', digests: ['sha256:aa', 'sha256:bb'], objects: 2, bytes: 300, sweptAt: now } },
    ];
    const afterRestart: GcProgressEvent[] = [
      ...Array.from({ length: 5 }, () => collected('team/app', 100, 0)),
      collected('team/app', 0, 40),
      { type: 'ContentSwept', data: { runId: 'r', digests: ['sha256:cc'], objects: 1, bytes: 50, sweptAt: now } },
    ];
    const progress = fold([...beforeRestart, ...afterRestart]);
    expect([progress.manifests.length, progress.blobs.length, progress.storageObjects, progress.storageBytes]).toEqual([1500, 40, 3, 350]);
  });

  it('reads sweep records made before they counted objects and bytes as deleting none', () => {
    const progress = fold([{ type: 'ContentSwept', data: { runId: 'r', digests: ['sha256:aa'], sweptAt: now } }]);
    expect([progress.storageObjects, progress.storageBytes]).toEqual([0, 0]);
  });
});

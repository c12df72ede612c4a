import type { Principal } from '@wharf/contracts/identity';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { gcRunDecider, type GcRunCommand, type GcRunEvent } from './gc-run.decider';

const now = '2026-11-23T10:00:00.000Z';
const actor: Principal = { accountId: 'acc', accountName: 'acme', userId: 'u1', userName: 'dev', accountAdmin: true, systemAdmin: false };
const registry = { registryId: '6f1c2a54-5b0e-4d8e-9a53-0c9b2b1f7e11', namespace: 'team' };
const spec = DeciderSpecification.for(gcRunDecider);

const start = (data: Partial<Extract<GcRunCommand, { type: 'StartGarbageCollection' }>['data']> = {}): GcRunCommand => ({
  type: 'StartGarbageCollection',
  data: { runId: 'run-2', ...registry, accountId: 'acc', actor, auth: 7, deleteUntagged: true, graceSeconds: 3600, whenRunning: 'refuse', ...data },
  metadata: { now },
});
const command = <T extends GcRunCommand['type']>(type: T, data: Extract<GcRunCommand, { type: T }>['data']) => ({ type, data, metadata: { now } }) as GcRunCommand;
const started = (runId: string, deleteUntagged = true): GcRunEvent => ({
  type: 'GarbageCollectionStarted',
  data: { runId, ...registry, deleteUntagged, startedAt: now, protectedAfter: '2026-11-23T09:00:00.000Z', requestedBy: actor },
});
const finished: GcRunEvent = {
  type: 'GarbageCollectionFinished',
  data: { runId: 'run-1', freedBytes: 10, manifestsDeleted: 1, blobsUnlinked: 2, storageObjectsDeleted: 3, storageBytesDeleted: 30, finishedAt: now },
};

describe('garbage-collection runs of a registry', () => {
  it('starts a run protecting what was linked or pushed within the grace window', () => {
    spec.given([]).when(start({ runId: 'run-1' })).then([started('run-1')]);
    spec.given([]).when(start({ runId: 'run-1', graceSeconds: 0, deleteUntagged: false })).then([
      { type: 'GarbageCollectionStarted', data: { runId: 'run-1', ...registry, deleteUntagged: false, startedAt: now, protectedAfter: now, requestedBy: actor } },
    ]);
  });

  it('refuses a second run while one is under way, and starts one after it ended', () => {
    spec.given([started('run-1')]).when(start()).thenThrows({ code: 'LIFECYCLE.GC_IN_PROGRESS' });
    spec.given([started('run-1'), finished]).when(start()).then([started('run-2')]);
    spec.given([started('run-1'), { type: 'GarbageCollectionFailed', data: { runId: 'run-1', error: 'disk', failedAt: now } }]).when(start()).then([started('run-2')]);
  });

  it('needs manage (7), and hides another account’s registry', () => {
    spec.given([]).when(start({ auth: 3 })).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    spec.given([]).when(start({ auth: null })).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    spec.given([]).when(start({ actor: { ...actor, accountId: 'other' } })).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND', message: 'Registry not found.' });
  });

  it('queues one follow-up behind a running run when asked to, and starts it (without delete-untagged) when the run ends', () => {
    const queued: GcRunEvent = { type: 'GarbageCollectionQueued', data: { runId: 'run-1', queuedAt: now, requestedBy: actor } };
    spec.given([started('run-1')]).when(start({ whenRunning: 'queue' })).then([queued]);
    spec.given([started('run-1'), queued]).when(start({ whenRunning: 'queue' })).then([]);
    spec.given([started('run-1'), queued]).when(command('StartQueuedGarbageCollection', { runId: 'run-2', graceSeconds: 3600 })).then([]);
    spec.given([started('run-1'), queued, finished]).when(command('StartQueuedGarbageCollection', { runId: 'run-2', graceSeconds: 3600 })).then([started('run-2', false)]);
    spec.given([started('run-1'), finished]).when(command('StartQueuedGarbageCollection', { runId: 'run-2', graceSeconds: 3600 })).then([]);
  });

  it('records the steps of the run under way only', () => {
    spec.given([started('run-1')]).when(command('RecordMark', { runId: 'run-1', predictedBytes: 10, manifests: 1, blobs: 2 })).then([
      { type: 'GarbageCollectionMarked', data: { runId: 'run-1', predictedBytes: 10, manifests: 1, blobs: 2, markedAt: now } },
    ]);
    spec.given([started('run-1')]).when(command('ResumeGarbageCollection', { runId: 'run-1' })).then([{ type: 'GarbageCollectionResumed', data: { runId: 'run-1', resumedAt: now } }]);
    spec.given([started('run-1')]).when(command('FailGarbageCollection', { runId: 'run-1', error: 'disk full' })).then([
      { type: 'GarbageCollectionFailed', data: { runId: 'run-1', error: 'disk full', failedAt: now } },
    ]);
    spec.given([started('run-1'), finished]).when(command('ResumeGarbageCollection', { runId: 'run-1' })).thenThrows({ code: 'LIFECYCLE.GC_RUN_NOT_ACTIVE' });
    spec.given([started('run-1')]).when(command('RecordMark', { runId: 'run-0', predictedBytes: 0, manifests: 0, blobs: 0 })).thenThrows({ code: 'LIFECYCLE.GC_RUN_NOT_ACTIVE' });
  });
});

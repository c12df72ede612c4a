import { DomainError } from '@wharf/contracts';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * A registry's garbage-collection runs, one stream per registry (`lifecycle.gc-<registryId>`): at most one run
 * is under way; a collection asked for meanwhile by a cleanup is queued and starts when the run ends.
 */

interface RunOf {
  runId: string;
}
export type GarbageCollectionStarted = Event<
  'GarbageCollectionStarted',
  RunOf & {
    registryId: string;
    namespace: string;
    deleteUntagged: boolean;
    startedAt: string;
    /** The start minus the grace window: content linked or pushed after it is never collected. */
    protectedAfter: string;
    requestedBy: Principal;
  }
>;
/** A collection was asked for while run `runId` was under way. */
export type GarbageCollectionQueued = Event<'GarbageCollectionQueued', RunOf & { queuedAt: string; requestedBy: Principal }>;
export type GarbageCollectionMarked = Event<'GarbageCollectionMarked', RunOf & { predictedBytes: number; manifests: number; blobs: number; markedAt: string }>;
/** The process running the run stopped before it ended; a new one carries on from the mark. */
export type GarbageCollectionResumed = Event<'GarbageCollectionResumed', RunOf & { resumedAt: string }>;
export interface GcResults {
  freedBytes: number;
  manifestsDeleted: number;
  blobsUnlinked: number;
  storageObjectsDeleted: number;
  storageBytesDeleted: number;
}
export type GarbageCollectionFinished = Event<'GarbageCollectionFinished', RunOf & GcResults & { finishedAt: string }>;
export type GarbageCollectionFailed = Event<'GarbageCollectionFailed', RunOf & { error: string; failedAt: string }>;
export type GcRunEvent =
  | GarbageCollectionStarted
  | GarbageCollectionQueued
  | GarbageCollectionMarked
  | GarbageCollectionResumed
  | GarbageCollectionFinished
  | GarbageCollectionFailed;

/**
 * `accountId` is the registry's account and `auth` the caller's level that this request needs (on the registry,
 * or on the repository a cleanup cleans), as the handler found them. `whenRunning` says what a request finds
 * when a run is under way: `refuse` (409) or `queue` a follow-up run.
 */
export type StartGarbageCollection = Command<
  'StartGarbageCollection',
  RunOf & {
    registryId: string;
    namespace: string;
    accountId: string;
    actor: Principal;
    auth: AuthLevel | null;
    deleteUntagged: boolean;
    graceSeconds: number;
    whenRunning: 'refuse' | 'queue';
  }
>;
export type StartQueuedGarbageCollection = Command<'StartQueuedGarbageCollection', RunOf & { graceSeconds: number }>;
export type RecordMark = Command<'RecordMark', RunOf & { predictedBytes: number; manifests: number; blobs: number }>;
export type ResumeGarbageCollection = Command<'ResumeGarbageCollection', RunOf>;
export type FinishGarbageCollection = Command<'FinishGarbageCollection', RunOf & GcResults>;
export type FailGarbageCollection = Command<'FailGarbageCollection', RunOf & { error: string }>;
export type GcRunCommand =
  | StartGarbageCollection
  | StartQueuedGarbageCollection
  | RecordMark
  | ResumeGarbageCollection
  | FinishGarbageCollection
  | FailGarbageCollection;

export interface ActiveRun {
  runId: string;
  registryId: string;
  namespace: string;
}

export interface GcRunState {
  active: ActiveRun | null;
  queued: Principal | null;
  /** The registry's identity, known once a run started. */
  registry: { registryId: string; namespace: string } | null;
}

export const initialState = (): GcRunState => ({ active: null, queued: null, registry: null });

export const evolve = (state: GcRunState, event: GcRunEvent): GcRunState => {
  switch (event.type) {
    case 'GarbageCollectionStarted': {
      const { runId, registryId, namespace } = event.data;
      return { active: { runId, registryId, namespace }, queued: null, registry: { registryId, namespace } };
    }
    case 'GarbageCollectionQueued':
      return { ...state, queued: event.data.requestedBy };
    case 'GarbageCollectionFinished':
    case 'GarbageCollectionFailed':
      return { ...state, active: null };
    default:
      return state;
  }
};

const protectedAfter = (now: string, graceSeconds: number): string => new Date(Date.parse(now) - graceSeconds * 1000).toISOString();

const started = (
  command: { metadata: { now: string } },
  run: { runId: string; registryId: string; namespace: string; deleteUntagged: boolean; graceSeconds: number; requestedBy: Principal },
): GarbageCollectionStarted => {
  const { runId, registryId, namespace, deleteUntagged, graceSeconds, requestedBy } = run;
  const now = command.metadata.now;
  return { type: 'GarbageCollectionStarted', data: { runId, registryId, namespace, deleteUntagged, startedAt: now, protectedAfter: protectedAfter(now, graceSeconds), requestedBy } };
};

const requireActive = (state: GcRunState, runId: string): void => {
  if (state.active?.runId !== runId) throw new DomainError('LIFECYCLE.GC_RUN_NOT_ACTIVE', { runId });
};

export const decide = (command: GcRunCommand, state: GcRunState): GcRunEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'StartGarbageCollection': {
      const { runId, registryId, namespace, accountId, actor, auth, deleteUntagged, graceSeconds, whenRunning } = command.data;
      // Another account's registry does not exist for the caller.
      if (actor.accountId !== accountId) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { registryId }, 'Registry not found.');
      if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { registryId }, 'This needs manage (7) permission');
      if (state.active) {
        if (whenRunning === 'refuse') throw new DomainError('LIFECYCLE.GC_IN_PROGRESS', { registryId, runId: state.active.runId });
        return state.queued ? [] : [{ type: 'GarbageCollectionQueued', data: { runId: state.active.runId, queuedAt: now, requestedBy: actor } }];
      }
      return [started(command, { runId, registryId, namespace, deleteUntagged, graceSeconds, requestedBy: actor })];
    }
    case 'StartQueuedGarbageCollection': {
      if (state.active || !state.queued || !state.registry) return [];
      const { runId, graceSeconds } = command.data;
      return [started(command, { runId, ...state.registry, deleteUntagged: false, graceSeconds, requestedBy: state.queued })];
    }
    case 'RecordMark': {
      const { runId, predictedBytes, manifests, blobs } = command.data;
      requireActive(state, runId);
      return [{ type: 'GarbageCollectionMarked', data: { runId, predictedBytes, manifests, blobs, markedAt: now } }];
    }
    case 'ResumeGarbageCollection':
      requireActive(state, command.data.runId);
      return [{ type: 'GarbageCollectionResumed', data: { runId: command.data.runId, resumedAt: now } }];
    case 'FinishGarbageCollection': {
      const { runId, ...results } = command.data;
      requireActive(state, runId);
      return [{ type: 'GarbageCollectionFinished', data: { runId, ...results, finishedAt: now } }];
    }
    case 'FailGarbageCollection': {
      const { runId, error } = command.data;
      requireActive(state, runId);
      return [{ type: 'GarbageCollectionFailed', data: { runId, error, failedAt: now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const gcRunDecider: Decider<GcRunState, GcRunCommand, GcRunEvent> = { decide, evolve, initialState };

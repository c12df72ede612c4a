import type { CollectedContent } from '@wharf/contracts/catalog';
import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * What a run has done so far, on a stream of the run's own (`lifecycle.sweep-<runId>`), recorded step by step so
 * that a run resumed after its process died reports the work done before as well. The registry's run stream
 * stays short however much a run collects and sweeps.
 */

/** What one catalog call took from a repository. */
export type ContentCollected = Event<'ContentCollected', { runId: string; repository: string; manifests: CollectedContent[]; blobs: CollectedContent[]; collectedAt: string }>;
/**
 * Digests whose bytes are gone from storage (deleted by the run, or already absent) and that nothing references,
 * with the objects and bytes this batch deleted (absent from records made before they were counted).
 */
export type ContentSwept = Event<'ContentSwept', { runId: string; digests: string[]; objects?: number; bytes?: number; sweptAt: string }>;
export type GcProgressEvent = ContentCollected | ContentSwept;

export type RecordCollection = Command<'RecordCollection', { runId: string; repository: string; manifests: CollectedContent[]; blobs: CollectedContent[] }>;
export type RecordSweep = Command<'RecordSweep', { runId: string; digests: string[]; objects: number; bytes: number }>;
export type GcProgressCommand = RecordCollection | RecordSweep;

/** Everything a run's records add up to. */
export interface GcProgress {
  manifests: CollectedContent[];
  blobs: CollectedContent[];
  storageObjects: number;
  storageBytes: number;
}

export const initialState = (): GcProgress => ({ manifests: [], blobs: [], storageObjects: 0, storageBytes: 0 });

/** Updates the state in place: a state belongs to the one fold that builds it, which keeps long runs cheap. */
export const evolve = (state: GcProgress, event: GcProgressEvent): GcProgress => {
  switch (event.type) {
    case 'ContentCollected':
      state.manifests.push(...event.data.manifests);
      state.blobs.push(...event.data.blobs);
      return state;
    case 'ContentSwept':
      state.storageObjects += event.data.objects ?? 0;
      state.storageBytes += event.data.bytes ?? 0;
      return state;
    default:
      return state;
  }
};

/** Records are facts about work done: nothing to refuse, nothing recorded for a step that did nothing. */
export const decide = (command: GcProgressCommand, _state: GcProgress): GcProgressEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'RecordCollection': {
      const { runId, repository, manifests, blobs } = command.data;
      return manifests.length + blobs.length === 0 ? [] : [{ type: 'ContentCollected', data: { runId, repository, manifests, blobs, collectedAt: now } }];
    }
    case 'RecordSweep': {
      const { runId, digests, objects, bytes } = command.data;
      return digests.length === 0 ? [] : [{ type: 'ContentSwept', data: { runId, digests, objects, bytes, sweptAt: now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const gcProgressDecider: Decider<GcProgress, GcProgressCommand, GcProgressEvent> = { decide, evolve, initialState };

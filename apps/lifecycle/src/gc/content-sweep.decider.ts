import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * What a run's storage sweep deleted, on a stream of the run's own (`lifecycle.sweep-<runId>`), so that the
 * registry's run stream stays short however much a run sweeps.
 */

/** Digests whose bytes are gone from storage (deleted by the run, or already absent) and that nothing references. */
export type ContentSwept = Event<'ContentSwept', { runId: string; digests: string[]; sweptAt: string }>;
export type RecordSweep = Command<'RecordSweep', { runId: string; digests: string[] }>;

export const contentSweepDecider: Decider<null, RecordSweep, ContentSwept> = {
  initialState: () => null,
  evolve: (state) => state,
  decide: ({ data: { runId, digests }, metadata }) => (digests.length === 0 ? [] : [{ type: 'ContentSwept', data: { runId, digests, sweptAt: metadata.now } }]),
};

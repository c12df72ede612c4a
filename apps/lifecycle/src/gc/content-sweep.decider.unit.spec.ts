import { DeciderSpecification } from '@wharf/event-store/testing';
import { contentSweepDecider } from './content-sweep.decider';

const now = '2026-11-23T10:00:00.000Z';
const spec = DeciderSpecification.for(contentSweepDecider);

describe('a run’s sweep record', () => {
  it('records the digests a batch swept, and nothing for an empty batch', () => {
    spec.given([]).when({ type: 'RecordSweep', data: { runId: 'r', digests: ['sha256:aa'] }, metadata: { now } }).then([
      { type: 'ContentSwept', data: { runId: 'r', digests: ['sha256:aa'], sweptAt: now } },
    ]);
    spec.given([]).when({ type: 'RecordSweep', data: { runId: 'r', digests: [] }, metadata: { now } }).then([]);
  });
});

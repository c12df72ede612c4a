import { ExpectedVersionConflictError, getInMemoryEventStore, type Decider, type EventStore } from '@wharf/event-store';
import { CommandRunner } from './command-runner';
import type { ProjectionHost } from './projection-host';

type Counter = { count: number };
const counter: Decider<Counter, { type: 'Add'; data: { by: number }; metadata: { now: string } }, { type: 'Added'; data: { by: number } }> = {
  initialState: () => ({ count: 0 }),
  evolve: (state, event) => ({ count: state.count + event.data.by }),
  decide: (command) => [{ type: 'Added', data: { by: command.data.by } }],
};

const runnerOver = (events: EventStore) => new CommandRunner(events, { now: () => new Date('2026-11-23T10:00:00Z') }, {} as ProjectionHost);

describe('CommandRunner', () => {
  it('appends the decided events stamped with the time and the actor', async () => {
    const events = getInMemoryEventStore();
    await runnerOver(events).run('counter-1', counter, { type: 'Add', data: { by: 2 } }, { actor: { accountId: 'a', userId: 'u' }, readModels: [] });
    const [recorded] = await events.readStream('counter-1');
    expect([recorded?.type, recorded?.data, recorded?.metadata]).toEqual(['Added', { by: 2 }, expect.objectContaining({ now: '2026-11-23T10:00:00.000Z', actor: { accountId: 'a', userId: 'u' } })]);
  });

  it('answers a stream still contended after every retry with a retryable conflict, not an internal error', async () => {
    const inner = getInMemoryEventStore();
    const contended: EventStore = {
      ...inner,
      readStream: (...args) => inner.readStream(...args),
      appendToStream: async (stream) => {
        throw new ExpectedVersionConflictError(stream, 'no_stream', 0);
      },
    };
    await expect(runnerOver(contended).run('counter-2', counter, { type: 'Add', data: { by: 1 } }, { readModels: [] })).rejects.toMatchObject({
      code: 'PLATFORM.CONCURRENCY_CONFLICT',
    });
  });
});

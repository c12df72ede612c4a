import { DomainError } from '@wharf/contracts';
import { ExpectedVersionConflictError, getInMemoryEventStore, type Decider, type EventStore } from '@wharf/event-store';
import { CommandRunner } from './command-runner';
import type { ProjectionHost } from './projection-host';

type Counter = { count: number };
const counter: Decider<Counter, { type: 'Add'; data: { by: number }; metadata: { now: string } }, { type: 'Added'; data: { by: number } }> = {
  initialState: () => ({ count: 0 }),
  evolve: (state, event) => ({ count: state.count + event.data.by }),
  decide: (command) => [{ type: 'Added', data: { by: command.data.by } }],
};

type Guarded = { type: 'Change'; data: { allowed: boolean; code?: 'CATALOG.NAMESPACE_FORBIDDEN' | 'CATALOG.NAMESPACE_NOT_FOUND'; secret: string }; metadata: { now: string } };
const guarded: Decider<object, Guarded, { type: 'Changed'; data: object }> = {
  initialState: () => ({}),
  evolve: (state) => state,
  decide: (command) => {
    if (!command.data.allowed) throw new DomainError(command.data.code ?? 'CATALOG.NAMESPACE_FORBIDDEN', {});
    return [{ type: 'Changed', data: {} }];
  },
};
const actor = { accountId: 'a', userId: 'u', tokenId: 't', accountName: 'acme', userName: 'dev', accountAdmin: false };

const runnerOver = (events: EventStore) => new CommandRunner(events, { now: () => new Date('2026-11-23T10:00:00Z') }, {} as ProjectionHost);

describe('CommandRunner', () => {
  it('appends the decided events stamped with the time and the actor', async () => {
    const events = getInMemoryEventStore();
    await runnerOver(events).run('counter-1', counter, { type: 'Add', data: { by: 2 } }, { actor: { accountId: 'a', userId: 'u' }, readModels: [] });
    const [recorded] = await events.readStream('counter-1');
    expect([recorded?.type, recorded?.data, recorded?.metadata]).toEqual(['Added', { by: 2 }, expect.objectContaining({ now: '2026-11-23T10:00:00.000Z', actor: { accountId: 'a', userId: 'u' } })]);
  });

  it('records the token and the names of the actor, and nothing else of the principal', async () => {
    const events = getInMemoryEventStore();
    await runnerOver(events).run('counter-3', counter, { type: 'Add', data: { by: 1 } }, { actor, readModels: [] });
    const [recorded] = await events.readStream('counter-3');
    expect(recorded?.metadata.actor).toEqual({ accountId: 'a', userId: 'u', tokenId: 't', accountName: 'acme', userName: 'dev' });
  });

  it("records a decider's permission refusal of an actor's command on a stream of its own, without the command's data", async () => {
    const events = getInMemoryEventStore();
    const refused = runnerOver(events).run('catalog.namespace-team', guarded, { type: 'Change', data: { allowed: false, secret: 'hunter2' } }, { actor, readModels: [] });
    await expect(refused).rejects.toMatchObject({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    const log = await events.readAll();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      type: 'CommandRefused',
      streamName: expect.stringMatching(/^catalog\.refusal-[0-9a-f-]{36}$/),
      data: { command: 'Change', stream: 'catalog.namespace-team', code: 'CATALOG.NAMESPACE_FORBIDDEN' },
      metadata: { now: '2026-11-23T10:00:00.000Z', actor: { accountId: 'a', userId: 'u', tokenId: 't', accountName: 'acme', userName: 'dev' } },
    });
    expect(JSON.stringify(log)).not.toContain('hunter2');
    expect(await events.readStream('catalog.namespace-team')).toEqual([]);
  });

  it('records no refusal for other errors, nor for commands without an actor', async () => {
    const events = getInMemoryEventStore();
    const runner = runnerOver(events);
    await expect(runner.run('catalog.namespace-a', guarded, { type: 'Change', data: { allowed: false, code: 'CATALOG.NAMESPACE_NOT_FOUND', secret: '' } }, { actor, readModels: [] })).rejects.toMatchObject({
      code: 'CATALOG.NAMESPACE_NOT_FOUND',
    });
    await expect(runner.run('catalog.namespace-b', guarded, { type: 'Change', data: { allowed: false, secret: '' } }, { readModels: [] })).rejects.toMatchObject({
      code: 'CATALOG.NAMESPACE_FORBIDDEN',
    });
    expect(await events.readAll()).toEqual([]);
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

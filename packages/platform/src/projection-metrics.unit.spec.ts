import { getInMemoryEventStore, NO_STREAM, type EventStore } from '@wharf/event-store';
import { renderMetrics } from '@wharf/observability';
import type { ProjectionHost } from './projection-host';
import { ProjectionMetrics } from './projection-metrics';

const hostAt = (checkpoints: Record<string, number>) => ({ checkpoints: () => Object.entries(checkpoints).map(([name, checkpoint]) => ({ name, checkpoint })) }) as unknown as ProjectionHost;
const lagLines = async () => (await renderMetrics()).body.split('\n').filter((line) => line.startsWith('wharf_projection_lag_events{'));

describe('projection lag metrics', () => {
  it("reports each running service's read models behind the head of the log, and forgets a service once it stops", async () => {
    const events = getInMemoryEventStore();
    for (const id of ['1', '2', '3']) await events.appendToStream(`test.thing-${id}`, [{ type: 'Happened', data: {} }], { expectedRevision: NO_STREAM });
    const head = await events.headPosition();
    const running = new ProjectionMetrics('catalog', hostAt({ tags: head, repositories: head - 2 }), events);
    running.onApplicationBootstrap();
    expect(await lagLines()).toEqual(['wharf_projection_lag_events{service="catalog",projection="tags"} 0', 'wharf_projection_lag_events{service="catalog",projection="repositories"} 2']);
    running.beforeApplicationShutdown();
    expect(await lagLines()).toEqual([]);
  });

  it('leaves out the read models of a store that does not answer, and still renders the rest', async () => {
    const broken = { headPosition: () => Promise.reject(new Error('store is down')) } as unknown as EventStore;
    const working = getInMemoryEventStore();
    const failing = new ProjectionMetrics('access', hostAt({ permissions: 0 }), broken);
    const fine = new ProjectionMetrics('identity', hostAt({ users: 0 }), working);
    failing.onApplicationBootstrap();
    fine.onApplicationBootstrap();
    expect(await lagLines()).toEqual(['wharf_projection_lag_events{service="identity",projection="users"} 0']);
    failing.beforeApplicationShutdown();
    fine.beforeApplicationShutdown();
  });
});

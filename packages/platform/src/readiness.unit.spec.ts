import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getInMemoryEventStore } from '@wharf/event-store';
import { getSqliteEventStore } from '@wharf/event-store-sqlite';
import { eventStoreReadiness, readiness, type ReadinessCheck } from './readiness';

const answering = (name: string, details: Record<string, unknown> = {}): ReadinessCheck => ({ name, probe: async () => details });
const failing = (name: string, message: string): ReadinessCheck => ({
  name,
  probe: async () => {
    throw new Error(message);
  },
});

describe('readiness', () => {
  it('is ready when every check answers, each up with its details', async () => {
    const reply = await readiness('catalog', [answering('eventStore', { headPosition: 3 }), answering('readModels')]);
    expect(reply).toEqual({ service: 'catalog', ready: true, checks: { eventStore: { status: 'up', headPosition: 3 }, readModels: { status: 'up' } } });
  });

  it('is not ready when one check fails, which is down with the reason while the others stay up', async () => {
    const reply = await readiness('registry', [answering('eventStore'), failing('blobStore', 'disk gone')]);
    expect(reply.ready).toBe(false);
    expect(reply.checks).toEqual({ eventStore: { status: 'up' }, blobStore: { status: 'down', error: 'disk gone' } });
  });

  it('the event store check reports the head of the log', async () => {
    const events = getInMemoryEventStore();
    await events.appendToStream('catalog.thing-1', [{ type: 'ThingHappened', data: {}, metadata: {} }]);
    expect((await readiness('catalog', [eventStoreReadiness(events)])).checks.eventStore).toEqual({ status: 'up', headPosition: await events.headPosition() });
  });

  it('the event store check is down, with the error of the store, once the SQLite store is closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-readiness-'));
    try {
      const events = getSqliteEventStore({ path: join(dir, 'events.db') });
      await events.close();
      const reply = await readiness('catalog', [eventStoreReadiness(events)]);
      expect(reply.ready).toBe(false);
      expect(reply.checks.eventStore).toEqual({ status: 'down', error: expect.any(String) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

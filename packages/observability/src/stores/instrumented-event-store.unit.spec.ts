import { getInMemoryEventStore, NO_STREAM } from '@wharf/event-store';
import { eventStoreContract } from '@wharf/event-store/testing';
import { sampled as valueOf } from '../testing-only/sampled';
import { instrumentEventStore, streamCategory } from './instrumented-event-store';

// The decorated store is still an event store: the whole contract suite passes through it.
eventStoreContract('in-memory, instrumented', { open: async () => instrumentEventStore(getInMemoryEventStore()) });

describe('instrumentEventStore', () => {
  it('names streams by category, never by id', () => {
    expect(streamCategory('catalog.repository-0b6f6a55-1c7e-4c3e-9d55-8f0b2c1d9e01')).toBe('catalog.repository');
    expect(streamCategory('catalog.sequence-namespace')).toBe('catalog.sequence');
    expect(streamCategory('singleton')).toBe('singleton');
  });

  it('counts appends by outcome, the events appended and the time each append took', async () => {
    const store = instrumentEventStore(getInMemoryEventStore());
    const category = 'test.counted';
    const event = { type: 'Happened', data: {} };
    await store.appendToStream(`${category}-1`, [event, event], { expectedRevision: NO_STREAM });
    await store.appendToStream(`${category}-2`, [event], { expectedRevision: NO_STREAM });
    await expect(store.appendToStream(`${category}-1`, [event], { expectedRevision: NO_STREAM })).rejects.toThrow('expected revision');
    expect(await valueOf('wharf_event_store_appends_total', { category, outcome: 'ok' })).toBe(2);
    expect(await valueOf('wharf_event_store_appends_total', { category, outcome: 'conflict' })).toBe(1);
    expect(await valueOf('wharf_event_store_appended_events_total', { category })).toBe(3);
    expect(await valueOf('wharf_event_store_append_seconds', { category }, 'wharf_event_store_append_seconds_count')).toBe(3);
  });
});

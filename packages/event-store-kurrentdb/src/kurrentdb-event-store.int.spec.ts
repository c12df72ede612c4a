import { eventStoreContract } from '@wharf/event-store/testing';
import type { EventStore } from '@wharf/event-store';
import { serverUrlOrSkip } from '@wharf/testing';
import { getKurrentDbEventStore } from './kurrentdb-event-store';

const url = serverUrlOrSkip('kurrentdb');

if (url) {
  /** Every store the suite opens, so teardown releases their clients even when a test fails before closing one. */
  const opened: EventStore[] = [];
  const open = async (): Promise<EventStore> => {
    const store = getKurrentDbEventStore({ connectionString: url });
    opened.push(store);
    return store;
  };
  eventStoreContract('kurrentdb', {
    open,
    // A new client on the same server, as a restarted process would have.
    reopen: open,
    teardown: async () => {
      await Promise.all(opened.map((store) => store.close()));
    },
  });
} else {
  describe.skip('EventStore contract: kurrentdb (no server: see the printed reason)', () => {
    it('needs KURRENTDB_URL or a container runtime', () => undefined);
  });
}

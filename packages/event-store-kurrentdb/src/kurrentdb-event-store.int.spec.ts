import { eventStoreContract } from '@wharf/event-store/testing';
import { serverUrlOrSkip } from '@wharf/testing';
import { getKurrentDbEventStore } from './kurrentdb-event-store';

const url = serverUrlOrSkip('kurrentdb');

if (url) {
  eventStoreContract('kurrentdb', {
    open: async () => getKurrentDbEventStore({ connectionString: url }),
    reopen: async () => getKurrentDbEventStore({ connectionString: url }),
  });
} else {
  describe.skip('EventStore contract: kurrentdb (no server: see the printed reason)', () => {
    it('needs KURRENTDB_URL or a container runtime', () => undefined);
  });
}

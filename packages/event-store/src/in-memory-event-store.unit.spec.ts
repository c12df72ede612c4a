import { getInMemoryEventStore } from './in-memory-event-store';
import { eventStoreContract } from './testing';

eventStoreContract('in-memory', { open: async () => getInMemoryEventStore() });

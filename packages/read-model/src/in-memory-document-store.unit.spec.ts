import { getInMemoryDocumentStore } from './in-memory-document-store';
import { documentStoreContract } from './testing';

documentStoreContract('in-memory', { open: async () => getInMemoryDocumentStore() });

import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { documentStoreContract } from '@wharf/read-model/testing';
import { serverUrlOrSkip } from '@wharf/testing';
import { getMongoDocumentStore } from './mongo-document-store';

const url = serverUrlOrSkip('mongodb');

if (url) {
  const database = `wharf_contract_${randomUUID().slice(0, 8)}`;
  documentStoreContract('mongodb', {
    open: async () => getMongoDocumentStore({ url, database }),
    reopen: async () => getMongoDocumentStore({ url, database }),
    teardown: async () => {
      const client = await MongoClient.connect(url);
      await client.db(database).dropDatabase();
      await client.close();
    },
  });
} else {
  describe.skip('DocumentStore contract: mongodb (no server: see the printed reason)', () => {
    it('needs MONGODB_URL or a container runtime', () => undefined);
  });
}

import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { InvalidQueryError, type DocumentStore } from '@wharf/read-model';
import { documentStoreContract } from '@wharf/read-model/testing';
import { serverUrlOrSkip } from '@wharf/testing';
import { getMongoDocumentStore } from './mongo-document-store';

const url = serverUrlOrSkip('mongodb');

if (url) {
  // A fresh database per run, so runs against a shared server never see each other's data.
  const database = `wharf_contract_${randomUUID().slice(0, 8)}`;
  const dropDatabase = async () => {
    const client = await MongoClient.connect(url);
    try {
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  };

  documentStoreContract('mongodb', {
    open: async () => getMongoDocumentStore({ url, database }),
    reopen: async () => getMongoDocumentStore({ url, database }),
  });

  describe('MongoDB document store', () => {
    let client: MongoClient;
    let store: DocumentStore;
    beforeAll(async () => {
      client = await MongoClient.connect(url);
      store = getMongoDocumentStore({ client, database });
    });
    afterAll(async () => {
      await store.close();
      await client.close();
      await dropDatabase();
    });
    const fresh = () => `m${randomUUID().replace(/-/g, '').slice(0, 12)}`;

    it('stores documents flat with their id, and filters and sorts on id', async () => {
      const name = fresh();
      await store.commit(['b', 'a', 'c'].map((id, i) => ({ collection: name, id, position: i + 1, doc: { id, n: i } })));
      const raw = await client.db(database).collection(name).findOne({ _id: 'a' as never });
      expect(raw).toEqual({ _id: 'a', id: 'a', n: 1, _position: 2 });
      const c = store.collection(name);
      expect((await c.find({ where: [{ field: 'id', op: 'in', values: ['a', 'c'] }] })).map((d) => d.id)).toEqual(['a', 'c']);
      expect((await c.find({ sort: [{ field: 'id', direction: 'desc' }] })).map((d) => d.id)).toEqual(['c', 'b', 'a']);
    });

    it('keeps values that look like operators or expressions literal', async () => {
      const name = fresh();
      const doc = { id: 'x', name: '$name', nested: { root: '$$ROOT', list: ['$x', { $literal: 1 }] } };
      await store.commit([{ collection: name, id: 'x', position: 1, doc }]);
      expect(await store.collection(name).get('x')).toEqual(doc);
      expect((await store.collection(name).find({ where: [{ field: 'name', op: 'prefix', value: '$na' }] })).length).toBe(1);
      expect((await store.collection(name).find({ where: [{ field: 'name', op: 'contains', value: '.*' }] })).length).toBe(0);
    });

    it('applies concurrent writes of one new document in position order', async () => {
      const name = fresh();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.commit([{ collection: name, id: 'race', position: i + 1, doc: { id: 'race', v: i + 1 } }])),
      );
      expect(await store.readStored(name, 'race')).toEqual({ doc: { id: 'race', v: 20 }, position: 20 });
    });

    it('refuses reserved fields, reserved collection names and non-identifier collection names', async () => {
      await expect(store.commit([{ collection: fresh(), id: 'x', position: 1, doc: { id: 'x', _position: 9 } }])).rejects.toThrow('reserved');
      expect(() => store.collection('checkpoints')).toThrow(InvalidQueryError);
      expect(() => store.collection('system.users')).toThrow(InvalidQueryError);
      await expect(store.collection(fresh()).find({ sort: [{ field: '_position', direction: 'asc' }] })).rejects.toBeInstanceOf(InvalidQueryError);
    });

    it('creates its indexes idempotently and drops a collection that never existed', async () => {
      const name = fresh();
      await store.ensureCollection(name, { indexes: [['ns', 'name']] });
      await store.ensureCollection(name, { indexes: [['ns', 'name']] });
      const indexes = await client.db(database).collection(name).indexes();
      expect(indexes.map((index) => index.key)).toContainEqual({ ns: 1, name: 1, _id: 1 });
      await store.dropCollection(fresh());
    });

    it('leaves a client it was given open', async () => {
      const borrowed = getMongoDocumentStore({ client, database });
      await borrowed.close();
      expect(await store.readCheckpoint(fresh())).toBeNull();
    });
  });
} else {
  describe.skip('DocumentStore contract: mongodb (no server: see the printed reason)', () => {
    it('needs MONGODB_URL or a container runtime', () => undefined);
  });
}

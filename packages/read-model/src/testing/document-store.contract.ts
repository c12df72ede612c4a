import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cursorAfter, InvalidQueryError, type Document, type DocumentStore, type SortKey } from '../document-store';

export interface DocumentStoreContractOptions {
  open: () => Promise<DocumentStore>;
  /** Durable adapters: a new instance over the same storage, as after a restart. */
  reopen?: () => Promise<DocumentStore>;
  teardown?: () => Promise<void>;
}

interface Repo extends Document {
  name: string;
  size?: number;
  ns?: string;
  public?: boolean;
}

const repos: Repo[] = [
  { id: 'r1', name: 'alpha', size: 30, ns: 'team', public: true },
  { id: 'r2', name: 'beta', size: 10, ns: 'team', public: false },
  { id: 'r3', name: 'Gamma_ray', size: 20, ns: 'ops', public: true },
  { id: 'r4', name: 'delta', size: 10, ns: 'ops', public: false },
  { id: 'r5', name: 'epsilon%', ns: 'team' },
];

export const documentStoreContract = (name: string, options: DocumentStoreContractOptions): void =>
  describe(`DocumentStore contract: ${name}`, () => {
    let store: DocumentStore;
    const fresh = () => `c${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const seeded = async (indexes?: string[][]) => {
      const collection = fresh();
      await store.ensureCollection(collection, indexes ? { indexes } : {});
      await store.commit(repos.map((doc, i) => ({ collection, id: doc.id, position: i + 1, doc })));
      return store.collection<Repo>(collection);
    };
    const ids = (docs: Document[]) => docs.map((d) => d.id);

    beforeAll(async () => {
      store = await options.open();
    });
    afterAll(async () => {
      await store.close();
      await options.teardown?.();
    });

    it('upserts and gets a document, and answers null for an unknown id', async () => {
      const collection = fresh();
      await store.ensureCollection(collection);
      await store.commit([{ collection, id: 'a', position: 1, doc: { id: 'a', name: 'x', nested: { list: [1, 2] } } }]);
      expect(await store.collection(collection).get('a')).toEqual({ id: 'a', name: 'x', nested: { list: [1, 2] } });
      expect(await store.collection(collection).get('missing')).toBeNull();
    });

    it('gives one field of the documents find gives, in the same order and page', async () => {
      const c = await seeded([['ns', 'name']]);
      const query = { where: [{ field: 'ns', op: 'eq' as const, value: 'team' }], sort: [{ field: 'name', direction: 'desc' as const }] };
      expect(await c.values('name', query)).toEqual(['epsilon%', 'beta', 'alpha']);
      expect(await c.values('size', { ...query, offset: 1, limit: 2 })).toEqual([10, 30]);
      expect(await c.values('size', { where: [{ field: 'id', op: 'eq', value: 'r5' }] })).toEqual([null]);
      expect(await c.values('name', { sort: [{ field: 'name', direction: 'asc' }], after: cursorAfter(repos[2]!, [{ field: 'name', direction: 'asc' }]), limit: 1 })).toEqual(['alpha']);
      expect(await c.values('name', { limit: 0 })).toEqual([]);
      expect(await store.collection(fresh()).values('name')).toEqual([]);
      await expect(c.values('bad name')).rejects.toBeInstanceOf(InvalidQueryError);
    });

    it('replaces a document with a newer write and ignores older or equal positions', async () => {
      const collection = fresh();
      await store.ensureCollection(collection);
      await store.commit([{ collection, id: 'a', position: 5, doc: { id: 'a', v: 5 } }]);
      await store.commit([{ collection, id: 'a', position: 4, doc: { id: 'a', v: 4 } }]);
      await store.commit([{ collection, id: 'a', position: 5, doc: { id: 'a', v: 55 } }]);
      expect(await store.collection(collection).get('a')).toEqual({ id: 'a', v: 5 });
      await store.commit([{ collection, id: 'a', position: 6, doc: { id: 'a', v: 6 } }]);
      expect(await store.readStored(collection, 'a')).toEqual({ doc: { id: 'a', v: 6 }, position: 6 });
    });

    it('deletes with a tombstone that older writes cannot resurrect', async () => {
      const collection = fresh();
      await store.ensureCollection(collection);
      await store.commit([{ collection, id: 'a', position: 1, doc: { id: 'a' } }]);
      await store.commit([{ collection, id: 'a', position: 2, doc: null }]);
      expect(await store.collection(collection).get('a')).toBeNull();
      expect(await store.readStored(collection, 'a')).toEqual({ doc: null, position: 2 });
      await store.commit([{ collection, id: 'a', position: 1, doc: { id: 'a' } }]);
      expect(await store.collection(collection).get('a')).toBeNull();
      await store.commit([{ collection, id: 'a', position: 3, doc: { id: 'a', back: true } }]);
      expect(await store.collection(collection).get('a')).toEqual({ id: 'a', back: true });
      expect(await store.readStored(collection, 'never')).toBeNull();
    });

    it('finds by equality, inequality and membership', async () => {
      const c = await seeded();
      expect(ids(await c.find({ where: [{ field: 'ns', op: 'eq', value: 'ops' }] }))).toEqual(['r3', 'r4']);
      expect(ids(await c.find({ where: [{ field: 'public', op: 'eq', value: true }] }))).toEqual(['r1', 'r3']);
      expect(ids(await c.find({ where: [{ field: 'ns', op: 'ne', value: 'team' }] }))).toEqual(['r3', 'r4']);
      expect(ids(await c.find({ where: [{ field: 'name', op: 'in', values: ['beta', 'delta', 'nope'] }] }))).toEqual(['r2', 'r4']);
      expect(ids(await c.find({ where: [{ field: 'size', op: 'eq', value: null }] }))).toEqual(['r5']);
      expect(ids(await c.find({ where: [{ field: 'ns', op: 'eq', value: 'team' }, { field: 'size', op: 'eq', value: 10 }] }))).toEqual(['r2']);
    });

    it('finds by prefix (case-sensitive) and contains (case-insensitive, wildcards literal)', async () => {
      const c = await seeded();
      expect(ids(await c.find({ where: [{ field: 'name', op: 'prefix', value: 'de' }] }))).toEqual(['r4']);
      expect(ids(await c.find({ where: [{ field: 'name', op: 'prefix', value: 'gamma' }] }))).toEqual([]);
      expect(ids(await c.find({ where: [{ field: 'name', op: 'contains', value: 'MMA_R' }] }))).toEqual(['r3']);
      expect(ids(await c.find({ where: [{ field: 'name', op: 'contains', value: 'ta' }] }))).toEqual(['r2', 'r4']);
      expect(ids(await c.find({ where: [{ field: 'name', op: 'contains', value: '%' }] }))).toEqual(['r5']);
      expect(ids(await c.find({ where: [{ field: 'name', op: 'contains', value: '_' }] }))).toEqual(['r3']);
      expect(ids(await c.find({ where: [{ field: 'name', op: 'prefix', value: 'eps%' }] }))).toEqual([]);
    });

    it('answers contains the same through a text index, after updates and deletes, for short and long values', async () => {
      const collection = fresh();
      await store.ensureCollection(collection, { textIndexes: ['name'] });
      await store.commit(repos.map((doc, i) => ({ collection, id: doc.id, position: i + 1, doc })));
      const c = store.collection<Repo>(collection);
      const containing = async (value: string) => ids(await c.find({ where: [{ field: 'name', op: 'contains', value }] }));
      expect(await containing('MMA_R')).toEqual(['r3']);
      expect(await containing('ta')).toEqual(['r2', 'r4']);
      expect(await containing('lon%')).toEqual(['r5']);
      expect(await containing('"')).toEqual([]);
      expect(await containing('a"b OR x')).toEqual([]);
      expect(await c.count([{ field: 'name', op: 'contains', value: 'elta' }])).toBe(1);
      await store.commit([
        { collection, id: 'r4', position: 10, doc: { id: 'r4', name: 'renamed' } },
        { collection, id: 'r2', position: 11, doc: null },
        { collection, id: 'r6', position: 12, doc: { id: 'r6', name: 'another delta' } },
        { collection, id: 'r7', position: 13, doc: { id: 'r7', name: 42 } },
      ]);
      expect(await containing('delta')).toEqual(['r6']);
      expect(await containing('ETA')).toEqual([]);
      expect(await containing('named')).toEqual(['r4']);
      // A stale write the position guard refuses leaves the index alone too.
      await store.commit([{ collection, id: 'r4', position: 9, doc: { id: 'r4', name: 'stale delta' } }]);
      expect(await containing('delta')).toEqual(['r6']);
      expect(await containing('42')).toEqual([]);
    });

    it('builds a text index declared on a collection that already holds documents', async () => {
      const c = await seeded();
      await store.ensureCollection(c.name, { textIndexes: ['name'] });
      expect(ids(await c.find({ where: [{ field: 'name', op: 'contains', value: 'amma' }] }))).toEqual(['r3']);
    });

    it('filters on id like any other field', async () => {
      const c = await seeded();
      expect(ids(await c.find({ where: [{ field: 'id', op: 'in', values: ['r4', 'r2', 'nope'] }] }))).toEqual(['r2', 'r4']);
      expect(ids(await c.find({ where: [{ field: 'id', op: 'eq', value: 'r3' }] }))).toEqual(['r3']);
      expect(ids(await c.find({ where: [{ field: 'id', op: 'gt', value: 'r3' }], sort: [{ field: 'id', direction: 'desc' }] }))).toEqual(['r5', 'r4']);
    });

    it('finds by range', async () => {
      const c = await seeded();
      expect(ids(await c.find({ where: [{ field: 'size', op: 'gt', value: 10 }] }))).toEqual(['r1', 'r3']);
      expect(ids(await c.find({ where: [{ field: 'size', op: 'gte', value: 20 }] }))).toEqual(['r1', 'r3']);
      expect(ids(await c.find({ where: [{ field: 'size', op: 'lt', value: 20 }] }))).toEqual(['r2', 'r4']);
      expect(ids(await c.find({ where: [{ field: 'size', op: 'lte', value: 20 }] }))).toEqual(['r2', 'r3', 'r4']);
      expect(ids(await c.find({ where: [{ field: 'name', op: 'gte', value: 'c' }] }))).toEqual(['r4', 'r5']);
    });

    it('sorts by one or two keys with id as the tie-breaker and missing values first ascending', async () => {
      const c = await seeded();
      expect(ids(await c.find({ sort: [{ field: 'size', direction: 'asc' }] }))).toEqual(['r5', 'r2', 'r4', 'r3', 'r1']);
      expect(ids(await c.find({ sort: [{ field: 'size', direction: 'desc' }] }))).toEqual(['r1', 'r3', 'r2', 'r4', 'r5']);
      expect(
        ids(await c.find({ sort: [{ field: 'ns', direction: 'desc' }, { field: 'size', direction: 'desc' }] })),
      ).toEqual(['r1', 'r2', 'r5', 'r3', 'r4']);
      expect(ids(await c.find())).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    });

    it('pages with offset and limit, and counts with the same filters', async () => {
      const c = await seeded();
      const sort: SortKey[] = [{ field: 'name', direction: 'asc' }];
      // binary order: 'Gamma_ray' < 'alpha' < 'beta' < 'delta' < 'epsilon%'
      expect(ids(await c.find({ sort, offset: 1, limit: 2 }))).toEqual(['r1', 'r2']);
      expect(ids(await c.find({ sort, offset: 4, limit: 10 }))).toEqual(['r5']);
      expect(ids(await c.find({ sort, offset: 10, limit: 10 }))).toEqual([]);
      expect(await c.find({ limit: 0 })).toEqual([]);
      expect(await c.count()).toBe(5);
      expect(await c.count([{ field: 'ns', op: 'eq', value: 'team' }])).toBe(3);
    });

    it('sums a numeric field over the documents a filter matches, with or without an index for it', async () => {
      for (const indexes of [undefined, [['ns', 'size']]]) {
        const c = await seeded(indexes);
        expect(await c.sum('size')).toBe(70);
        expect(await c.sum('size', [{ field: 'ns', op: 'eq', value: 'team' }])).toBe(40);
        expect(await c.sum('size', [{ field: 'ns', op: 'eq', value: 'ops' }, { field: 'public', op: 'eq', value: false }])).toBe(10);
        expect(await c.sum('size', [{ field: 'ns', op: 'eq', value: 'nobody' }])).toBe(0);
        // A field no document has, and filters other than equality.
        expect(await c.sum('weight')).toBe(0);
        expect(await c.sum('size', [{ field: 'size', op: 'gte', value: 20 }])).toBe(50);
      }
    });

    it('sums without the deleted documents', async () => {
      const c = await seeded([['ns', 'size']]);
      await store.commit([{ collection: c.name, id: 'r1', position: 10, doc: null }]);
      expect(await c.sum('size', [{ field: 'ns', op: 'eq', value: 'team' }])).toBe(10);
      expect(await store.collection(fresh()).sum('size')).toBe(0);
    });

    it('pages with a cursor through ties without skipping or repeating', async () => {
      const c = await seeded();
      for (const sort of [
        [{ field: 'size', direction: 'asc' }],
        [{ field: 'size', direction: 'desc' }],
        [{ field: 'ns', direction: 'asc' }, { field: 'size', direction: 'desc' }],
      ] as SortKey[][]) {
        const all = ids(await c.find({ sort }));
        const paged: string[] = [];
        let page = await c.find({ sort, limit: 2 });
        while (page.length > 0) {
          paged.push(...ids(page));
          page = await c.find({ sort, limit: 2, after: cursorAfter(page.at(-1)!, sort) });
        }
        expect(paged).toEqual(all);
      }
    });

    it('leaves deleted documents out of finds and counts', async () => {
      const c = await seeded();
      await store.commit([{ collection: c.name, id: 'r1', position: 10, doc: null }]);
      expect(await c.count()).toBe(4);
      expect(ids(await c.find({ where: [{ field: 'public', op: 'eq', value: true }] }))).toEqual(['r3']);
    });

    it('keeps collections apart and drops one without touching others', async () => {
      const a = await seeded();
      const b = await seeded([['ns', 'name'], ['size']]);
      await store.commit([{ collection: a.name, id: 'extra', position: 9, doc: { id: 'extra', name: 'z' } }]);
      expect(await a.count()).toBe(6);
      expect(await b.count()).toBe(5);
      await store.ensureCollection(b.name, { indexes: [['ns', 'name'], ['size']] });
      await store.dropCollection(a.name);
      expect(await a.count()).toBe(0);
      expect(await b.count()).toBe(5);
    });

    it('stores checkpoints that only move forward, together with the writes', async () => {
      const collection = fresh();
      await store.ensureCollection(collection);
      expect(await store.readCheckpoint(collection)).toBeNull();
      await store.commit([{ collection, id: 'a', position: 7, doc: { id: 'a' } }], [{ name: collection, position: 7 }]);
      expect(await store.readCheckpoint(collection)).toBe(7);
      await store.commit([], [{ name: collection, position: 5 }]);
      expect(await store.readCheckpoint(collection)).toBe(7);
      await store.commit([], [{ name: collection, position: 9 }]);
      expect(await store.readCheckpoint(collection)).toBe(9);
    });

    it('commits the writes of several collections with the checkpoint of each', async () => {
      const [first, second] = [fresh(), fresh()];
      await store.ensureCollection(first);
      await store.ensureCollection(second);
      await store.commit([], [{ name: second, position: 12 }]);
      await store.commit(
        [
          { collection: first, id: 'a', position: 10, doc: { id: 'a' } },
          { collection: second, id: 'b', position: 10, doc: { id: 'b' } },
        ],
        [
          { name: first, position: 10 },
          { name: second, position: 10 },
        ],
      );
      expect(await store.collection(first).get('a')).toEqual({ id: 'a' });
      expect(await store.collection(second).get('b')).toEqual({ id: 'b' });
      expect(await store.readCheckpoint(first)).toBe(10);
      // Each checkpoint only moves forward, whatever the others in the same commit do.
      expect(await store.readCheckpoint(second)).toBe(12);
    });

    it('refuses field names that are not plain identifiers', async () => {
      const c = await seeded();
      await expect(c.find({ where: [{ field: "name') OR 1=1 --", op: 'eq', value: 'x' }] })).rejects.toBeInstanceOf(InvalidQueryError);
      await expect(c.find({ sort: [{ field: '$where', direction: 'asc' }] })).rejects.toBeInstanceOf(InvalidQueryError);
    });

    it('handles a thousand documents in one commit', async () => {
      const collection = fresh();
      await store.ensureCollection(collection, { indexes: [['n']] });
      await store.commit(Array.from({ length: 1000 }, (_, n) => ({ collection, id: `d${n}`, position: n + 1, doc: { id: `d${n}`, n } })));
      const c = store.collection(collection);
      expect(await c.count([{ field: 'n', op: 'gte', value: 500 }])).toBe(500);
      expect(ids(await c.find({ sort: [{ field: 'n', direction: 'desc' }], limit: 2 }))).toEqual(['d999', 'd998']);
    });

    (options.reopen ? it : it.skip)('keeps documents, tombstones and checkpoints across a restart', async () => {
      const collection = fresh();
      await store.ensureCollection(collection);
      await store.commit(
        [
          { collection, id: 'kept', position: 1, doc: { id: 'kept', name: 'k' } },
          { collection, id: 'gone', position: 2, doc: null },
        ],
        [{ name: collection, position: 2 }],
      );
      await store.close();
      store = await options.reopen!();
      expect(await store.collection(collection).get('kept')).toEqual({ id: 'kept', name: 'k' });
      expect(await store.readStored(collection, 'gone')).toEqual({ doc: null, position: 2 });
      expect(await store.readCheckpoint(collection)).toBe(2);
    });
  });

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { InvalidQueryError, type DocumentStore, type FindQuery } from '@wharf/read-model';
import { documentStoreContract } from '@wharf/read-model/testing';
import { countSql, findSql, prefixEnd } from './sql-query';
import { getSqliteDocumentStore } from './sqlite-document-store';

const dirs: string[] = [];
const tempFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-rm-sqlite-'));
  dirs.push(dir);
  return join(dir, 'read-models.db');
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const contractFile = tempFile();
documentStoreContract('sqlite', {
  open: async () => getSqliteDocumentStore({ path: contractFile, namespace: 'contract' }),
  reopen: async () => getSqliteDocumentStore({ path: contractFile, namespace: 'contract' }),
});

describe('SQLite document store', () => {
  const stores: DocumentStore[] = [];
  const open = (path: string, namespace = 'catalog'): DocumentStore => {
    const store = getSqliteDocumentStore({ path, namespace });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it('lets two instances on one file see each other’s writes, including collections the other created', async () => {
    const file = tempFile();
    const writer = open(file);
    const reader = open(file);
    expect(await reader.collection('items').count()).toBe(0);
    await writer.ensureCollection('items');
    await writer.commit([{ collection: 'items', id: 'a', position: 1, doc: { id: 'a' } }], [{ name: 'items', position: 1 }]);
    expect(await reader.collection('items').get('a')).toEqual({ id: 'a' });
    expect(await reader.readCheckpoint('items')).toBe(1);
    await reader.commit([{ collection: 'items', id: 'a', position: 1, doc: { id: 'a', stale: true } }]);
    expect(await writer.collection('items').get('a')).toEqual({ id: 'a' });
  });

  it('keeps working when another instance drops a collection it knows', async () => {
    const file = tempFile();
    const first = open(file);
    const second = open(file);
    await first.commit([{ collection: 'items', id: 'a', position: 1, doc: { id: 'a', n: 1 } }]);
    expect(await first.collection('items').find({ where: [{ field: 'n', op: 'eq', value: 1 }] })).toHaveLength(1);
    await second.dropCollection('items');
    expect(await first.collection('items').find({ where: [{ field: 'n', op: 'eq', value: 1 }] })).toEqual([]);
    await first.commit([{ collection: 'items', id: 'b', position: 2, doc: { id: 'b', n: 1 } }]);
    expect(await second.collection('items').count()).toBe(1);
  });

  it('keeps namespaces in one file apart, documents and checkpoints alike', async () => {
    const file = tempFile();
    const catalog = open(file, 'catalog');
    const identity = open(file, 'identity');
    await catalog.commit([{ collection: 'items', id: 'a', position: 1, doc: { id: 'a' } }], [{ name: 'items', position: 1 }]);
    expect(await identity.collection('items').get('a')).toBeNull();
    expect(await identity.readCheckpoint('items')).toBeNull();
    await identity.dropCollection('items');
    expect(await catalog.collection('items').get('a')).toEqual({ id: 'a' });
  });

  it('shares the file with other tables, such as the event store’s', async () => {
    const file = tempFile();
    const db = new Database(file);
    db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, data TEXT)');
    db.close();
    const store = open(file);
    await store.commit([{ collection: 'events', id: 'a', position: 1, doc: { id: 'a' } }]);
    expect(await store.collection('events').get('a')).toEqual({ id: 'a' });
  });

  it('refuses namespaces and collection names that could collide or inject', async () => {
    for (const namespace of ['x"; DROP TABLE y; --', 'Catalog', 'a__b', '']) {
      expect(() => getSqliteDocumentStore({ path: tempFile(), namespace })).toThrow(InvalidQueryError);
    }
    const store = open(tempFile());
    for (const name of ['checkpoints', 'Items', 'a"b', '_x']) {
      await expect(store.ensureCollection(name)).rejects.toBeInstanceOf(InvalidQueryError);
      expect(() => store.collection(name)).toThrow(InvalidQueryError);
    }
    await expect(store.ensureCollection('items', { indexes: [['bad field']] })).rejects.toBeInstanceOf(InvalidQueryError);
  });

  it('leaves copying its log into the file to the checkpointer it is given, which it tells after each commit', async () => {
    const file = tempFile();
    let told = 0;
    const store = getSqliteDocumentStore({ path: file, namespace: 'catalog', walCheckpoints: { written: () => void told++ } });
    stores.push(store);
    await store.ensureCollection('big');
    const before = statSync(file).size;
    // About 1,200 pages: past SQLite's automatic checkpoint, which would copy them into the file within a commit.
    for (let batch = 0; batch < 3; batch++) {
      const writes = Array.from({ length: 100 }, (_, i) => ({ collection: 'big', id: `d${batch}-${i}`, position: batch * 100 + i + 1, doc: { id: `d${batch}-${i}`, text: 'x'.repeat(16_000) } }));
      await store.commit(writes);
    }
    expect(told).toBe(3);
    expect(statSync(file).size).toBe(before);
    expect(await store.collection('big').count()).toBe(300);
  });

  it('creates its indexes idempotently', async () => {
    const file = tempFile();
    const store = open(file);
    await store.ensureCollection('repos', { indexes: [['accountId', 'name'], ['size']] });
    await store.ensureCollection('repos', { indexes: [['accountId', 'name'], ['size']] });
    const db = new Database(file, { readonly: true });
    const indexes = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'rm_catalog__repos' AND sql IS NOT NULL`).all();
    db.close();
    expect(indexes).toEqual([{ name: 'ix_rm_catalog__repos__accountId__name' }, { name: 'ix_rm_catalog__repos__size' }]);
  });

  describe('query plans', () => {
    let file: string;
    let db: Database.Database;
    beforeAll(async () => {
      file = tempFile();
      const store = getSqliteDocumentStore({ path: file, namespace: 'catalog' });
      await store.ensureCollection('repos', { indexes: [['accountId', 'name'], ['size']], textIndexes: ['name'] });
      await store.close();
      db = new Database(file, { readonly: true });
    });
    afterAll(() => db.close());

    const plan = ({ text, params }: { text: string; params: unknown[] }): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
    const find = (query: FindQuery) => plan(findSql('rm_catalog__repos', query));

    it('serves an equality filter sorted on the next indexed field from the index, without sorting', () => {
      const detail = find({ where: [{ field: 'accountId', op: 'eq', value: 'acc' }], sort: [{ field: 'name', direction: 'asc' }], limit: 10 });
      expect(detail).toContain('USING INDEX ix_rm_catalog__repos__accountId__name');
      expect(detail).not.toContain('TEMP B-TREE');
    });

    it('seeks the index for a cursor page', () => {
      const sort = [{ field: 'size', direction: 'asc' }] as const;
      const detail = find({ sort, after: { values: [10], id: 'r2' }, limit: 10 });
      expect(detail).toMatch(/SEARCH .*USING INDEX ix_rm_catalog__repos__size \(<expr>>\?\)/);
      expect(detail).not.toContain('TEMP B-TREE');
    });

    it('reads contains candidates from the text index when the needle has a trigram, and scans otherwise', () => {
      const textIndexOf = (field: string) => (field === 'name' ? 'rm_catalog__repos__text__name' : undefined);
      const where = (value: string) => [{ field: 'name', op: 'contains', value }] as const;
      expect(plan(countSql('rm_catalog__repos', where('repo-1'), textIndexOf))).toContain('VIRTUAL TABLE INDEX');
      expect(plan(findSql('rm_catalog__repos', { where: where('repo-1'), limit: 10 }, textIndexOf))).toContain('VIRTUAL TABLE INDEX');
      expect(plan(countSql('rm_catalog__repos', where('re'), textIndexOf))).not.toContain('VIRTUAL TABLE');
      expect(plan(countSql('rm_catalog__repos', where('repo-1')))).not.toContain('VIRTUAL TABLE');
    });

    it('uses the index for ranges, prefixes and boolean equality', () => {
      expect(plan(countSql('rm_catalog__repos', [{ field: 'size', op: 'gte', value: 10 }]))).toContain('USING INDEX ix_rm_catalog__repos__size');
      expect(plan(countSql('rm_catalog__repos', [{ field: 'accountId', op: 'prefix', value: 'ac' }]))).toContain(
        'USING INDEX ix_rm_catalog__repos__accountId__name',
      );
      expect(plan(countSql('rm_catalog__repos', [{ field: 'accountId', op: 'eq', value: true }]))).toContain(
        'USING INDEX ix_rm_catalog__repos__accountId__name',
      );
    });
  });

  describe('value semantics beyond the contract', () => {
    let store: DocumentStore;
    beforeAll(async () => {
      store = getSqliteDocumentStore({ path: tempFile(), namespace: 'catalog' });
      await store.commit(
        [
          { id: 'yes', v: true },
          { id: 'no', v: false },
          { id: 'number', v: 4 },
          { id: 'text', v: '5' },
          { id: 'astral', v: 'a\u{10FFFF}' },
          { id: 'bmp', v: 'a\u{FFFF}z' },
          { id: 'none' },
        ].map((doc, i) => ({ collection: 'mixed', id: doc.id, position: i + 1, doc })),
      );
    });
    afterAll(() => store.close());
    const ids = async (query: FindQuery) => (await store.collection('mixed').find(query)).map((doc) => doc.id);

    it('matches JSON booleans, which json_extract reads as 1 and 0', async () => {
      expect(await ids({ where: [{ field: 'v', op: 'eq', value: true }] })).toEqual(['yes']);
      expect(await ids({ where: [{ field: 'v', op: 'ne', value: true }] })).toEqual(['astral', 'bmp', 'no', 'none', 'number', 'text']);
      expect(await ids({ where: [{ field: 'v', op: 'in', values: [false, 4, null] }] })).toEqual(['no', 'none', 'number']);
      expect(await ids({ where: [{ field: 'v', op: 'in', values: [] }] })).toEqual([]);
    });

    it('compares ranges within the value’s type', async () => {
      expect(await ids({ where: [{ field: 'v', op: 'gt', value: 4 }] })).toEqual([]);
      expect(await ids({ where: [{ field: 'v', op: 'gte', value: 4 }] })).toEqual(['number']);
      expect(await ids({ where: [{ field: 'v', op: 'lt', value: 'b' }] })).toEqual(['astral', 'bmp', 'text']);
    });

    it('matches prefixes that end in the highest code points', async () => {
      expect(await ids({ where: [{ field: 'v', op: 'prefix', value: 'a\u{10FFFF}' }] })).toEqual(['astral']);
      expect(await ids({ where: [{ field: 'v', op: 'prefix', value: 'a\u{FFFF}' }] })).toEqual(['bmp']);
      expect(prefixEnd('ab')).toBe('ac');
      expect(prefixEnd('a\u{D7FF}')).toBe('a\u{E000}');
      expect(prefixEnd('a\u{10FFFF}')).toBe('b');
      expect(prefixEnd('\u{10FFFF}')).toBeUndefined();
    });
  });
});

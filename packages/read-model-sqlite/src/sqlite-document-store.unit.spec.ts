import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { documentStoreContract } from '@wharf/read-model/testing';
import { getSqliteDocumentStore } from './sqlite-document-store';

const dir = mkdtempSync(join(tmpdir(), 'wharf-rm-sqlite-'));
const path = join(dir, 'read-models.db');

documentStoreContract('sqlite', {
  open: async () => getSqliteDocumentStore({ path, namespace: 'contract' }),
  reopen: async () => getSqliteDocumentStore({ path, namespace: 'contract' }),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

describe('SQLite document store specifics', () => {
  const fresh = () => join(mkdtempSync(join(tmpdir(), 'wharf-rm-sqlite-x-')), 'rm.db');

  it('shares a file between two connections and keeps namespaces apart', async () => {
    const file = fresh();
    const catalog = getSqliteDocumentStore({ path: file, namespace: 'catalog' });
    const catalogAgain = getSqliteDocumentStore({ path: file, namespace: 'catalog' });
    const identity = getSqliteDocumentStore({ path: file, namespace: 'identity' });
    await catalog.ensureCollection('items');
    await catalog.commit([{ collection: 'items', id: 'a', position: 1, doc: { id: 'a' } }], { name: 'items', position: 1 });
    expect(await catalogAgain.collection('items').get('a')).toEqual({ id: 'a' });
    expect(await identity.collection('items').get('a')).toBeNull();
    expect(await identity.readCheckpoint('items')).toBeNull();
    for (const store of [catalog, catalogAgain, identity]) await store.close();
  });

  it('serves indexed equality and sorted pages from the expression index', async () => {
    const file = fresh();
    const store = getSqliteDocumentStore({ path: file, namespace: 'catalog' });
    await store.ensureCollection('repos', { indexes: [['accountId', 'name']] });
    await store.close();
    const db = new Database(file, { readonly: true });
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT doc FROM "rm_catalog__repos" WHERE doc IS NOT NULL AND json_extract(doc, '$.accountId') = ?
         ORDER BY json_extract(doc, '$.name') ASC, id ASC LIMIT 10`,
      )
      .all('acc') as { detail: string }[];
    db.close();
    expect(plan.map((p) => p.detail).join(' ')).toContain('rm_catalog__repos__accountId__name');
  });

  it('refuses table and namespace names that are not identifiers', () => {
    expect(() => getSqliteDocumentStore({ path: fresh(), namespace: 'x"; DROP TABLE y; --' })).toThrow('Invalid namespace');
  });
});

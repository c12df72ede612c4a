import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentLayout, getFilesystemBlobDriver, type BlobDriver } from '@wharf/blob-store';
import { getS3BlobDriver } from '@wharf/blob-store-s3';
import { startS3rver, type LocalS3 } from '@wharf/blob-store-s3/testing';
import { ContentSweeper, type ContentState, type ReferenceCheck } from './content-sweeper';

const old = '2026-11-23T08:00:00.000Z';
const protectedAfter = '2026-11-23T09:00:00.000Z';
const fresh = '2026-11-23T09:30:00.000Z';
const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** A view of references the test changes between the sweep's steps, as concurrent pushes would. */
class ScriptedReferences implements ReferenceCheck {
  readonly states = new Map<string, ContentState>();
  /** Runs at the sweep's nth settle (1-based): a push landing at that moment. */
  readonly onSettle = new Map<number, () => Promise<void>>();
  /** Runs when the sweep asks for references the nth time. */
  readonly onContents = new Map<number, () => Promise<void>>();
  private settles = 0;
  private lookups = 0;

  async settle(): Promise<void> {
    await this.onSettle.get(++this.settles)?.();
  }

  async contents(digests: readonly string[]): Promise<Map<string, ContentState>> {
    await this.onContents.get(++this.lookups)?.();
    return new Map(digests.filter((d) => this.states.has(d)).map((d) => [d, { ...this.states.get(d)! }]));
  }
}

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(() => s3.stop());

let prefixes = 0;
/** The same protocol on a disk (set aside by rename) and on S3 (set aside by copy, then delete). */
const drivers: Record<'filesystem' | 's3', (dir: string) => BlobDriver> = {
  filesystem: (dir) => getFilesystemBlobDriver({ root: dir }),
  s3: () => getS3BlobDriver({ bucket: s3.bucket, endpoint: s3.endpoint, prefix: `sweeper-${++prefixes}`, client: { credentials: s3.credentials } }),
};

describe.each(['filesystem', 's3'] as const)('content sweeper on %s: deleting unreferenced bytes while pushes go on', (kind) => {
  let dir: string;
  let driver: BlobDriver;
  let references: ScriptedReferences;
  let sweeper: ContentSweeper;
  const store = async (text: string, state: Omit<ContentState, 'size'>) => {
    const digest = digestOf(text);
    await driver.putContent(ContentLayout.blob(digest), Buffer.from(text));
    references.states.set(digest, { ...state, size: text.length });
    return digest;
  };
  const inPlace = async (digest: string) => (await driver.stat(ContentLayout.blob(digest))) !== null;
  const sweep = async (candidates: string[]) => {
    const recorded: string[] = [];
    const totals = await sweeper.sweep('run-1', protectedAfter, candidates, async (digests) => void recorded.push(...digests));
    return { ...totals, recorded };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-sweeper-'));
    driver = drivers[kind](dir);
    references = new ScriptedReferences();
    sweeper = new ContentSweeper(driver, references, { batchSize: 2 });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes bytes nothing references, and leaves referenced and recently held ones', async () => {
    const orphan = await store('orphan', { references: 0, lastReferencedAt: old });
    const used = await store('used', { references: 2, lastReferencedAt: old });
    const recent = await store('recent', { references: 0, lastReferencedAt: fresh });
    const unknown = digestOf('never recorded');
    await driver.putContent(ContentLayout.blob(unknown), Buffer.from('never recorded'));
    const result = await sweep([orphan, used, recent, unknown]);
    expect(result).toEqual({ objects: 1, bytes: 'orphan'.length, recorded: [orphan] });
    expect([await inPlace(orphan), await inPlace(used), await inPlace(recent), await inPlace(unknown)]).toEqual([false, true, true, true]);
    expect(await driver.list(ContentLayout.trashRoot)).toEqual([]);
  });

  it('puts bytes back when a reference is recorded after they were set aside and before the sweep looks again', async () => {
    const layer = await store('layer', { references: 0, lastReferencedAt: old });
    references.onSettle.set(1, async () => {
      // A mount of this layer is recorded while its bytes are aside; the sweep's second look must see it.
      references.states.set(layer, { references: 1, lastReferencedAt: fresh, size: 5 });
    });
    const result = await sweep([layer]);
    expect(result).toEqual({ objects: 0, bytes: 0, recorded: [] });
    expect((await driver.getContent(ContentLayout.blob(layer))).toString()).toBe('layer');
  });

  it('deletes nothing a registry took back from the trash for a reference recorded too late for the sweep to see', async () => {
    const layer = await store('late', { references: 0, lastReferencedAt: old });
    references.onContents.set(2, async () => {
      // The registry recorded its link after the sweep read the head, found the bytes aside and reclaimed them.
      await driver.move(ContentLayout.trash('run-1-0', layer), ContentLayout.blob(layer));
    });
    const result = await sweep([layer]);
    expect(result).toEqual({ objects: 0, bytes: 0, recorded: [] });
    expect(await inPlace(layer)).toBe(true);
  });

  it('records digests whose bytes were already gone', async () => {
    const gone = digestOf('gone');
    references.states.set(gone, { references: 0, lastReferencedAt: old, size: 4 });
    expect(await sweep([gone])).toEqual({ objects: 0, bytes: 0, recorded: [gone] });
  });

  it('puts back, after a restart, whatever an interrupted run left aside', async () => {
    const layer = digestOf('interrupted');
    const again = digestOf('uploaded again');
    await driver.putContent(ContentLayout.trash('run-0', layer), Buffer.from('interrupted'));
    await driver.putContent(ContentLayout.trash('run-0', again), Buffer.from('uploaded again'));
    await driver.putContent(ContentLayout.blob(again), Buffer.from('uploaded again'));
    expect(await sweeper.recover()).toBe(1);
    expect([await inPlace(layer), await inPlace(again)]).toEqual([true, true]);
    expect(await driver.list(ContentLayout.trashRoot)).toEqual([]);
  });
});

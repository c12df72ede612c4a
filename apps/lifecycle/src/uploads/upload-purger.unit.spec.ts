import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentLayout, getFilesystemBlobDriver, type BlobDriver } from '@wharf/blob-store';
import type { WharfConfig } from '@wharf/platform';
import { UploadPurger } from './upload-purger';

const DAY = 24 * 3600;
const now = new Date('2026-12-07T12:00:00Z');

describe('upload purging', () => {
  let root: string;
  let driver: BlobDriver;
  let purger: UploadPurger;

  /** An upload as the registry leaves it: its info, then its bytes so far. */
  const upload = async (id: string, startedAt: string | null) => {
    if (startedAt !== null) await driver.putContent(ContentLayout.uploadInfo(id), Buffer.from(JSON.stringify({ repository: 'ns/app', startedAt })));
    const writer = await driver.writer(ContentLayout.uploadData(id));
    await writer.write(Buffer.from(`bytes of ${id}`));
    await writer.close();
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wharf-purge-'));
    driver = getFilesystemBlobDriver({ root });
    purger = new UploadPurger(driver, { uploadPurge: { maxAgeSeconds: 7 * DAY, intervalSeconds: 0 } } as WharfConfig);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('removes uploads started before the maximum age, and keeps younger ones and every blob', async () => {
    await upload('old', '2026-11-29T12:00:00Z');
    await upload('just-too-old', '2026-11-30T11:59:59Z');
    await upload('young', '2026-11-30T12:00:00Z');
    await upload('today', '2026-12-07T11:59:00Z');
    await driver.putContent('blobs/sha256/ab/abc/data', Buffer.from('a blob'));

    expect(await purger.purge(now)).toEqual({ uploads: 2, interrupted: 0 });
    expect(await driver.list(ContentLayout.uploads)).toEqual(['today', 'young']);
    expect((await driver.getContent(ContentLayout.uploadData('young'))).toString()).toBe('bytes of young');
    expect((await driver.getContent('blobs/sha256/ab/abc/data')).toString()).toBe('a blob');
  });

  it('removes an upload whose start is unknown (no info, or info that does not parse)', async () => {
    await upload('no-info', null);
    await upload('bad-info', null);
    await driver.putContent(ContentLayout.uploadInfo('bad-info'), Buffer.from('{not json'));
    expect(await purger.purge(now)).toEqual({ uploads: 2, interrupted: 0 });
    expect(await driver.list(ContentLayout.uploads)).toEqual([]);
  });

  it('has nothing to do in an empty store', async () => {
    expect(await purger.purge(now)).toEqual({ uploads: 0, interrupted: 0 });
  });

  it("asks the driver for what interrupted writes left from before the maximum age, and says once when it can't", async () => {
    const asked: Date[] = [];
    const refusing = Object.assign(Object.create(driver) as BlobDriver, {
      purgeInterrupted: async (before: Date) => {
        asked.push(before);
        throw Object.assign(new Error('not implemented'), { name: 'NotImplemented' });
      },
    });
    const counting = Object.assign(Object.create(driver) as BlobDriver, { purgeInterrupted: async (before: Date) => (asked.push(before), 3) });
    const config = { uploadPurge: { maxAgeSeconds: 7 * DAY, intervalSeconds: 0 } } as WharfConfig;

    expect(await new UploadPurger(counting, config).purge(now)).toEqual({ uploads: 0, interrupted: 3 });
    const refused = new UploadPurger(refusing, config);
    expect(await refused.purge(now)).toEqual({ uploads: 0, interrupted: 0 });
    expect(await refused.purge(now)).toEqual({ uploads: 0, interrupted: 0 });
    expect(asked).toEqual([new Date('2026-11-30T12:00:00Z'), new Date('2026-11-30T12:00:00Z')]);
  });
});

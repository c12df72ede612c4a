import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFilesystemBlobDriver, type BlobDriver } from '@wharf/blob-store';
import { blobDriverContract } from '@wharf/blob-store/testing';
import { sampled } from '../testing-only/sampled';
import { instrumentBlobDriver } from './instrumented-blob-driver';

const counted = (action: string) => sampled('registry_storage_action_seconds', { action }, 'registry_storage_action_seconds_count');

// The decorated driver is still a driver: the whole contract suite passes through it.
blobDriverContract('filesystem, instrumented', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
  return { driver: instrumentBlobDriver(getFilesystemBlobDriver({ root })), cleanup: () => rm(root, { recursive: true, force: true }) };
}, { openFile: true });

describe('instrumentBlobDriver', () => {
  it("times each call under Distribution's action names, a writer's commit included", async () => {
    const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
    const driver = instrumentBlobDriver(getFilesystemBlobDriver({ root }));
    const before = { put: await counted('PutContent'), stat: await counted('Stat'), writer: await counted('Writer'), commit: await counted('Commit') };
    await driver.putContent('a/b', Buffer.from('x'));
    await driver.stat('a/b');
    await driver.stat('missing');
    const writer = await driver.writer('c');
    await writer.write(Buffer.from('chunk'));
    await writer.commit();
    expect(await counted('PutContent')).toBe(before.put + 1);
    expect(await counted('Stat')).toBe(before.stat + 2);
    expect(await counted('Writer')).toBe(before.writer + 1);
    expect(await counted('Commit')).toBe(before.commit + 1);
    await rm(root, { recursive: true, force: true });
  });

  it('times failed calls too and passes their errors on', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
    const driver = instrumentBlobDriver(getFilesystemBlobDriver({ root }));
    const before = await counted('Delete');
    await expect(driver.delete('missing')).rejects.toThrow('path not found');
    expect(await counted('Delete')).toBe(before + 1);
    await rm(root, { recursive: true, force: true });
  });

  it('has the optional capabilities exactly when the driver has them', async () => {
    const plain = getFilesystemBlobDriver({ root: tmpdir() });
    expect(instrumentBlobDriver(plain).redirectUrl).toBeUndefined();
    expect(instrumentBlobDriver(plain).purgeInterrupted).toBeUndefined();
    const redirecting: BlobDriver = { ...plain, redirectUrl: async (path, seconds) => `https://storage.example/${path}?expires=${seconds}` };
    const before = await counted('URLFor');
    expect(await instrumentBlobDriver(redirecting).redirectUrl!('blob', 60)).toBe('https://storage.example/blob?expires=60');
    expect(await counted('URLFor')).toBe(before + 1);
  });
});

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFilesystemBlobDriver } from './filesystem-driver';
import { blobDriverContract } from './testing';

blobDriverContract('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
  return { driver: getFilesystemBlobDriver({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('filesystem driver specifics', () => {
  it('leaves no temporary file after atomic writes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
    const driver = getFilesystemBlobDriver({ root });
    await Promise.all(Array.from({ length: 20 }, (_, i) => driver.putContent('same', Buffer.from(`content ${i}`))));
    expect(await readdir(root)).toEqual(['same']);
    expect((await driver.getContent('same')).toString()).toMatch(/^content \d+$/);
    await rm(root, { recursive: true, force: true });
  });
});

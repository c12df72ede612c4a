import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFilesystemBlobDriver } from './filesystem-driver';
import { blobDriverContract } from './testing';

blobDriverContract('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
  return { driver: getFilesystemBlobDriver({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
}, { openFile: true });

describe('filesystem driver specifics', () => {
  it('leaves no temporary file after atomic writes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
    const driver = getFilesystemBlobDriver({ root });
    await Promise.all(Array.from({ length: 20 }, (_, i) => driver.putContent('same', Buffer.from(`content ${i}`))));
    expect(await readdir(root)).toEqual(['same']);
    expect((await driver.getContent('same')).toString()).toMatch(/^content \d+$/);
    await rm(root, { recursive: true, force: true });
  });

  it('deletes symbolic links in what it deletes, never what they point to', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
    const outside = await mkdtemp(join(tmpdir(), 'wharf-outside-'));
    try {
      await writeFile(join(outside, 'keep'), 'keep');
      await mkdir(join(root, 'dir', 'sub'), { recursive: true });
      await symlink(outside, join(root, 'dir', 'sub', 'link'));
      await symlink(outside, join(root, 'top-link'));
      const driver = getFilesystemBlobDriver({ root });
      await driver.delete('top-link');
      await driver.delete('dir');
      expect(await readdir(root)).toEqual([]);
      expect(await readdir(outside)).toEqual(['keep']);
    } finally {
      await rm(root, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('keeps directories 0700 and files 0600 however they are written, whatever the umask', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
    const driver = getFilesystemBlobDriver({ root });
    const previous = process.umask(0o022);
    try {
      await driver.putContent('blobs/sha256/ab/whole', Buffer.from('whole'));
      const writer = await driver.writer('uploads/u-1/data');
      await writer.write(Buffer.from('chunk'));
      await writer.commit();
      await driver.move('uploads/u-1/data', 'moved/sha256/cd/data');
      const mode = async (path: string) => (await stat(join(root, path))).mode & 0o777;
      expect(await mode('blobs/sha256/ab/whole')).toBe(0o600);
      expect(await mode('moved/sha256/cd/data')).toBe(0o600);
      for (const directory of ['blobs', 'blobs/sha256', 'blobs/sha256/ab', 'uploads/u-1', 'moved/sha256/cd']) expect(await mode(directory)).toBe(0o700);
    } finally {
      process.umask(previous);
      await rm(root, { recursive: true, force: true });
    }
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { Writable, type Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InvalidPathError, PathNotFoundError, type BlobDriver } from '../blob-driver';

const readAll = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * The behaviour every blob driver must have. Each test gets a fresh driver and must leave it empty
 * (the suite checks after each test, as distribution's driver suite does).
 */
export const blobDriverContract = (
  name: string,
  open: () => Promise<{ driver: BlobDriver; cleanup: () => Promise<void> }>,
  /** The optional capabilities the driver has, whose tests then run (and fail when the driver lacks them). */
  capabilities: { openFile?: boolean } = {},
): void =>
  describe(`BlobDriver contract: ${name}`, () => {
    const withOpenFile = capabilities.openFile ? it : it.skip;
    let driver: BlobDriver;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ driver, cleanup } = await open());
    });
    afterEach(async () => {
      expect(await driver.list('')).toEqual([]);
      await cleanup();
    });

    it('puts and gets whole files, and stats their size', async () => {
      await driver.putContent('a/b/file', Buffer.from('hello'));
      expect((await driver.getContent('a/b/file')).toString()).toBe('hello');
      expect(await driver.stat('a/b/file')).toEqual({ size: 5 });
      expect(await driver.stat('a/b/missing')).toBeNull();
      expect(await driver.stat('a/b')).toBeNull();
      await driver.putContent('a/b/file', Buffer.from('replaced'));
      expect((await driver.getContent('a/b/file')).toString()).toBe('replaced');
      await driver.delete('a');
    });

    it('reads ranges', async () => {
      await driver.putContent('f', Buffer.from('0123456789'));
      expect((await readAll(await driver.reader('f'))).toString()).toBe('0123456789');
      expect((await readAll(await driver.reader('f', { offset: 3 }))).toString()).toBe('3456789');
      expect((await readAll(await driver.reader('f', { offset: 2, length: 4 }))).toString()).toBe('2345');
      expect((await readAll(await driver.reader('f', { offset: 9, length: 1 }))).toString()).toBe('9');
      expect((await readAll(await driver.reader('f', { offset: 0, length: 0 }))).length).toBe(0);
      await driver.delete('f');
    });

    it('reports missing files as PathNotFoundError', async () => {
      await expect(driver.getContent('nope')).rejects.toBeInstanceOf(PathNotFoundError);
      await expect(driver.reader('nope')).rejects.toBeInstanceOf(PathNotFoundError);
      await expect(driver.move('nope', 'other')).rejects.toBeInstanceOf(PathNotFoundError);
      await expect(driver.delete('nope')).rejects.toBeInstanceOf(PathNotFoundError);
      expect(await driver.list('nope')).toEqual([]);
    });

    it('writes through a writer, resumes it with append, and commits', async () => {
      const first = await driver.writer('uploads/u1/data');
      await first.write(Buffer.from('abc'));
      expect(first.size).toBe(3);
      await first.close();
      const resumed = await driver.writer('uploads/u1/data', { append: true });
      expect(resumed.size).toBe(3);
      await resumed.write(Buffer.from('def'));
      await resumed.commit();
      expect((await driver.getContent('uploads/u1/data')).toString()).toBe('abcdef');
      await driver.delete('uploads');
    });

    it('commits a writer into another path, replacing what was there, leaving nothing at its own', async () => {
      await driver.putContent('blobs/b1/data', Buffer.from('old'));
      const first = await driver.writer('uploads/u3/data');
      await first.write(Buffer.from('ghi'));
      await first.close();
      const resumed = await driver.writer('uploads/u3/data', { append: true });
      await resumed.write(Buffer.from('jkl'));
      await resumed.commit('blobs/b1/data');
      expect((await driver.getContent('blobs/b1/data')).toString()).toBe('ghijkl');
      expect(await driver.stat('uploads/u3/data')).toBeNull();
      expect(await driver.list('uploads/u3')).toEqual([]);
      // A writer closed earlier, committed by one that writes nothing (the registry's finish).
      const writer = await driver.writer('uploads/u4/data');
      await writer.write(Buffer.from('mno'));
      await writer.close();
      await (await driver.writer('uploads/u4/data', { append: true })).commit('blobs/b2/data');
      expect((await driver.getContent('blobs/b2/data')).toString()).toBe('mno');
      expect(await driver.list('uploads/u4')).toEqual([]);
      await driver.delete('blobs');
      // A file system keeps the emptied directories; an object store has none.
      if ((await driver.list('')).includes('uploads')) await driver.delete('uploads');
    });

    it('leaves nothing behind when a writer is cancelled', async () => {
      // A sibling keeps the directory: object stores have no empty directories to delete afterwards.
      await driver.putContent('uploads/u2/info', Buffer.from('{}'));
      const writer = await driver.writer('uploads/u2/data');
      await writer.write(Buffer.from('partial'));
      await writer.close();
      const resumed = await driver.writer('uploads/u2/data', { append: true });
      await resumed.cancel();
      expect(await driver.stat('uploads/u2/data')).toBeNull();
      expect(await driver.list('uploads/u2')).toEqual(['info']);
      await driver.delete('uploads');
    });

    it('moves atomically, replacing the destination', async () => {
      await driver.putContent('from', Buffer.from('new'));
      await driver.putContent('to/x', Buffer.from('old'));
      await driver.move('from', 'to/x');
      expect((await driver.getContent('to/x')).toString()).toBe('new');
      expect(await driver.stat('from')).toBeNull();
      await driver.delete('to');
    });

    it('lists direct children, sorted', async () => {
      await driver.putContent('dir/b', Buffer.from('1'));
      await driver.putContent('dir/a', Buffer.from('1'));
      await driver.putContent('dir/sub/c', Buffer.from('1'));
      expect(await driver.list('dir')).toEqual(['a', 'b', 'sub']);
      await driver.delete('dir/sub');
      expect(await driver.list('dir')).toEqual(['a', 'b']);
      await driver.delete('dir');
    });

    it('streams large content without loss', async () => {
      const writer = await driver.writer('big');
      const hash = createHash('sha256');
      for (let i = 0; i < 16; i++) {
        const chunk = randomBytes(512 * 1024);
        hash.update(chunk);
        await writer.write(chunk);
      }
      await writer.commit();
      const read = createHash('sha256');
      for await (const chunk of await driver.reader('big')) read.update(chunk as Buffer);
      expect(read.digest('hex')).toBe(hash.digest('hex'));
      expect(await driver.stat('big')).toEqual({ size: 8 * 1024 * 1024 });
      await driver.delete('big');
    });

    it('writes bytes given in pieces in their order', async () => {
      const pieces = Array.from({ length: 40 }, () => randomBytes(1 + Math.floor(Math.random() * 70000)));
      const writer = await driver.writer('pieces');
      await writer.write(pieces.slice(0, 25));
      await writer.write(pieces[25]!);
      await writer.write(pieces.slice(26));
      await writer.commit();
      expect((await driver.getContent('pieces')).equals(Buffer.concat(pieces))).toBe(true);
      await driver.delete('pieces');
    });

    withOpenFile('copies an open file, or a range of it, into a stream', async () => {
      const content = randomBytes(3 * 1024 * 1024 + 17);
      await driver.putContent('copied', content);
      const copy = async (range?: { offset?: number; length?: number }): Promise<Buffer> => {
        const chunks: Buffer[] = [];
        // Like a socket, the destination takes a chunk only when it calls back; copies it, as a socket sends it.
        const destination = new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks.push(Buffer.from(chunk));
            setImmediate(done);
          },
        });
        const file = await driver.openFile!('copied');
        expect(file.size).toBe(content.length);
        try {
          await file.copyTo(destination, range);
        } finally {
          await file.close();
        }
        return Buffer.concat(chunks);
      };
      expect((await copy()).equals(content)).toBe(true);
      expect((await copy({ offset: 1024 * 1024 - 5, length: 2 * 1024 * 1024 })).equals(content.subarray(1024 * 1024 - 5, 3 * 1024 * 1024 - 5))).toBe(true);
      expect((await copy({ offset: content.length - 3 })).equals(content.subarray(content.length - 3))).toBe(true);
      expect((await copy({ offset: 5, length: 0 })).length).toBe(0);
      await expect(driver.openFile!('nope')).rejects.toBeInstanceOf(PathNotFoundError);
      await driver.delete('copied');
    });

    withOpenFile('fails a copy whose destination closes midway instead of waiting forever', async () => {
      await driver.putContent('copied', randomBytes(4 * 1024 * 1024));
      let taken = 0;
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          taken += chunk.length;
          // The first chunk is taken; then the reader goes away without taking the second.
          if (taken > 1024 * 1024) destination.destroy();
          else done();
        },
      });
      const file = await driver.openFile!('copied');
      await expect(file.copyTo(destination)).rejects.toThrow(/closed/);
      await file.close();
      await driver.delete('copied');
    });

    it.each(['../escape', 'a/../../b', '/absolute', 'a//b', 'a/./b', '.hidden', 'a/b/', 'sp ace', 'nul\u0000'])(
      'refuses the path %j',
      async (path) => {
        await expect(driver.putContent(path, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidPathError);
        await expect(driver.getContent(path)).rejects.toBeInstanceOf(InvalidPathError);
      },
    );
  });

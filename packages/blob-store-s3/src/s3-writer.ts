import type { FileWriter } from '@wharf/blob-store';
import type { S3Objects } from './s3-objects';
import { PartialFile } from './s3-partial-file';

/**
 * A writer for `key` over its PartialFile. Bytes collect in memory until they make a part (`partSize`, at least
 * 5 MiB), which then becomes a segment; `close` stores what is left as the last segment, so an upload resumes
 * from its segments after a restart, and `commit` assembles them into the object (or the one `keyOf(to)` names:
 * straight from the segments, with no copy after). Memory stays under a part plus one chunk, whatever the file's
 * size. A short last segment is read back only when something is appended to it.
 */
export const openS3Writer = async (
  objects: S3Objects,
  key: string,
  partial: PartialFile,
  partSize: number,
  append: boolean,
  keyOf: (path: string) => string,
): Promise<FileWriter> => {
  let segments = await partial.segments();
  if (!append) {
    await objects.deleteAll([key, ...segments.map((segment) => segment.key)]);
    segments = [];
  } else if (segments.length === 0 && (await objects.size(key)) !== null) {
    // Appending to a committed file: it becomes the first segment again until the next commit.
    await objects.copy(key, partial.segmentKey(0));
    await objects.deleteAll([key]);
    segments = await partial.segments();
  }

  // The buffer holds the bytes from `bufferStart` on: the last segment when it is short of a part, then new bytes.
  let bufferStart = PartialFile.sizeOf(segments);
  let buffer: Buffer[] = [];
  let buffered = 0;
  let dirty = segments.length === 0; // a new file is stored at its first close, even empty
  const last = segments.at(-1);
  /** The short last segment, counted in `buffered` but not read into `buffer` until a write needs it. */
  let unreadTail = last && last.size < partSize ? last : undefined;
  if (unreadTail) {
    bufferStart = unreadTail.offset;
    buffered = unreadTail.size;
  }
  const readTail = async () => {
    if (!unreadTail) return;
    const body = await objects.read(unreadTail.key, 0);
    if (!body) throw new Error(`S3 driver: segment ${unreadTail.key} vanished while resuming`);
    for await (const chunk of body) buffer.push(chunk as Buffer);
    unreadTail = undefined;
  };

  const flush = async () => {
    await objects.put(partial.segmentKey(bufferStart), Buffer.concat(buffer, buffered));
    dirty = false;
    if (buffered >= partSize) {
      bufferStart += buffered;
      buffer = [];
      buffered = 0;
    }
  };
  let closed = false;
  const finish = async () => {
    if (closed) return;
    closed = true;
    if (dirty) await flush();
  };

  return {
    get size() {
      return bufferStart + buffered;
    },
    async write(data) {
      if (closed) throw new Error(`S3 driver: writer of ${key} is closed`);
      await readTail();
      for (const chunk of Buffer.isBuffer(data) ? [data] : data) {
        buffer.push(chunk);
        buffered += chunk.length;
        dirty = dirty || chunk.length > 0;
      }
      if (buffered >= partSize) await flush();
    },
    async commit(to) {
      await finish();
      await partial.assemble(to === undefined ? key : keyOf(to));
    },
    async cancel() {
      closed = true;
      await objects.deleteAll([key, ...(await partial.segments()).map((segment) => segment.key)]);
    },
    close: finish,
  };
};

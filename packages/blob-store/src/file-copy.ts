import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

const BUFFER_BYTES = 1024 * 1024;
/** At most this many buffers wait for the next copy (8 MiB). */
const KEPT = 8;

/**
 * Read buffers of finished copies, reused: a pull then allocates no memory per MiB. Allocating a fresh MiB per
 * read made V8 count every pulled MiB as external memory and run full collections over the whole heap.
 */
const kept: Buffer[] = [];
const take = (): Buffer => kept.pop() ?? Buffer.allocUnsafeSlow(BUFFER_BYTES);
const giveBack = (buffer: Buffer): void => {
  if (kept.length < KEPT) kept.push(buffer);
};

/** Writes `chunk`, resolving once `destination` is done with its memory, rejecting when it closes first. */
const handOver = (destination: Writable, chunk: Buffer): Promise<void> =>
  new Promise((resolve, reject) => {
    if (destination.destroyed) {
      reject(new Error('the destination closed before the copy ended'));
      return;
    }
    // An HTTP response whose socket is gone never calls back: its close is the answer then.
    const closed = () => reject(new Error('the destination closed before the copy ended'));
    destination.once('close', closed);
    destination.write(chunk, (error) => {
      destination.off('close', closed);
      if (error) reject(error);
      else resolve();
    });
  });

/**
 * Copies `length` bytes of an open file from `offset` into `destination` (not ending it) through two buffers: one
 * is read while the other is written. Resolves once the destination has taken every byte.
 */
export const copyFileRange = async (file: FileHandle, destination: Writable, offset: number, length: number): Promise<void> => {
  const buffers = [take(), take()];
  let writing: Promise<void> = Promise.resolve();
  let copied = false;
  try {
    for (let done = 0, turn = 0; done < length; turn = 1 - turn) {
      // This buffer's previous write was awaited before the other buffer's began.
      const buffer = buffers[turn]!;
      const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, length - done), offset + done);
      if (bytesRead === 0) throw new Error(`the file ended ${length - done} bytes early`);
      await writing;
      writing = handOver(destination, buffer.subarray(0, bytesRead));
      // Its failure is thrown where it is awaited, after the next read; until then it is not unhandled.
      writing.catch(() => undefined);
      done += bytesRead;
    }
    await writing;
    copied = true;
  } finally {
    // After a failure the destination may still hold a buffer: those are left to the garbage collector.
    if (copied) buffers.forEach(giveBack);
  }
};

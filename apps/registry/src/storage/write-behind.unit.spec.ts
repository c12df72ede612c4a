import type { FileWriter } from '@wharf/blob-store';
import { WriteBehind } from './write-behind';

/** A writer whose writes finish only when the test lets them. */
const heldWriter = () => {
  const written: Buffer[] = [];
  const held: (() => void)[] = [];
  let fail: Error | undefined;
  const writer: FileWriter = {
    size: 0,
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        held.push(() => {
          if (fail) return reject(fail);
          written.push(Buffer.isBuffer(chunk) ? chunk : Buffer.concat(chunk));
          resolve();
        });
      }),
    commit: async () => undefined,
    cancel: async () => undefined,
    close: async () => undefined,
  };
  const release = async () => {
    while (held.length > 0) {
      held.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { writer, written, held, release, failWith: (error: Error) => (fail = error) };
};

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('WriteBehind', () => {
  it('gathers chunks into writes of the set size, in order, and writes the rest on finish', async () => {
    const { writer, written, release } = heldWriter();
    const sink = new WriteBehind(writer, 10, 1000);
    for (const text of ['abcd', 'efgh', 'ijkl', 'mn']) await sink.push(Buffer.from(text));
    const finished = sink.finish();
    await release();
    await finished;
    expect(written.map(String)).toEqual(['abcdefghijkl', 'mn']);
  });

  it('lets the reader go on while a write is under way, and holds it once too much is unwritten', async () => {
    const { writer, release } = heldWriter();
    const sink = new WriteBehind(writer, 4, 8);
    expect(await settled(sink.push(Buffer.from('1234')))).toBe(true);
    expect(await settled(sink.push(Buffer.from('5678')))).toBe(true);
    const third = sink.push(Buffer.from('9abc'));
    expect(await settled(third)).toBe(false);
    await release();
    expect(await settled(third)).toBe(true);
  });

  it('fails the next push or the finish after a write failed', async () => {
    const { writer, release, failWith } = heldWriter();
    const sink = new WriteBehind(writer, 4, 100);
    failWith(new Error('disk full'));
    await sink.push(Buffer.from('1234'));
    await release();
    await expect(sink.push(Buffer.from('5678'))).rejects.toThrow('disk full');
    await expect(sink.finish()).rejects.toThrow('disk full');
  });
});

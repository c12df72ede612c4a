import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { blobDriverContract } from '@wharf/blob-store/testing';
import { getS3BlobDriver, MIN_PART_SIZE } from './s3-driver';
import { startS3rver, type LocalS3 } from './testing/s3rver';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(() => s3.stop());

let run = 0;
const open = (prefix = `contract-${++run}`) =>
  getS3BlobDriver({ bucket: s3.bucket, prefix, endpoint: s3.endpoint, partSize: MIN_PART_SIZE, client: { credentials: s3.credentials } });

blobDriverContract('s3 (s3rver)', async () => ({ driver: open(), cleanup: async () => undefined }));

describe('s3 driver specifics', () => {
  const raw = () => new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
  const keysUnder = async (prefix: string): Promise<{ key: string; size: number }[]> => {
    const page = await raw().send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((object) => ({ key: object.Key!, size: object.Size! }));
  };
  const readAll = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('keeps an unfinished file as readable parts of at least 5 MiB, resumes it in a new driver, and shows it only once committed', async () => {
    const bytes = randomBytes(2 * MIN_PART_SIZE + 123_456);
    const first = open('resume');
    const writer = await first.writer('uploads/u/data');
    // Chunks as a client sends them; the last part stays short of 5 MiB.
    for (let at = 0; at < MIN_PART_SIZE + 1000; at += 256 * 1024) await writer.write(bytes.subarray(at, Math.min(at + 256 * 1024, MIN_PART_SIZE + 1000)));
    await writer.close();

    const segments = await keysUnder('resume/.partial/uploads/u/data/');
    expect(segments.map((segment) => segment.size)).toEqual([MIN_PART_SIZE, 1000]);
    expect(await keysUnder('resume/uploads/')).toEqual([]);

    // A restarted process: a new driver finds the upload by its parts.
    const second = open('resume');
    expect(await second.stat('uploads/u/data')).toEqual({ size: MIN_PART_SIZE + 1000 });
    expect((await readAll(await second.reader('uploads/u/data', { offset: MIN_PART_SIZE - 10, length: 20 }))).equals(bytes.subarray(MIN_PART_SIZE - 10, MIN_PART_SIZE + 10))).toBe(true);
    expect(await second.list('uploads/u')).toEqual(['data']);
    const resumed = await second.writer('uploads/u/data', { append: true });
    expect(resumed.size).toBe(MIN_PART_SIZE + 1000);
    await resumed.write(bytes.subarray(MIN_PART_SIZE + 1000));
    await resumed.close();
    expect((await second.getContent('uploads/u/data')).equals(bytes)).toBe(true);
    expect(await keysUnder('resume/uploads/')).toEqual([]);

    await (await second.writer('uploads/u/data', { append: true })).commit();
    expect(await keysUnder('resume/')).toEqual([{ key: 'resume/uploads/u/data', size: bytes.length }]);
    expect((await second.getContent('uploads/u/data')).equals(bytes)).toBe(true);
    await second.delete('uploads');
    expect(await keysUnder('resume/')).toEqual([]);
  });

  it('leaves no object behind when an unfinished file is cancelled or its directory deleted', async () => {
    const driver = open('cancel');
    const cancelled = await driver.writer('uploads/a/data');
    await cancelled.write(randomBytes(MIN_PART_SIZE + 10));
    await cancelled.cancel();
    const abandoned = await driver.writer('uploads/b/data');
    await abandoned.write(randomBytes(MIN_PART_SIZE + 10));
    await abandoned.close();
    await driver.delete('uploads/b');
    expect(await keysUnder('cancel/')).toEqual([]);
  });

  it('lists directories whose files lie several levels down, as collection runs keep their trash', async () => {
    const driver = open('deep');
    await driver.putContent('gc-trash/run-1/sha256/abc', Buffer.from('x'));
    await driver.putContent('gc-trash/run-2/sha256/def', Buffer.from('y'));
    expect(await driver.list('gc-trash')).toEqual(['run-1', 'run-2']);
    expect(await driver.list('')).toEqual(['gc-trash']);
    await driver.delete('gc-trash');
  });

  it('refuses parts smaller than S3 allows', () => {
    expect(() => getS3BlobDriver({ bucket: 'b', partSize: MIN_PART_SIZE - 1 })).toThrow(/at least/);
  });
});

import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { blobDriverContract } from '@wharf/blob-store/testing';
import { serverUrlOrSkip } from '@wharf/testing';
import { getS3BlobDriver, MIN_PART_SIZE, type S3BlobDriverOptions } from './s3-driver';
import { startS3rver } from './testing/s3rver';

/** An S3 API server the suite runs against, and what it can do. */
interface S3Server {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

const s3rver = (): Promise<S3Server> => startS3rver();

/** MinIO at MINIO_URL (`http://user:password@host:port`), found or started by the integration tier's global setup. */
const minio = (url: string) => async (): Promise<S3Server> => {
  const { username, password, origin } = new URL(url);
  const credentials = { accessKeyId: decodeURIComponent(username), secretAccessKey: decodeURIComponent(password) };
  const bucket = `wharf-${randomBytes(4).toString('hex')}`;
  const client = new S3Client({ endpoint: origin, region: 'us-east-1', forcePathStyle: true, credentials });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return { endpoint: origin, bucket, credentials, stop: async () => client.destroy() };
};

const minioUrl = serverUrlOrSkip('minio');
/** Each server, and whether it lists and aborts multipart uploads (s3rver implements neither). */
const servers: [string, () => Promise<S3Server>, boolean][] = [['s3rver', s3rver, false], ...(minioUrl ? [['MinIO', minio(minioUrl), true] as [string, () => Promise<S3Server>, boolean]] : [])];

describe.each(servers)('S3 driver on %s', (name, start, listsMultipartUploads) => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await start();
  });
  afterAll(() => s3.stop());

  let run = 0;
  const open = (prefix = `contract-${++run}`, options: Partial<S3BlobDriverOptions> = {}) =>
    getS3BlobDriver({ bucket: s3.bucket, prefix, endpoint: s3.endpoint, partSize: MIN_PART_SIZE, client: { credentials: s3.credentials }, ...options });

  blobDriverContract(`s3 (${name})`, async () => ({ driver: open(), cleanup: async () => undefined }));

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

    it('moves a file larger than one CopyObject may copy as a multipart upload of its ranges, whole', async () => {
      // The limit is S3's 5 GiB in production; a small one here sends a 12 MiB file through the same path.
      // The SDK's logger names each command the driver sends.
      const commands: string[] = [];
      const logger = { debug: () => undefined, warn: () => undefined, error: () => undefined, info: (entry: { commandName?: string }) => void commands.push(entry.commandName ?? '') };
      const driver = open('big-copy', { singleCopyLimit: MIN_PART_SIZE, client: { credentials: s3.credentials, logger } });
      const bytes = randomBytes(2 * MIN_PART_SIZE + 2 * 1024 * 1024);
      await driver.putContent('blobs/big/data', bytes);
      await driver.move('blobs/big/data', 'gc-trash/run/big');
      expect(commands).not.toContain('CopyObjectCommand');
      expect(commands.filter((command) => command === 'UploadPartCommand')).toHaveLength(3);
      expect(await keysUnder('big-copy/')).toEqual([{ key: 'big-copy/gc-trash/run/big', size: bytes.length }]);
      expect((await driver.getContent('gc-trash/run/big')).equals(bytes)).toBe(true);
      await driver.delete('gc-trash');
    });

    (listsMultipartUploads ? it : it.skip)('aborts the multipart uploads a crash left open, older than asked, under its prefix only', async () => {
      const client = raw();
      // What a process killed in the middle of a commit leaves: a multipart upload with a part, never completed.
      const leave = async (key: string) => {
        const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
        await client.send(new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber: 1, Body: randomBytes(1024) }));
      };
      await leave('crashed/blobs/a/data');
      await leave('other-prefix/blobs/b/data');
      const openUploads = async (prefix: string) =>
        ((await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix }))).Uploads ?? []).map((upload) => upload.Key);
      const driver = open('crashed');
      expect(await driver.purgeInterrupted!(new Date(Date.now() - 60_000))).toBe(0);
      expect(await openUploads('crashed/')).toEqual(['crashed/blobs/a/data']);
      expect(await driver.purgeInterrupted!(new Date(Date.now() + 60_000))).toBe(1);
      expect(await openUploads('crashed/')).toEqual([]);
      expect(await openUploads('other-prefix/')).toEqual(['other-prefix/blobs/b/data']);
    });

    it('hands out presigned URLs that serve a file, ranges too, only when set up to', async () => {
      const bytes = randomBytes(300_000);
      const plain = open('presigned');
      expect(plain.redirectUrl).toBeUndefined();
      const driver = open('presigned', { redirects: true });
      await driver.putContent('blobs/p/data', bytes);
      const url = await driver.redirectUrl!('blobs/p/data', 60);
      // Signed with SigV4 for 60 s (s3rver serves it without checking SigV4 signatures, so only the URL says so).
      const query = new URL(url).searchParams;
      expect([query.get('X-Amz-Expires'), query.get('X-Amz-Algorithm'), query.has('X-Amz-Signature')]).toEqual(['60', 'AWS4-HMAC-SHA256', true]);
      const whole = await fetch(url);
      expect([whole.status, Buffer.from(await whole.arrayBuffer()).equals(bytes)]).toEqual([200, true]);
      const part = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
      expect([part.status, Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))]).toEqual([206, true]);
      await driver.delete('blobs');
    });

    it('refuses parts smaller than S3 allows', () => {
      expect(() => getS3BlobDriver({ bucket: 'b', partSize: MIN_PART_SIZE - 1 })).toThrow(/at least/);
    });
  });
});

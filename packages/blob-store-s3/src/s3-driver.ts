import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checkPath, PathNotFoundError, type BlobDriver } from '@wharf/blob-store';
import { S3Objects } from './s3-objects';
import { PartialFile } from './s3-partial-file';
import { openS3Writer } from './s3-writer';

const NAME = 's3';
/** S3's smallest part (but the last) of a multipart upload. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3BlobDriverOptions {
  bucket: string;
  /** Key prefix every path goes under (no leading `/`); '' for the bucket's root. */
  prefix?: string;
  /** The S3 API's URL for MinIO, Ceph and the like; AWS's own endpoint for the region without it. */
  endpoint?: string;
  region?: string;
  /** Bytes per multipart part, at least 5 MiB; also the most an open writer holds in memory (plus one chunk). */
  partSize?: number;
  /** Hands out presigned GET URLs (`redirectUrl`), so blob pulls can be redirected to the bucket. */
  redirects?: boolean;
  /** Objects larger than this are copied through Wharf in parts rather than by one CopyObject (S3 allows 5 GiB). */
  singleCopyLimit?: number;
  /** Anything else for the SDK's client (credentials come from its standard chain unless given here). */
  client?: Omit<S3ClientConfig, 'endpoint' | 'region' | 'forcePathStyle'>;
}

/**
 * Blob storage in an S3 bucket, addressed path-style (`<endpoint>/<bucket>/<key>`, as MinIO and Ceph expect). A
 * path is the key `<prefix><path>`; directories are key prefixes, so they exist while something is under them.
 * A file being written lives under `<prefix>.partial/<path>/` until its commit (PartialFile); `.partial` can never
 * be a path's segment, so it never shows in a listing. Multipart uploads a crash left open (mid-commit) are aborted
 * by `purgeInterrupted`, which needs a server that lists multipart uploads (AWS, MinIO, Ceph; s3rver cannot).
 *
 * S3 has no rename: `move` copies, then deletes the source. Content-addressed bytes are the same wherever they are
 * copied from, which is what keeps garbage collection's set-aside protocol safe on it (apps/lifecycle
 * content-sweeper.ts says how).
 */
export const getS3BlobDriver = (options: S3BlobDriverOptions): BlobDriver => {
  const partSize = options.partSize ?? 8 * 1024 * 1024;
  if (partSize < MIN_PART_SIZE) throw new Error(`S3 driver: parts must be at least ${MIN_PART_SIZE} bytes, not ${partSize}`);
  const prefix = options.prefix ? `${options.prefix.replace(/\/+$/, '')}/` : '';
  const client = new S3Client({
    ...options.client,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region ?? 'us-east-1',
    forcePathStyle: true,
    // Checksums only where S3 demands them: S3-compatible servers do not all take the SDK's newer trailing checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const objects = new S3Objects(client, options.bucket, options.singleCopyLimit);

  const keyOf = (path: string, allowRoot = false): string => checkPath(path, NAME, { allowRoot }).join('/');
  const fileKey = (path: string) => `${prefix}${keyOf(path)}`;
  const partialOf = (path: string) => new PartialFile(objects, `${prefix}.partial/${keyOf(path)}/`);

  /** A committed file's size, else an unfinished one's segments, else null. */
  const locate = async (path: string): Promise<{ key: string; size: number } | { segments: Awaited<ReturnType<PartialFile['segments']>> } | null> => {
    const key = fileKey(path);
    const size = await objects.size(key);
    if (size !== null) return { key, size };
    const segments = await partialOf(path).segments();
    return segments.length > 0 ? { segments } : null;
  };

  const reader = async (path: string, { offset = 0, length }: { offset?: number; length?: number } = {}): Promise<Readable> => {
    if (length !== 0) {
      const body = await objects.read(fileKey(path), offset, length);
      if (body) return body;
    }
    const found = await locate(path);
    if (!found) throw new PathNotFoundError(path, NAME);
    if (length === 0) return Readable.from([]);
    if ('key' in found) {
      // Written between the two looks.
      const body = await objects.read(found.key, offset, length);
      if (!body) throw new PathNotFoundError(path, NAME);
      return body;
    }
    return PartialFile.read(objects, found.segments, offset, length);
  };

  return {
    name: NAME,
    async stat(path) {
      const found = await locate(path);
      if (!found) return null;
      return { size: 'key' in found ? found.size : PartialFile.sizeOf(found.segments) };
    },
    reader,
    writer: async (path, { append = false } = {}) => openS3Writer(objects, fileKey(path), partialOf(path), partSize, append, fileKey),
    async getContent(path) {
      const chunks: Buffer[] = [];
      for await (const chunk of await reader(path)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    // One PUT: S3 shows an object only once all of it arrived.
    async putContent(path, content) {
      await objects.put(fileKey(path), content);
    },
    async move(from, to) {
      const target = fileKey(to);
      if (await objects.copy(fileKey(from), target)) {
        await objects.deleteAll([fileKey(from)]);
        return;
      }
      const partial = partialOf(from);
      if ((await partial.segments()).length === 0) throw new PathNotFoundError(from, NAME);
      await partial.assemble(target);
    },
    async delete(path) {
      const key = fileKey(path);
      const keys: string[] = [];
      if ((await objects.size(key)) !== null) keys.push(key);
      for (const under of [`${key}/`, `${prefix}.partial/${keyOf(path)}/`]) {
        for await (const object of objects.objects(under)) keys.push(object.key);
      }
      if (keys.length === 0) throw new PathNotFoundError(path, NAME);
      await objects.deleteAll(keys);
    },
    async list(path) {
      const relative = keyOf(path, true);
      const under = relative ? `${relative}/` : '';
      const [files, partial] = await Promise.all([objects.children(`${prefix}${under}`), objects.children(`${prefix}.partial/${under}`)]);
      // Unfinished files show by their name (their segments are one level further down); `.partial` itself is hidden.
      const names = new Set([...files.objects, ...files.prefixes, ...partial.prefixes].filter((name) => !name.startsWith('.')));
      return [...names].sort();
    },
    purgeInterrupted: (before) => objects.abortStarted(prefix, before),
    ...(options.redirects
      ? { redirectUrl: (path: string, expiresIn: number) => getSignedUrl(client, new GetObjectCommand({ Bucket: options.bucket, Key: fileKey(path) }), { expiresIn }) }
      : {}),
  };
};

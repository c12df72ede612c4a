import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** True for S3's answers that mean "no such object" (HEAD has no body, so only its status says so). */
export const isNotFound = (error: unknown): boolean => {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
};

export interface ListedObject {
  key: string;
  size: number;
  lastModified?: Date;
}

/** A stretch of an existing object that becomes one part of a multipart upload. */
export interface PartSource {
  key: string;
  offset: number;
  size: number;
}

/** The most bytes one CopyObject request may copy (S3's limit). */
export const MAX_SINGLE_COPY = 5 * 1024 ** 3;
/** S3's most parts in one multipart upload. */
const MAX_PARTS = 10_000;
/** Parts of one multipart upload sent at once. */
const PARTS_IN_FLIGHT = 4;

/**
 * The S3 calls the driver makes, on one bucket, with keys already carrying the driver's prefix. Each method is one
 * request (or one paginated walk), so the driver reads as what it asks of S3.
 */
export class S3Objects {
  /** False once the server answered that it cannot copy into parts (s3rver): parts then stream through here. */
  private copiesParts = true;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    /** Objects larger than this are copied as a multipart upload of ranged reads instead of one CopyObject. */
    readonly singleCopyLimit = MAX_SINGLE_COPY,
  ) {}

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** The bytes `[offset, offset + length)` of an object (to its end without `length`); null when it does not exist. */
  async read(key: string, offset: number, length?: number): Promise<Readable | null> {
    const range = length === undefined ? `bytes=${offset}-` : `bytes=${offset}-${offset + length - 1}`;
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(offset > 0 || length !== undefined ? { Range: range } : {}) }));
      return object.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) return null;
      // A range starting at or past the end: nothing to read, as a file read there gives nothing.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) return Readable.from([]);
      throw error;
    }
  }

  async put(key: string, body: Buffer): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.length }));
  }

  /**
   * Copies an object; false when the source does not exist. Up to `singleCopyLimit` (S3 allows 5 GiB) the server
   * copies it in one request; a larger object goes through here as a multipart upload of ranged reads of it, the
   * bytes streaming through, never held.
   */
  async copy(from: string, to: string): Promise<boolean> {
    const size = await this.size(from);
    if (size === null) return false;
    if (size > this.singleCopyLimit) {
      const partSize = Math.max(this.singleCopyLimit, Math.ceil(size / MAX_PARTS));
      const parts: PartSource[] = [];
      for (let offset = 0; offset < size; offset += partSize) parts.push({ key: from, offset, size: Math.min(partSize, size - offset) });
      await this.uploadInParts(to, parts);
      return true;
    }
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: encodeURI(`${this.bucket}/${from}`) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Writes `key` as one multipart upload whose parts are the given stretches of other objects, in order (each but
   * the last at least 5 MiB, as S3 requires), a few parts at a time. The server copies each part itself
   * (UploadPartCopy) where it can; where it cannot, the bytes stream through here, never held whole. The object
   * appears whole or not at all. A failure aborts the upload, so no parts stay; what a crash leaves open,
   * `abortStarted` finds later.
   */
  async uploadInParts(key: string, sources: readonly PartSource[]): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    try {
      const parts: { PartNumber: number; ETag: string }[] = new Array(sources.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < sources.length) {
          const index = next++;
          parts[index] = { PartNumber: index + 1, ETag: await this.uploadPart(key, UploadId!, index + 1, sources[index]!) };
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, sources.length) }, worker));
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      try {
        await this.abort(key, UploadId!);
      } catch (abortError) {
        throw new AggregateError([error, abortError], `S3 driver: the multipart upload of ${key} failed, and so did its abort`);
      }
      throw error;
    }
  }

  /** One part of a multipart upload, copied from `source` by the server or streamed through; its ETag. */
  private async uploadPart(key: string, uploadId: string, partNumber: number, source: PartSource): Promise<string> {
    const part = { Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber };
    if (this.copiesParts) {
      try {
        const { CopyPartResult } = await this.client.send(
          new UploadPartCopyCommand({
            ...part,
            CopySource: encodeURI(`${this.bucket}/${source.key}`),
            CopySourceRange: `bytes=${source.offset}-${source.offset + source.size - 1}`,
          }),
        );
        return CopyPartResult!.ETag!;
      } catch (error) {
        if ((error as { name?: string }).name !== 'NotImplemented') throw error;
        this.copiesParts = false;
      }
    }
    const body = await this.read(source.key, source.offset, source.size);
    if (!body) throw new Error(`S3 driver: ${source.key} vanished while being copied into ${key}`);
    const { ETag } = await this.client.send(new UploadPartCommand({ ...part, Body: body, ContentLength: source.size }));
    return ETag!;
  }

  /**
   * Aborts the multipart uploads under `prefix` started before `before`: the ones a crash left neither completed
   * nor aborted, whose parts S3 keeps (and bills) out of sight. Returns how many it aborted.
   */
  async abortStarted(prefix: string, before: Date): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, ...(keyMarker ? { KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker } : {}) }),
      );
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= before) continue;
        await this.abort(upload.Key, upload.UploadId);
        aborted++;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return aborted;
  }

  /** Aborts a multipart upload; one already completed or aborted counts as aborted. */
  private async abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      const { name } = error as { name?: string };
      if (name !== 'NoSuchUpload' && !isNotFound(error)) throw error;
    }
  }

  /** Every object under `prefix`, in key order. */
  async *objects(prefix: string): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) yield { key: object.Key!, size: object.Size ?? 0, ...(object.LastModified ? { lastModified: object.LastModified } : {}) };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * The names one level below `prefix` (which ends with `/`): objects there, and directories (names with keys
   * further down). Walked from the flat listing rather than asked with a delimiter, because S3-compatible servers
   * do not all report common prefixes whose keys lie more than one level down (s3rver does not); so a listing costs
   * a page per thousand keys in the subtree. Wharf lists only small subtrees (the collection runs' `gc-trash`).
   */
  async children(prefix: string): Promise<{ objects: string[]; prefixes: string[] }> {
    const objects = new Set<string>();
    const prefixes = new Set<string>();
    for await (const { key } of this.objects(prefix)) {
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) objects.add(rest);
      else prefixes.add(rest.slice(0, slash));
    }
    return { objects: [...objects], prefixes: [...prefixes] };
  }

  /** Deletes these keys, a thousand per request (S3's limit); a key already gone counts as deleted. */
  async deleteAll(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const reply = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      const failed = reply.Errors ?? [];
      if (failed.length > 0) throw new Error(`S3 could not delete ${failed.length} objects, first ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message}`);
    }
  }
}

import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
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
}

/**
 * The S3 calls the driver makes, on one bucket, with keys already carrying the driver's prefix. Each method is one
 * request (or one paginated walk), so the driver reads as what it asks of S3.
 */
export class S3Objects {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
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

  /** Server-side copy; false when the source does not exist. */
  async copy(from: string, to: string): Promise<boolean> {
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: encodeURI(`${this.bucket}/${from}`) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Every object under `prefix`, in key order. */
  async *objects(prefix: string): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) yield { key: object.Key!, size: object.Size ?? 0 };
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

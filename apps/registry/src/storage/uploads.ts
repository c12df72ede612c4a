import type { Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ContentLayout, PathNotFoundError } from '@wharf/blob-store';
import { digestHasher, OciError, parseDigest, type DigestAlgorithm } from '@wharf/oci';
import { ContentStore } from './content-store';
import { WriteBehind } from './write-behind';

interface UploadInfo {
  repository: string;
  startedAt: string;
}

/** Incremental hash of an upload's bytes, kept while this process serves it; rebuilt from disk otherwise. */
interface HashState {
  algorithm: DigestAlgorithm;
  hash: Hash;
  size: number;
}

/** Uploads whose repository this process remembers (started or checked here), beyond which the oldest are forgotten. */
const KNOWN_OWNERS = 10_000;

export interface UploadStatus {
  id: string;
  size: number;
}

/**
 * Upload sessions: bytes go to ContentLayout.uploadData(id) with an append writer. Chunks must arrive in order
 * (a chunk starting anywhere but the current end is 416), and requests on one upload run one at a time.
 * An upload survives a restart: its bytes are on disk, and its hash is recomputed from them when needed.
 */
export class Uploads {
  private readonly hashes = new Map<string, HashState>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /**
   * The repository of uploads started or checked by this process, so each request on an upload need not read its
   * info file again (an upload never changes repository). An upload that is gone still fails: its data is looked at.
   */
  private readonly owners = new Map<string, string>();

  constructor(private readonly content: ContentStore) {}

  private get driver() {
    return this.content.driver;
  }

  /** Runs `work` after every earlier operation on the same upload. */
  private exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.locks.set(id, next);
    void next.finally(() => {
      if (this.locks.get(id) === next) this.locks.delete(id);
    }).catch(() => undefined);
    return next;
  }

  async start(repository: string, now: Date): Promise<UploadStatus> {
    const id = this.content.newUploadId();
    const info: UploadInfo = { repository, startedAt: now.toISOString() };
    await this.driver.putContent(ContentLayout.uploadInfo(id), Buffer.from(JSON.stringify(info)));
    const writer = await this.driver.writer(ContentLayout.uploadData(id));
    await writer.close();
    this.remember(id, repository);
    return { id, size: 0 };
  }

  /** The upload's current size, if it exists and belongs to the repository. */
  async status(repository: string, id: string): Promise<UploadStatus> {
    await this.requireOwned(repository, id);
    const stat = await this.driver.stat(ContentLayout.uploadData(id));
    if (!stat) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { id });
    return { id, size: stat.size };
  }

  /**
   * Appends a chunk. `start` (from Content-Range) must be the current size; `expectedLength` (from
   * Content-Length) must match what arrives.
   */
  append(repository: string, id: string, body: Readable, range: { start?: number; expectedLength?: number } = {}): Promise<UploadStatus> {
    return this.exclusive(id, async () => {
      const { size } = await this.status(repository, id);
      if (range.start !== undefined && range.start !== size) {
        throw new OciError('RANGE_INVALID', `chunk starts at ${range.start}, upload is at ${size}`, { size }, 416);
      }
      const state = await this.hashState(id, 'sha256', size);
      const writer = await this.driver.writer(ContentLayout.uploadData(id), { append: true });
      // The disk writes what came while the next chunks arrive (WriteBehind), with at most a few MiB in memory.
      const sink = new WriteBehind(writer);
      let received = 0;
      try {
        for await (const chunk of body) {
          const buffer = chunk as Buffer;
          state.hash.update(buffer);
          received += buffer.length;
          await sink.push(buffer);
        }
        await sink.finish();
      } catch (error) {
        // The client went away mid-chunk: keep what was written (the upload can resume from its size)
        // but forget the hash, which no longer matches a state a client knows about.
        this.hashes.delete(id);
        await sink.settle();
        await writer.close();
        throw error;
      }
      await writer.close();
      state.size += received;
      if (range.expectedLength !== undefined && received !== range.expectedLength) {
        this.hashes.delete(id);
        throw new OciError('SIZE_INVALID', `received ${received} bytes, Content-Length said ${range.expectedLength}`, { received }, 400);
      }
      return { id, size: state.size };
    });
  }

  /**
   * Verifies the digest of everything uploaded, has `record` record the blob (the catalog's link), then turns
   * the upload into that blob (flushed to stable storage first). Recording first is what garbage collection
   * relies on: bytes put in place after their reference is recorded are never collected. A crash between the two
   * leaves the link without bytes; the blob then reads as unknown until the client finishes the upload again.
   */
  finish(repository: string, id: string, digest: string, record: (size: number) => Promise<unknown>): Promise<{ size: number }> {
    return this.exclusive(id, async () => {
      const parsed = parseDigest(digest);
      if (!parsed) throw new OciError('DIGEST_INVALID', 'invalid digest', { digest });
      const { size } = await this.status(repository, id);
      const state = await this.hashState(id, parsed.algorithm, size);
      const actual = `${parsed.algorithm}:${state.hash.copy().digest('hex')}`;
      if (actual !== digest) throw new OciError('DIGEST_INVALID', `upload has digest ${actual}, not ${digest}`, { digest });
      await record(size);
      if (!(await this.content.commitUpload(id, digest, size))) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { id });
      this.hashes.delete(id);
      this.owners.delete(id);
      return { size };
    });
  }

  cancel(repository: string, id: string): Promise<void> {
    return this.exclusive(id, async () => {
      await this.requireOwned(repository, id);
      this.hashes.delete(id);
      await this.driver.delete(ContentLayout.upload(id));
      this.owners.delete(id);
    });
  }

  private async requireOwned(repository: string, id: string): Promise<void> {
    if (!ContentStore.isUploadId(id)) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { id });
    let owner = this.owners.get(id);
    if (owner === undefined) {
      try {
        owner = (JSON.parse((await this.driver.getContent(ContentLayout.uploadInfo(id))).toString()) as UploadInfo).repository;
      } catch (error) {
        if (error instanceof PathNotFoundError) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { id });
        throw error;
      }
      this.remember(id, owner);
    }
    if (owner !== repository) throw new OciError('BLOB_UPLOAD_UNKNOWN', undefined, { id });
  }

  private remember(id: string, repository: string): void {
    this.owners.set(id, repository);
    // Maps iterate in insertion order: the first key is the oldest.
    if (this.owners.size > KNOWN_OWNERS) this.owners.delete(this.owners.keys().next().value!);
  }

  /** The hash of the first `size` bytes, from memory when it is current, else by reading them again. */
  private async hashState(id: string, algorithm: DigestAlgorithm, size: number): Promise<HashState> {
    const known = this.hashes.get(id);
    if (known && known.algorithm === algorithm && known.size === size) return known;
    const hash = digestHasher(algorithm);
    if (size > 0) {
      for await (const chunk of await this.driver.reader(ContentLayout.uploadData(id), { offset: 0, length: size })) hash.update(chunk as Buffer);
    }
    const state = { algorithm, hash, size };
    this.hashes.set(id, state);
    return state;
  }
}

import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentLayout, PathNotFoundError, type BlobDriver } from '@wharf/blob-store';
import { ContentCache } from './content-cache';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Content-addressed storage over the dumb blob driver, in the layout ContentLayout gives. A blob becomes visible
 * only by its upload's atomic commit into place, so a crash never exposes a partial blob.
 * Which repository may serve which blob is the catalog's business, not this store's.
 *
 * Garbage collection (lifecycle) sets bytes aside under `gc-trash/<run>/…` before it decides whether to delete
 * them (ContentLayout). Reads look there when the bytes are not in place; writes and `reclaim` look only at the
 * place itself, because a set-aside copy may be deleted at any moment.
 *
 * Small content read or written whole (manifests, configs) is also kept in memory (ContentCache): pulling an
 * image reads its manifest far more often than anything changes it, and by digest it never changes.
 */
export class ContentStore {
  private readonly cache = new ContentCache(32 * 1024 * 1024, 4 * 1024 * 1024);

  constructor(readonly driver: BlobDriver) {}

  /** The bytes' size, in place or (`inPlace` false) set aside by a collection run. */
  async stat(digest: string): Promise<{ size: number; inPlace: boolean } | null> {
    const inPlace = await this.driver.stat(ContentLayout.blob(digest));
    if (inPlace) return { size: inPlace.size, inPlace: true };
    for (const path of await this.setAside(digest)) {
      const found = await this.driver.stat(path);
      if (found) return { size: found.size, inPlace: false };
    }
    return null;
  }

  /**
   * A URL serving the bytes in place straight from the storage for the next `expiresInSeconds`, or null when the
   * driver hands out none (only S3 with redirects does). Only for bytes in place: a set-aside copy can be deleted
   * while the URL is still out.
   */
  async redirectUrl(digest: string, expiresInSeconds: number): Promise<string | null> {
    return this.driver.redirectUrl ? this.driver.redirectUrl(ContentLayout.blob(digest), expiresInSeconds) : null;
  }

  /**
   * Writes the bytes (or `range` of them) into `destination` without ending it; false, before writing anything,
   * when they are gone.
   */
  async copyTo(digest: string, destination: Writable, range?: { offset: number; length: number }): Promise<boolean> {
    const { openFile } = this.driver;
    if (!openFile) {
      const stream = await this.first(digest, (path) => this.driver.reader(path, range));
      if (stream) await pipeline(stream, destination, { end: false });
      return stream !== null;
    }
    const file = await this.first(digest, (path) => openFile.call(this.driver, path));
    if (!file) return false;
    try {
      await file.copyTo(destination, range);
    } finally {
      await file.close();
    }
    return true;
  }

  async getContent(digest: string): Promise<Buffer | null> {
    const cached = this.cache.get(digest);
    if (cached) return cached;
    const content = await this.first(digest, (path) => this.driver.getContent(path));
    if (content) this.cache.set(digest, content);
    return content;
  }

  /** Stores small content (manifests) under its digest; content is immutable, so a copy in place is kept. */
  async putContent(digest: string, content: Buffer): Promise<void> {
    if (!(await this.inPlace(digest))) await this.driver.putContent(ContentLayout.blob(digest), content);
    this.cache.set(digest, content);
  }

  async inPlace(digest: string): Promise<boolean> {
    return (await this.driver.stat(ContentLayout.blob(digest))) !== null;
  }

  /**
   * Makes sure the bytes are in place, moving a copy a collection run set aside back if need be. False when
   * they are gone: a run deleted them before the caller's reference was recorded.
   */
  async reclaim(digest: string): Promise<boolean> {
    if (await this.inPlace(digest)) return true;
    for (const path of await this.setAside(digest)) {
      try {
        await this.driver.move(path, ContentLayout.blob(digest));
        return true;
      } catch (error) {
        if (!(error instanceof PathNotFoundError)) throw error;
      }
    }
    // The run may have put them back itself meanwhile.
    return this.inPlace(digest);
  }

  /** Where collection runs under way would have set the bytes aside. */
  private async setAside(digest: string): Promise<string[]> {
    const runs = await this.driver.list(ContentLayout.trashRoot);
    return runs.map((run) => ContentLayout.trash(run, digest));
  }

  /**
   * Opens the first location that has the bytes. A run can move them between the listing and the opening (an
   * open file stays readable after a move or delete), so the walk is tried twice before the bytes count as gone.
   */
  private async first<T>(digest: string, open: (path: string) => Promise<T>): Promise<T | null> {
    const attempt = async (path: string): Promise<T | null> => {
      try {
        return await open(path);
      } catch (error) {
        if (error instanceof PathNotFoundError) return null;
        throw error;
      }
    };
    for (let round = 0; round < 2; round++) {
      // The place first, the set-aside copies only when it is empty: the common case costs one open.
      const inPlace = await attempt(ContentLayout.blob(digest));
      if (inPlace !== null) return inPlace;
      for (const path of await this.setAside(digest)) {
        const aside = await attempt(path);
        if (aside !== null) return aside;
      }
    }
    return null;
  }

  /**
   * Makes an upload's bytes the blob with this digest (the caller verified it), removing the upload: the upload's
   * writer commits straight into the blob's place, durably and atomically (on S3 without a copy after). False,
   * leaving everything as it was, when the upload no longer holds the `size` bytes that were verified (another
   * replica cancelled it meanwhile).
   */
  async commitUpload(id: string, digest: string, size: number): Promise<boolean> {
    if (!(await this.inPlace(digest))) {
      const writer = await this.driver.writer(ContentLayout.uploadData(id), { append: true });
      if (writer.size !== size) {
        await writer.close();
        return false;
      }
      await writer.commit(ContentLayout.blob(digest));
    }
    await this.driver.delete(ContentLayout.upload(id));
    return true;
  }

  newUploadId(): string {
    return randomUUID();
  }

  /** Whether `id` has the shape of an id newUploadId gives (a lowercase UUID); anything else names no upload. */
  static isUploadId(id: string): boolean {
    return UPLOAD_ID.test(id);
  }
}

import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ContentLayout, PathNotFoundError, type BlobDriver } from '@wharf/blob-store';
import { parseDigest } from '@wharf/oci';
import { ContentCache } from './content-cache';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Content-addressed storage over the dumb blob driver. Layout under the driver's root:
 *
 *   blobs/<algorithm>/<first two hex>/<hex>/data     every blob and manifest, by digest, written once
 *   uploads/<id>/data                               bytes of an upload in progress
 *   uploads/<id>/info                               {"repository": "...", "startedAt": "..."}
 *
 * A blob becomes visible only by an atomic move from its upload, so a crash never exposes a partial blob.
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

  static blobPath(digest: string): string {
    const parsed = parseDigest(digest);
    if (!parsed) throw new Error(`Not a digest: ${digest}`);
    return ContentLayout.blob(digest);
  }

  static uploadPath(id: string): string {
    return `uploads/${id}/data`;
  }

  /** The bytes' size, in place or set aside by a collection run. */
  async stat(digest: string): Promise<{ size: number } | null> {
    const inPlace = await this.driver.stat(ContentStore.blobPath(digest));
    if (inPlace) return inPlace;
    for (const path of await this.setAside(digest)) {
      const found = await this.driver.stat(path);
      if (found) return found;
    }
    return null;
  }

  async read(digest: string, range?: { offset: number; length: number }): Promise<Readable | null> {
    return this.first(digest, (path) => this.driver.reader(path, range));
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
    if (!(await this.inPlace(digest))) await this.driver.putContent(ContentStore.blobPath(digest), content);
    this.cache.set(digest, content);
  }

  async inPlace(digest: string): Promise<boolean> {
    return (await this.driver.stat(ContentStore.blobPath(digest))) !== null;
  }

  /**
   * Makes sure the bytes are in place, moving a copy a collection run set aside back if need be. False when
   * they are gone: a run deleted them before the caller's reference was recorded.
   */
  async reclaim(digest: string): Promise<boolean> {
    if (await this.inPlace(digest)) return true;
    for (const path of await this.setAside(digest)) {
      try {
        await this.driver.move(path, ContentStore.blobPath(digest));
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
      const inPlace = await attempt(ContentStore.blobPath(digest));
      if (inPlace !== null) return inPlace;
      for (const path of await this.setAside(digest)) {
        const aside = await attempt(path);
        if (aside !== null) return aside;
      }
    }
    return null;
  }

  /** Makes an upload's bytes the blob with this digest (the caller verified it), removing the upload. */
  async commitUpload(id: string, digest: string): Promise<void> {
    if (await this.inPlace(digest)) {
      await this.driver.delete(`uploads/${id}`);
      return;
    }
    await this.driver.move(ContentStore.uploadPath(id), ContentStore.blobPath(digest));
    await this.driver.delete(`uploads/${id}`);
  }

  newUploadId(): string {
    return randomUUID();
  }

  /** Whether `id` has the shape of an id newUploadId gives (a lowercase UUID); anything else names no upload. */
  static isUploadId(id: string): boolean {
    return UPLOAD_ID.test(id);
  }
}

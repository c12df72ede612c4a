import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PathNotFoundError, type BlobDriver } from '@wharf/blob-store';
import { parseDigest } from '@wharf/oci';

/**
 * Content-addressed storage over the dumb blob driver. Layout under the driver's root:
 *
 *   blobs/<algorithm>/<first two hex>/<hex>/data     every blob and manifest, by digest, written once
 *   uploads/<id>/data                               bytes of an upload in progress
 *   uploads/<id>/info                               {"repository": "...", "startedAt": "..."}
 *
 * A blob becomes visible only by an atomic move from its upload, so a crash never exposes a partial blob.
 * Which repository may serve which blob is the catalog's business, not this store's.
 */
export class ContentStore {
  constructor(readonly driver: BlobDriver) {}

  static blobPath(digest: string): string {
    const parsed = parseDigest(digest);
    if (!parsed) throw new Error(`Not a digest: ${digest}`);
    return `blobs/${parsed.algorithm}/${parsed.hex.slice(0, 2)}/${parsed.hex}/data`;
  }

  static uploadPath(id: string): string {
    return `uploads/${id}/data`;
  }

  async stat(digest: string): Promise<{ size: number } | null> {
    return this.driver.stat(ContentStore.blobPath(digest));
  }

  async read(digest: string, range?: { offset: number; length: number }): Promise<Readable | null> {
    try {
      return await this.driver.reader(ContentStore.blobPath(digest), range);
    } catch (error) {
      if (error instanceof PathNotFoundError) return null;
      throw error;
    }
  }

  async getContent(digest: string): Promise<Buffer | null> {
    try {
      return await this.driver.getContent(ContentStore.blobPath(digest));
    } catch (error) {
      if (error instanceof PathNotFoundError) return null;
      throw error;
    }
  }

  /** Stores small content (manifests) under its digest; content is immutable, so an existing copy is kept. */
  async putContent(digest: string, content: Buffer): Promise<void> {
    if (await this.stat(digest)) return;
    await this.driver.putContent(ContentStore.blobPath(digest), content);
  }

  /** Makes an upload's bytes the blob with this digest (the caller verified it), removing the upload. */
  async commitUpload(id: string, digest: string): Promise<void> {
    if (await this.stat(digest)) {
      await this.driver.delete(`uploads/${id}`);
      return;
    }
    await this.driver.move(ContentStore.uploadPath(id), ContentStore.blobPath(digest));
    await this.driver.delete(`uploads/${id}`);
  }

  newUploadId(): string {
    return randomUUID();
  }
}

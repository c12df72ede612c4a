import { ContentLayout, PathNotFoundError, type BlobDriver } from '@wharf/blob-store';
import { sweepable } from './collection-plan';

/** What lifecycle's views say about a digest's holdings across every repository. */
export interface ContentState {
  size: number;
  references: number;
  lastReferencedAt: string;
}

export interface ReferenceCheck {
  /** Resolves once every reference recorded before the call shows in `contents`. */
  settle(): Promise<void>;
  /** The holdings of each digest the views know (absent: never recorded, or already swept). */
  contents(digests: readonly string[]): Promise<Map<string, ContentState>>;
}

export interface SweepTotals {
  /** Objects and bytes this sweep deleted from storage. */
  objects: number;
  bytes: number;
}

const ignoreMissing = async (work: () => Promise<void>): Promise<boolean> => {
  try {
    await work();
    return true;
  } catch (error) {
    if (error instanceof PathNotFoundError) return false;
    throw error;
  }
};

/**
 * Deletes the bytes of content nothing references any more, while pushes and pulls go on. The protocol, with the
 * registry's side in apps/registry (registry-api.ts, content-store.ts):
 *
 * 1. The sweep considers only digests its view says nobody holds, last held before `protectedAfter`.
 * 2. It moves each one's bytes aside (`gc-trash/<run>-<batch>/…`, an atomic rename): from then on nobody can find them
 *    in place, so anyone who needs them must either have recorded a reference already or record one and then
 *    put the bytes back in place (below).
 * 3. Only then does it read the log's head and wait until its view has applied it, so every reference
 *    recorded before the bytes were moved aside is seen.
 * 4. Bytes of a digest referenced meanwhile (or held within the grace window) go back; the rest are deleted.
 *
 * The registry records a reference (blob link, manifest) first and puts bytes in place after: an upload moves
 * its bytes in, a manifest push writes its bytes again, a mount takes a set-aside copy back (or, finding the
 * bytes gone, withdraws its link and lets the client upload). A reference recorded before step 2 is seen at
 * step 3, so the bytes go back; one recorded after it finds the bytes out of place and puts them there itself,
 * and a later sweep sees it. Either way a recorded reference never ends without its bytes. While bytes are set
 * aside, readers find them in the trash (open files survive the rename and the delete), so pulls go on.
 *
 * On S3 (no rename) a move is a copy, then a delete of the source. The protocol stays safe because the bytes are
 * content-addressed, so every copy of a digest is the same bytes, and the copy is made before the source goes:
 * - Step 2 on S3: for a moment the bytes are both in place and aside. A registry that writes them in place during
 *   that moment may see its write deleted with the source, but it recorded its reference before writing, so before
 *   the move returned and before step 3: step 3 sees the reference and the copy aside goes back. Likewise a mount
 *   that found them in place then.
 * - Putting back and reclaiming copy the aside bytes in place before deleting them; if both run, both copies are
 *   the same bytes and the second delete finds nothing, which counts as done.
 * - A reclaim racing the batch's final delete either copied first (the bytes are in place) or finds nothing and
 *   withdraws its link, as on a filesystem. A GET in flight keeps streaming after a delete on S3 as well.
 */
export class ContentSweeper {
  constructor(
    private readonly driver: BlobDriver,
    private readonly check: ReferenceCheck,
    private readonly options: { batchSize?: number; concurrency?: number; between?: () => Promise<void> } = {},
  ) {}

  /**
   * Sweeps `candidates` in batches; `recordSwept` gets, per batch, the digests whose bytes are gone (deleted here
   * or missing already) and that nothing references, with the objects and bytes the batch deleted.
   */
  async sweep(
    runId: string,
    protectedAfter: string,
    candidates: readonly string[],
    recordSwept: (digests: string[], deleted: SweepTotals) => Promise<void>,
  ): Promise<SweepTotals> {
    const totals: SweepTotals = { objects: 0, bytes: 0 };
    const batchSize = this.options.batchSize ?? 500;
    for (let start = 0, batch = 0; start < candidates.length; start += batchSize, batch++) {
      // Each batch sets bytes aside in a directory of its own, removed once the batch is done.
      const group = `${runId}-${batch}`;
      const deleted: SweepTotals = { objects: 0, bytes: 0 };
      const swept = await this.sweepBatch(group, protectedAfter, candidates.slice(start, start + batchSize), deleted);
      if (swept.length > 0) await recordSwept(swept, deleted);
      totals.objects += deleted.objects;
      totals.bytes += deleted.bytes;
      await this.options.between?.();
    }
    return totals;
  }

  private async sweepBatch(group: string, protectedAfter: string, batch: readonly string[], totals: SweepTotals): Promise<string[]> {
    // No settling first: a stale view only sets aside bytes that go straight back after the second look.
    const before = await this.check.contents(batch);
    const setAside: string[] = [];
    const missing: string[] = [];
    await this.each(
      batch.filter((digest) => sweepable(before.get(digest) ?? null, protectedAfter)),
      async (digest) => {
        const moved = await ignoreMissing(() => this.driver.move(ContentLayout.blob(digest), ContentLayout.trash(group, digest)));
        (moved ? setAside : missing).push(digest);
      },
    );
    if (setAside.length + missing.length === 0) return [];
    await this.check.settle();
    const after = await this.check.contents([...setAside, ...missing]);
    // Referenced meanwhile: back in place (a registry may have put them back already, then this finds nothing).
    const referenced = setAside.filter((digest) => !sweepable(after.get(digest) ?? null, protectedAfter));
    await this.each(referenced, (digest) => ignoreMissing(() => this.driver.move(ContentLayout.trash(group, digest), ContentLayout.blob(digest))).then(() => undefined));
    // What is still aside goes with the batch's directory, in one delete. (A registry taking bytes back between
    // this listing and the delete keeps them, but they are counted here: the counters may be one high then.)
    const doomed = await this.stillAside(group);
    await ignoreMissing(() => this.driver.delete(ContentLayout.trashOfRun(group)));
    for (const digest of doomed) {
      totals.objects += 1;
      totals.bytes += after.get(digest)?.size ?? 0;
    }
    return [...doomed, ...missing.filter((digest) => sweepable(after.get(digest) ?? null, protectedAfter))];
  }

  private async stillAside(group: string): Promise<string[]> {
    const digests: string[] = [];
    for (const algorithm of await this.driver.list(ContentLayout.trashOfRun(group))) {
      for (const encoded of await this.driver.list(`${ContentLayout.trashOfRun(group)}/${algorithm}`)) digests.push(`${algorithm}:${encoded}`);
    }
    return digests;
  }

  /** Runs `work` over `items` a few at a time: storage calls overlap, without crowding out requests being served. */
  private async each(items: readonly string[], work: (item: string) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await work(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(items.length, this.options.concurrency ?? 8) }, worker));
  }

  /**
   * Puts back every byte runs left aside when their process stopped mid-sweep (after a restart nothing is
   * sweeping yet). Bytes already in place again are simply dropped. Their runs sweep again when they resume.
   */
  async recover(): Promise<number> {
    let restored = 0;
    for (const run of await this.driver.list(ContentLayout.trashRoot)) {
      for (const algorithm of await this.driver.list(ContentLayout.trashOfRun(run))) {
        for (const encoded of await this.driver.list(`${ContentLayout.trashOfRun(run)}/${algorithm}`)) {
          const digest = `${algorithm}:${encoded}`;
          const trash = ContentLayout.trash(run, digest);
          if (await this.driver.stat(ContentLayout.blob(digest))) await ignoreMissing(() => this.driver.delete(trash));
          else if (await ignoreMissing(() => this.driver.move(trash, ContentLayout.blob(digest)))) restored += 1;
        }
      }
      await ignoreMissing(() => this.driver.delete(ContentLayout.trashOfRun(run)));
    }
    return restored;
  }
}

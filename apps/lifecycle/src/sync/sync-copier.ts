import { Inject, Injectable } from '@nestjs/common';
import { ContentLayout, PathNotFoundError, type BlobDriver } from '@wharf/blob-store';
import { parseManifest, referencedBlobs } from '@wharf/oci';
import { ProjectionHost } from '@wharf/platform';
import { CONTENT_DRIVER } from '../gc/gc-runner';
import { ReferenceGraphs } from '../gc/reference-graphs';
import { planCopy, type LocalManifest, type PlannedCopy } from './sync-plan';
import { holdingsView, type JobDocument } from './sync-views.projection';
import { PermanentSyncError, TargetRegistry } from './target-registry';

/** Blobs go in chunks of this size: each chunk is one PATCH, and progress is recorded after each. */
export const CHUNK_BYTES = 64 * 1024 * 1024;
/** Blobs copied at once by one job (as clients push layers side by side); manifests go one by one, in order. */
const BLOBS_AT_ONCE = 4;

/** What the copier reports as it goes, so that a job resumed after a restart skips what is done. */
export interface CopyRecorder {
  planned(items: PlannedCopy[]): Promise<void>;
  copied(digest: string, state: 'present' | 'mounted' | 'uploaded' | 'pushed', bytesSent: number): Promise<void>;
  progress(digest: string, bytesSent: number): Promise<void>;
}

/**
 * Copies one job's image to its target through the target's OCI API: reads manifests and blobs from the content
 * store (through the blob driver, so it works on every driver), skips blobs the target repository has (HEAD),
 * mounts blobs the target holds in another repository a sync put there, uploads the rest in chunks (a few blobs
 * at a time), then pushes the manifests in planCopy's order, the job's own manifest by its tag and the others by digest. The bytes
 * pushed are the stored bytes, so every digest stays the same.
 */
@Injectable()
export class SyncCopier {
  constructor(
    @Inject(CONTENT_DRIVER) private readonly driver: BlobDriver,
    private readonly graphs: ReferenceGraphs,
    private readonly projections: ProjectionHost,
  ) {}

  private async manifestBytes(digest: string): Promise<Buffer> {
    try {
      return await this.driver.getContent(ContentLayout.blob(digest));
    } catch (error) {
      if (error instanceof PathNotFoundError) throw new PermanentSyncError(`manifest ${digest} is no longer stored`);
      throw error;
    }
  }

  /** The job's manifest and everything it needs, with its referrers, read from the repository as it is now. */
  async plan(repository: string, root: string): Promise<{ items: PlannedCopy[]; manifests: Map<string, LocalManifest & { bytes: Buffer }> }> {
    const held = await this.graphs.manifestsOf(repository);
    const referrers = new Map<string, string[]>();
    for (const m of held) if (m.subject) referrers.set(m.subject, [...(referrers.get(m.subject) ?? []), m.digest]);
    const manifests = new Map<string, LocalManifest & { bytes: Buffer }>();
    const pending = [root];
    while (pending.length > 0) {
      const digest = pending.pop()!;
      if (manifests.has(digest)) continue;
      const bytes = await this.manifestBytes(digest);
      const parsed = parseManifest(bytes, undefined);
      const blobs = referencedBlobs(parsed).map(({ digest: d, size }) => ({ digest: d, size }));
      const children = parsed.manifests.map((child) => child.digest);
      manifests.set(digest, { digest, mediaType: parsed.mediaType, size: bytes.length, blobs, children, bytes });
      pending.push(...children, ...(referrers.get(digest) ?? []));
    }
    return { items: planCopy(root, manifests, (digest) => referrers.get(digest) ?? []), manifests };
  }

  /** `existed` when the target's tag names another image and the job may not override it. */
  async copy(job: JobDocument, target: TargetRegistry, recorder: CopyRecorder): Promise<'success' | 'existed'> {
    const targetRepository = `${job.remoteNamespace}/${job.repoName}`;
    if (!job.override) {
      const current = await target.manifestDigest(targetRepository, job.tag);
      if (current !== null && current !== job.digest) return 'existed';
    }
    await this.graphs.settle();
    const { items, manifests } = await this.plan(job.repository, job.digest);
    await recorder.planned(items);
    const done = new Set(job.items.filter((item) => item.state !== 'pending').map((item) => item.digest));
    const pending = items.filter((item) => !done.has(item.digest));
    // Every blob before any manifest, so the order planCopy gives the manifests still holds.
    const blobs = pending.filter((item) => item.kind === 'blob');
    const copyNext = async (): Promise<void> => {
      for (let blob = blobs.shift(); blob; blob = blobs.shift()) await this.copyBlob(job, target, targetRepository, blob, recorder);
    };
    await Promise.all(Array.from({ length: BLOBS_AT_ONCE }, copyNext));
    for (const item of pending.filter((i) => i.kind === 'manifest')) {
      const manifest = manifests.get(item.digest)!;
      await target.putManifest(targetRepository, item.digest === job.digest ? job.tag : item.digest, manifest);
      await recorder.copied(item.digest, 'pushed', manifest.size);
    }
    return 'success';
  }

  private async copyBlob(job: JobDocument, target: TargetRegistry, repository: string, blob: PlannedCopy, recorder: CopyRecorder): Promise<void> {
    if (await target.hasBlob(repository, blob.digest)) {
      await recorder.copied(blob.digest, 'present', 0);
      return;
    }
    const holding = await this.projections.collection(holdingsView).get(`${job.remoteRegionId}|${blob.digest}`);
    const from = holding && holding.repository !== repository ? holding.repository : undefined;
    const session = await target.mountOrStart(repository, blob.digest, from);
    if (session.mounted) {
      await recorder.copied(blob.digest, 'mounted', 0);
      return;
    }
    const path = ContentLayout.blob(blob.digest);
    const stored = await this.driver.stat(path);
    if (!stored) throw new PermanentSyncError(`blob ${blob.digest} is no longer stored`);
    await target.upload(
      repository,
      session.location,
      { digest: blob.digest, size: stored.size },
      (offset, length) => this.driver.reader(path, { offset, length }),
      CHUNK_BYTES,
      (sent) => (sent < stored.size ? recorder.progress(blob.digest, sent) : Promise.resolve()),
    );
    await recorder.copied(blob.digest, 'uploaded', stored.size);
  }
}

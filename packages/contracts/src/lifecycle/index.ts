import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/**
 * Lifecycle's published shapes: garbage collection of a registry (a catalog namespace) and repository cleanup.
 * Sizes are bytes; a registry's size is the catalog's: the distinct content (linked blobs and manifests, each
 * digest once) its repositories hold.
 */

export const LifecycleStreams = {
  /** One stream per registry records its garbage-collection runs: `lifecycle.gc-<registryId>`. */
  garbageCollection: 'lifecycle.gc-',
  /** One stream per run records what it collected and what its storage sweep deleted: `lifecycle.sweep-<runId>`. */
  sweep: 'lifecycle.sweep-',
} as const;

/** A content digest, `<algorithm>:<encoded>`. */
export const ContentDigest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'must be a digest such as sha256:<hex>');
const RegistryId = z.string().uuid();
const Bytes = z.number().int().nonnegative();
const withActor = <T extends z.ZodRawShape>(shape: T) => z.object({ actor: Principal, ...shape });

/**
 * What a collection started now would free, in bytes of the registry's size:
 * - `sizeNonReferenced`: content only unreferenced blob links hold (blobs no manifest of their repository
 *   references), each digest once;
 * - `sizeUntagged`: what deleting the untagged manifests adds to that (the manifests and the blobs only they
 *   reference), so `delete-untagged=true` frees `sizeSummary`, their sum.
 * Content linked or pushed within the grace window is not counted, as a collection would not take it.
 */
export const GarbageSize = z.object({ sizeNonReferenced: Bytes, sizeUntagged: Bytes, sizeSummary: Bytes });
export type GarbageSize = z.infer<typeof GarbageSize>;

export const GcRunStatus = z.enum(['running', 'finished', 'failed']);
export type GcRunStatus = z.infer<typeof GcRunStatus>;

export const GcRun = z.object({
  runId: z.string().uuid(),
  registryId: RegistryId,
  namespace: z.string(),
  deleteUntagged: z.boolean(),
  status: GcRunStatus,
  startedAt: z.string(),
  /** Content linked or pushed after this instant (the start minus the grace window) is never collected. */
  protectedAfter: z.string(),
  finishedAt: z.string().optional(),
  /** What the mark expected to free from the registry's size. */
  predictedBytes: Bytes.optional(),
  /** What the registry's size lost. */
  freedBytes: Bytes.optional(),
  manifestsDeleted: z.number().int().nonnegative().optional(),
  blobsUnlinked: z.number().int().nonnegative().optional(),
  /** Objects and bytes removed from storage: content no repository anywhere held any more. */
  storageObjectsDeleted: z.number().int().nonnegative().optional(),
  storageBytesDeleted: Bytes.optional(),
  /** Times a restart interrupted the run and it went on. */
  resumed: z.number().int().nonnegative(),
  error: z.string().optional(),
  /** A collection was asked for while this one ran: it starts when this one ends. */
  followUpQueued: z.boolean(),
});
export type GcRun = z.infer<typeof GcRun>;

export const CleanupDeleted = z.object({ digest: ContentDigest, tags: z.array(z.string()) });
export const CleanupFailed = z.object({ digest: ContentDigest.optional(), tags: z.array(z.string()), error: z.string() });
export const CleanupReport = z.object({
  deleted: z.array(CleanupDeleted),
  failed: z.array(CleanupFailed),
  /** What became of the collection asked for after the cleanup. */
  garbageCollection: z.enum(['not-requested', 'started', 'queued']),
});
export type CleanupReport = z.infer<typeof CleanupReport>;

/** Most digests or tags one cleanup call takes. */
export const MAX_CLEANUP_ITEMS = 1000;

export const LifecycleRpc = {
  garbageSize: rpc('lifecycle.gc.size', withActor({ registryId: RegistryId }), GarbageSize),
  /** Starts a run in the background; LIFECYCLE.GC_IN_PROGRESS while one runs for the registry. Needs manage (7). */
  startGarbageCollection: rpc('lifecycle.gc.start', withActor({ registryId: RegistryId, deleteUntagged: z.boolean() }), z.object({ run: GcRun })),
  /** The registry's runs, newest first. */
  garbageCollections: rpc(
    'lifecycle.gc.list',
    withActor({ registryId: RegistryId, limit: z.number().int().positive().max(100) }),
    z.object({ runs: z.array(GcRun) }),
  ),
  /**
   * Which of these namespaces have a run under way, for the registries' `GARBAGE_COLLECTION` status. It reveals
   * nothing but that, so it takes no actor; callers ask only about registries they already show.
   */
  collecting: rpc('lifecycle.gc.status', z.object({ namespaces: z.array(z.string()).max(1000) }), z.object({ namespaces: z.array(z.string()) })),
  /**
   * Deletes the listed manifests (with their tags) and removes the listed tags from one repository; each item
   * that cannot go is reported with the reason. `collect` starts a collection afterwards (queued behind a
   * running one). Needs manage (7) on the repository.
   */
  cleanupRepository: rpc(
    'lifecycle.repository.cleanup',
    withActor({
      registryId: RegistryId,
      /** The repository's name inside the registry, e.g. `tools/app`. */
      repository: z.string().min(1).max(255),
      digests: z.array(ContentDigest).max(MAX_CLEANUP_ITEMS),
      tags: z.array(z.string().min(1).max(128)).max(MAX_CLEANUP_ITEMS),
      collect: z.boolean(),
    }),
    CleanupReport,
  ),
} as const;

export * from './retention';
export * from './sync';
export * from './triggers';

import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/**
 * Image synchronization (SWR's "automatic image synchronization"): tasks that copy a repository's tags to a
 * registry the operator configured as a region, and the jobs that copy one tag each, through the target's OCI
 * API. Field names follow SWR's camelCase wire format where SWR has one.
 */

export const SyncStreams = {
  /** A repository's sync tasks, `lifecycle.synctask-<repository>`. */
  tasks: 'lifecycle.synctask-',
  /** One stream per job, `lifecycle.syncjob-<jobId>`. */
  job: 'lifecycle.syncjob-',
  taskNumbers: 'lifecycle.sequence-synctask',
  jobNumbers: 'lifecycle.sequence-syncjob',
} as const;

export const SyncRegion = z.object({ regionID: z.string() });
export type SyncRegion = z.infer<typeof SyncRegion>;

export const SyncTask = z.object({
  id: z.number().int().positive(),
  accountId: z.string(),
  accountName: z.string(),
  namespace: z.string(),
  /** Full repository name, `<namespace>/<name>`. */
  repository: z.string(),
  /** The name inside the namespace: the target repository is `<remoteNamespace>/<repoName>`. */
  repoName: z.string(),
  remoteRegionId: z.string(),
  remoteNamespace: z.string(),
  syncAuto: z.boolean(),
  override: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SyncTask = z.infer<typeof SyncTask>;

export const SYNC_JOB_STATUSES = ['waiting', 'running', 'success', 'failed', 'timeout', 'cancel', 'existed'] as const;
export const SyncJobStatus = z.enum(SYNC_JOB_STATUSES);
export type SyncJobStatus = z.infer<typeof SyncJobStatus>;
export const isFinalSyncStatus = (status: SyncJobStatus): boolean => status !== 'waiting' && status !== 'running';

export const SyncJob = z.object({
  id: z.number().int().positive(),
  jobId: z.string().uuid(),
  accountId: z.string(),
  accountName: z.string(),
  namespace: z.string(),
  repository: z.string(),
  repoName: z.string(),
  tag: z.string(),
  /** The manifest the tag named when the job was queued: what the job copies. */
  digest: z.string(),
  remoteRegionId: z.string(),
  remoteNamespace: z.string(),
  override: z.boolean(),
  status: SyncJobStatus,
  /** `auto`: a push to a repository with a `syncAuto` task; `manual`: sync_images. */
  trigger: z.enum(['auto', 'manual']),
  operatorId: z.string(),
  operatorName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  attempts: z.number().int().nonnegative(),
  /** When the next attempt starts, while the job waits after a failed one. */
  retryAt: z.string().optional(),
  /** Why the last attempt failed, or why the job ended as it did. */
  error: z.string().optional(),
  /** Bytes the job sent to the target (blobs the target already had or mounted are not sent). */
  bytesSent: z.number().int().nonnegative(),
});
export type SyncJob = z.infer<typeof SyncJob>;

/** How far a job got with each piece of content (Wharf's per-blob progress). */
export const SyncItem = z.object({
  digest: z.string(),
  kind: z.enum(['blob', 'manifest']),
  size: z.number().int().nonnegative(),
  /** `present`: the target had it already; `mounted`: from another repository of the target. */
  state: z.enum(['pending', 'present', 'mounted', 'uploaded', 'pushed']),
  bytesSent: z.number().int().nonnegative(),
  /** The attempt that copied it (the job's attempts count from 1). */
  attempt: z.number().int().nonnegative().optional(),
});
export type SyncItem = z.infer<typeof SyncItem>;

export const SyncJobDetail = SyncJob.extend({ items: z.array(SyncItem) });
export type SyncJobDetail = z.infer<typeof SyncJobDetail>;

const withActor = <T extends z.ZodRawShape>(shape: T) => z.object({ actor: Principal, ...shape });
const InRepository = { namespace: z.string().min(1).max(64), repository: z.string().min(1).max(255) };
const Target = { remoteRegionId: z.string().min(1).max(64), remoteNamespace: z.string().min(1).max(64) };

export const SyncRpc = {
  regions: rpc('lifecycle.sync.regions', withActor({}), z.object({ regions: z.array(SyncRegion) })),
  /** Needs manage (7) on the repository; one task per target region and namespace. */
  createTask: rpc(
    'lifecycle.sync.task.create',
    withActor({ ...InRepository, ...Target, syncAuto: z.boolean(), override: z.boolean() }),
    z.object({ created: z.literal(true) }),
  ),
  listTasks: rpc('lifecycle.sync.task.list', withActor(InRepository), z.object({ tasks: z.array(SyncTask) })),
  deleteTask: rpc('lifecycle.sync.task.delete', withActor({ ...InRepository, ...Target }), z.object({ deleted: z.literal(true) })),
  /**
   * Queues one job per tag and waits a little for them: `failed` lists the tags that did not sync (unknown tags,
   * and jobs that ended failed, timeout, cancel or existed). Jobs still under way when the wait ends go on.
   */
  syncImages: rpc(
    'lifecycle.sync.images',
    withActor({ ...InRepository, ...Target, tags: z.array(z.string().min(1).max(128)).min(1).max(100), override: z.boolean() }),
    z.object({ failed: z.array(z.string()) }),
  ),
  listJobs: rpc(
    'lifecycle.sync.job.list',
    withActor({ ...InRepository, offset: z.number().int().nonnegative(), limit: z.number().int().positive().max(1000), order: z.enum(['asc', 'desc']) }),
    z.object({ jobs: z.array(SyncJob), total: z.number().int() }),
  ),
  getJob: rpc('lifecycle.sync.job.get', withActor({ ...InRepository, id: z.number().int().positive() }), z.object({ job: SyncJobDetail })),
} as const;

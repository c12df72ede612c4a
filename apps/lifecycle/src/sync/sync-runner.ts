import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { SyncStreams } from '@wharf/contracts/lifecycle';
import { CommandRunner, ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { RepositoryGuard } from '../retention/repository-guard';
import { SyncCopier, type CopyRecorder } from './sync-copier';
import { syncJobDecider, type EndStatus, type QueuedJob, type SyncJobCommand } from './sync-job.decider';
import { jobsView, type JobDocument } from './sync-views.projection';
import { PermanentSyncError, TargetRegistry, TransientSyncError } from './target-registry';

/** Jobs copying at once, across all targets. */
const CONCURRENCY = 2;
/** How often due jobs (retries, deadlines) are looked for while some are open, when nothing wakes the runner sooner. */
const POLL_MS = 1000;
/**
 * The same with no job open: queueing one wakes the runner, so this is only a fallback and an idle server does
 * not read the jobs every second.
 */
const IDLE_POLL_MS = 60_000;
/** Waits between attempts: 1 s, 2 s, 4 s … at most this. */
const MAX_BACKOFF_MS = 30 * 1000;

export const backoffMs = (attempt: number): number => Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempt - 1));

type NewJob = Omit<QueuedJob, 'number' | 'queuedAt' | 'deadline'>;

/**
 * Runs sync jobs in the background of the lifecycle process, a few at a time and never two for the same tag and
 * target at once, oldest first. A job waiting behind a newer push of its tag to the same target ends as
 * `cancel`. An attempt that meets a transient failure (the target down or failing) is retried after a backoff;
 * a refusal ends the job as `failed`; the deadline (WHARF_SYNC_TIMEOUT_SECONDS after it was queued) ends it as
 * `timeout`, also in the middle of a copy. Jobs under way when the process stopped go on at the next start,
 * skipping the content they had already copied.
 */
@Injectable()
export class SyncRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Sync');
  private readonly running = new Map<string, { key: string; work: Promise<void> }>();
  private readonly stop = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private rescan = false;

  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly copier: SyncCopier,
    private readonly guard: RepositoryGuard,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
    await Promise.allSettled([...this.running.values()].map((r) => r.work));
  }

  /** Queues a job (idempotent by `jobId`) and wakes the runner; answers the job's number. */
  async queue(job: NewJob): Promise<number> {
    const stream = SyncStreams.job + job.jobId;
    const existing = await this.projections.collection(jobsView).get(job.jobId);
    if (existing) return existing.number;
    const number = await this.guard.reserveNumber(SyncStreams.jobNumbers, this.commands.now());
    await this.commands.run(stream, syncJobDecider, { type: 'QueueSyncJob', data: { ...job, number, timeoutSeconds: this.config.sync.timeoutSeconds } }, { readModels: [jobsView] });
    this.wake();
    return (await this.projections.collection(jobsView).get(job.jobId))?.number ?? number;
  }

  /** Looks for due jobs now. */
  wake(): void {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stop.signal.aborted) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.scan(), ms);
    this.timer.unref();
  }

  private scan(): void {
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = this.startDue()
      .catch((error: unknown) => {
        this.logger.error(`Looking for sync jobs failed: ${String(error)}`);
        return true;
      })
      .then((anyOpen) => {
        this.scanning = undefined;
        const again = this.rescan;
        this.rescan = false;
        this.schedule(again ? 0 : anyOpen ? POLL_MS : IDLE_POLL_MS);
      });
  }

  private keyOf(job: JobDocument): string {
    return `${job.remoteRegionId}|${job.remoteNamespace}/${job.repoName}:${job.tag}`;
  }

  /** Starts or ends the jobs that are due; says whether any job is open. */
  private async startDue(): Promise<boolean> {
    const open = await this.projections.collection(jobsView).find({
      where: [{ field: 'status', op: 'in', values: ['waiting', 'running'] }],
      sort: [{ field: 'number', direction: 'asc' }],
    });
    const now = this.commands.now();
    const newest = new Map<string, number>();
    for (const job of open) newest.set(this.keyOf(job), job.number);
    for (const job of open) {
      if (this.stop.signal.aborted || this.running.size >= CONCURRENCY) return true;
      if (this.running.has(job.jobId) || [...this.running.values()].some((r) => r.key === this.keyOf(job))) continue;
      if (newest.get(this.keyOf(job))! > job.number && job.status === 'waiting') {
        await this.end(job, 'cancel', `superseded by job ${newest.get(this.keyOf(job))}, a newer push of the tag`);
        continue;
      }
      if (job.deadline <= now) {
        await this.end(job, 'timeout', job.error ? `timed out; last error: ${job.error}` : 'timed out');
        continue;
      }
      if (job.retryAt && job.retryAt > now) continue;
      const work = this.execute(job)
        .catch((error: unknown) => this.logger.error(`Sync job ${job.number} could not record how its attempt went; it is tried again: ${String(error)}`))
        .finally(() => {
          this.running.delete(job.jobId);
          this.wake();
        });
      this.running.set(job.jobId, { key: this.keyOf(job), work });
    }
    return open.length > 0;
  }

  /** `settled`: answer once the jobs view shows it (progress records need not wait: nothing reads them back at once). */
  private record(job: Pick<JobDocument, 'jobId'>, command: Pick<SyncJobCommand, 'type' | 'data'>, settled = true) {
    return this.commands.run(SyncStreams.job + job.jobId, syncJobDecider, command as SyncJobCommand, { readModels: settled ? [jobsView] : [] });
  }

  private async end(job: JobDocument, status: EndStatus, error?: string): Promise<void> {
    await this.record(job, { type: 'EndSyncJob', data: { jobId: job.jobId, status, ...(error ? { error } : {}) } });
    const note = `Sync job ${job.number} (${job.repository}:${job.tag} to ${job.remoteRegionId}/${job.remoteNamespace}) ended: ${status}${error ? ` (${error})` : ''}`;
    if (status === 'success') this.logger.log(note);
    else this.logger.warn(note);
  }

  private async execute(queued: JobDocument): Promise<void> {
    const { jobId } = queued;
    const region = this.config.sync.regions.find((r) => r.regionID === queued.remoteRegionId);
    if (!region) {
      await this.end(queued, 'failed', `region ${queued.remoteRegionId} is no longer configured`);
      return;
    }
    const deadline = AbortSignal.timeout(Math.max(1, Date.parse(queued.deadline) - Date.now()));
    const target = new TargetRegistry(region, AbortSignal.any([this.stop.signal, deadline]));
    const recorder: CopyRecorder = {
      planned: (items) => this.record(queued, { type: 'PlanSyncItems', data: { jobId, items } }).then(() => undefined),
      copied: (digest, state, bytesSent) => this.record(queued, { type: 'RecordSyncItem', data: { jobId, digest, state, bytesSent } }, false).then(() => undefined),
      progress: (digest, bytesSent) => this.record(queued, { type: 'RecordBytesSent', data: { jobId, digest, bytesSent } }, false).then(() => undefined),
    };
    try {
      await this.record(queued, { type: 'StartSyncAttempt', data: { jobId } });
      const job = (await this.projections.collection(jobsView).get(jobId))!;
      await this.end(job, await this.copier.copy(job, target, recorder));
    } catch (error) {
      if (this.stop.signal.aborted) {
        this.logger.warn(`Sync job ${queued.number} stops with the process; it goes on at the next start`);
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      const job = (await this.projections.collection(jobsView).get(jobId)) ?? queued;
      if (deadline.aborted) return this.end(job, 'timeout', `timed out during attempt ${job.attempts}`);
      // The platform's own hiccups (a read model lagging, a contended stream) pass as the target's do.
      if (error instanceof TransientSyncError || (error instanceof DomainError && error.code.startsWith('PLATFORM.') && error.code !== 'PLATFORM.VALIDATION_FAILED')) {
        const retryAt = new Date(Date.now() + backoffMs(job.attempts)).toISOString();
        if (retryAt >= job.deadline) return this.end(job, 'timeout', `timed out; last error: ${reason}`);
        this.logger.warn(`Sync job ${job.number}, attempt ${job.attempts}: ${reason}; next attempt at ${retryAt}`);
        await this.record(job, { type: 'FailSyncAttempt', data: { jobId, error: reason, retryAt } });
        return;
      }
      if (!(error instanceof PermanentSyncError) && !(error instanceof DomainError)) this.logger.error(`Sync job ${job.number} failed: ${error instanceof Error ? error.stack : reason}`);
      await this.end(job, 'failed', reason);
    }
  }
}

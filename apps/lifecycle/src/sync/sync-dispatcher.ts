import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RepositoryStreams } from '@wharf/contracts/catalog';
import type { EventStore, RecordedEvent, Subscription } from '@wharf/event-store';
import { SyncStreams } from '@wharf/contracts/lifecycle';
import { CommandRunner, DOCUMENT_STORE, EVENT_STORE, ProjectionHost } from '@wharf/platform';
import { CHECKPOINT_LAG, type DocumentStore } from '@wharf/read-model';
import { SyncRunner } from './sync-runner';
import { syncTasksDecider } from './sync-tasks.decider';
import { tasksView } from './sync-views.projection';

const CHECKPOINT = 'sync_dispatcher';

/** A job id that is the same every time the same push meets the same task, so a replay queues nothing twice. */
export const jobIdFor = (eventId: string, taskId: number): string => {
  const hex = createHash('sha256').update(`${eventId}/${taskId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/**
 * Turns pushes into sync jobs: follows catalog's repository streams from a durable checkpoint and, for every tag
 * pointed at a manifest in a repository with `syncAuto` tasks created before that push, queues a job per task.
 * The checkpoint moves only after the jobs are queued, and a job's id comes from the push and the task, so a
 * push is neither forgotten (a restart goes on from the checkpoint) nor synced twice. A deleted repository's
 * tasks go with it.
 */
@Injectable()
export class SyncDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SyncDispatcher');
  private subscription: Subscription | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The checkpoint as last stored. */
  private stored = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    private readonly projections: ProjectionHost,
    private readonly runner: SyncRunner,
    private readonly commands: CommandRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.follow();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.subscription?.stop();
  }

  private async follow(): Promise<void> {
    // Before the first start no task existed, so no earlier push needs a job: start from the head, recorded at once.
    let stored = await this.documents.readCheckpoint(CHECKPOINT);
    if (stored === null) {
      stored = await this.events.headPosition();
      await this.documents.commit([], [{ name: CHECKPOINT, position: stored }]);
    }
    this.stored = stored;
    const subscription = this.events.subscribe({ from: stored, filter: { streamPrefixes: [RepositoryStreams.repository] } }, (batch, checkpoint) => this.dispatch(batch, checkpoint));
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      if (this.stopped || this.subscription !== subscription) return;
      this.logger.error(`Sync dispatch stopped; resuming from its checkpoint: ${String(error)}`);
      this.retryTimer = setTimeout(() => {
        if (!this.stopped) this.follow().catch((e: unknown) => this.logger.error(`Sync dispatch could not resume: ${String(e)}`));
      }, 1000);
    });
  }

  private async dispatch(batch: readonly RecordedEvent[], checkpoint: number): Promise<void> {
    for (const event of batch) {
      if (event.type === 'RepositoryDeleted') {
        const { repository } = event.data as { repository: string };
        await this.commands.run(SyncStreams.tasks + repository, syncTasksDecider, { type: 'DropSyncTasks', data: { repository } }, { readModels: [tasksView] });
        continue;
      }
      if (event.type !== 'TagPointed') continue;
      // The task view must know every task created up to this push; while there is none, no push queues a job.
      if (await this.projections.emptyThrough(tasksView, event.position)) continue;
      const { repository, tag, digest } = event.data as { repository: string; tag: string; digest: string };
      const tasks = await this.projections.collection(tasksView).find({ where: [{ field: 'repository', op: 'eq', value: repository }] });
      for (const task of tasks) {
        if (!task.syncAuto || task.createdPosition > event.position) continue;
        await this.runner.queue({
          jobId: jobIdFor(event.id, task.taskId),
          accountId: task.accountId,
          accountName: task.accountName,
          repository,
          namespace: task.namespace,
          repoName: task.repoName,
          tag,
          digest,
          remoteRegionId: task.remoteRegionId,
          remoteNamespace: task.remoteNamespace,
          override: task.override,
          trigger: 'auto',
          operatorId: task.createdBy.userId,
          operatorName: task.createdBy.userName,
        });
      }
    }
    // Read again after a restart, pushes queue the jobs they queued before (a job's id comes from its push), so the
    // checkpoint is stored only now and then (as projections do theirs).
    if (checkpoint - this.stored >= CHECKPOINT_LAG) {
      await this.documents.commit([], [{ name: CHECKPOINT, position: checkpoint }]);
      this.stored = checkpoint;
    }
  }
}

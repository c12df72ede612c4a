import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import type { Principal } from '@wharf/contracts/identity';
import { isFinalSyncStatus, SyncRpc, SyncStreams } from '@wharf/contracts/lifecycle';
import { CommandRunner, ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { ReferenceGraphs } from '../gc/reference-graphs';
import { RepositoryGuard } from '../retention/repository-guard';
import { tagsView } from '../retention/retention-views.projection';
import { SyncRunner } from './sync-runner';
import { syncTasksDecider, type SyncTaskCommand } from './sync-tasks.decider';
import { jobsView, publicJob, publicTask, tasksView } from './sync-views.projection';

const rpc = SyncRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

/** How long sync_images waits for its jobs before it answers; jobs still under way then go on. */
const SYNC_IMAGES_WAIT_MS = 10 * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sync regions, a repository's sync tasks, manual syncs of existing tags and the jobs' records. */
@Controller()
export class SyncHandler {
  constructor(
    private readonly guard: RepositoryGuard,
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly graphs: ReferenceGraphs,
    private readonly runner: SyncRunner,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {}

  private get regions(): string[] {
    return this.config.sync.regions.map((region) => region.regionID);
  }

  private changeTasks(repository: string, actor: Principal, command: Pick<SyncTaskCommand, 'type' | 'data'>) {
    return this.commands.run(SyncStreams.tasks + repository, syncTasksDecider, command as SyncTaskCommand, { actor, readModels: [tasksView] });
  }

  @MessagePattern(rpc.regions.subject)
  regionList(@Payload(new SchemaPipe(rpc.regions.request)) _request: In<'regions'>) {
    return { regions: this.regions.map((regionID) => ({ regionID })) } satisfies RpcReply<typeof rpc.regions>;
  }

  @MessagePattern(rpc.createTask.subject)
  async createTask(@Payload(new SchemaPipe(rpc.createTask.request)) request: In<'createTask'>) {
    const { actor, namespace, repository, remoteRegionId, remoteNamespace, syncAuto, override } = request;
    const { summary, auth } = await this.guard.check(actor, namespace, repository);
    const id = await this.guard.reserveNumber(SyncStreams.taskNumbers, this.commands.now());
    await this.changeTasks(summary.fullName, actor, {
      type: 'CreateSyncTask',
      data: { id, actor, auth, accountId: summary.accountId, repository: summary.fullName, namespace: summary.namespace, repoName: summary.name, remoteRegionId, remoteNamespace, syncAuto, override, regions: this.regions },
    });
    return { created: true } satisfies RpcReply<typeof rpc.createTask>;
  }

  @MessagePattern(rpc.listTasks.subject)
  async listTasks(@Payload(new SchemaPipe(rpc.listTasks.request)) { actor, namespace, repository }: In<'listTasks'>) {
    const { summary } = await this.guard.check(actor, namespace, repository);
    const docs = await this.projections.collection(tasksView).find({ where: [{ field: 'repository', op: 'eq', value: summary.fullName }], sort: [{ field: 'taskId', direction: 'asc' }] });
    return { tasks: docs.map(publicTask) } satisfies RpcReply<typeof rpc.listTasks>;
  }

  @MessagePattern(rpc.deleteTask.subject)
  async deleteTask(@Payload(new SchemaPipe(rpc.deleteTask.request)) { actor, namespace, repository, remoteRegionId, remoteNamespace }: In<'deleteTask'>) {
    const { summary, auth } = await this.guard.check(actor, namespace, repository);
    await this.changeTasks(summary.fullName, actor, { type: 'DeleteSyncTask', data: { actor, auth, accountId: summary.accountId, repository: summary.fullName, remoteRegionId, remoteNamespace } });
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteTask>;
  }

  /** One job per tag, for the tag's image now; answers the tags that did not sync within the wait. */
  @MessagePattern(rpc.syncImages.subject)
  async syncImages(@Payload(new SchemaPipe(rpc.syncImages.request)) request: In<'syncImages'>) {
    const { actor, namespace, repository, remoteRegionId, remoteNamespace, tags, override } = request;
    const { summary, auth } = await this.guard.check(actor, namespace, repository);
    if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { repository: summary.fullName }, 'Image synchronization needs manage (7) permission on the repository');
    if (!this.regions.includes(remoteRegionId)) throw new DomainError('LIFECYCLE.SYNC_REGION_UNKNOWN', { remoteRegionId });
    await this.graphs.settle();
    const failed: string[] = [];
    const jobs = new Map<string, string>();
    for (const tag of [...new Set(tags)]) {
      const current = await this.projections.collection(tagsView).get(`${summary.fullName}:${tag}`);
      if (!current) {
        failed.push(tag);
        continue;
      }
      const jobId = randomUUID();
      await this.runner.queue({
        jobId,
        accountId: summary.accountId,
        accountName: actor.accountName,
        repository: summary.fullName,
        namespace: summary.namespace,
        repoName: summary.name,
        tag,
        digest: current.digest,
        remoteRegionId,
        remoteNamespace,
        override,
        trigger: 'manual',
        operatorId: actor.userId,
        operatorName: actor.userName,
      });
      jobs.set(jobId, tag);
    }
    const deadline = Date.now() + SYNC_IMAGES_WAIT_MS;
    let pending = [...jobs.keys()];
    while (pending.length > 0 && Date.now() < deadline) {
      await sleep(200);
      const docs = await this.projections.collection(jobsView).find({ where: [{ field: 'id', op: 'in', values: pending }] });
      for (const doc of docs.filter((d) => isFinalSyncStatus(d.status))) {
        if (doc.status !== 'success') failed.push(doc.tag);
        pending = pending.filter((id) => id !== doc.jobId);
      }
    }
    return { failed } satisfies RpcReply<typeof rpc.syncImages>;
  }

  @MessagePattern(rpc.listJobs.subject)
  async listJobs(@Payload(new SchemaPipe(rpc.listJobs.request)) { actor, namespace, repository, offset, limit, order }: In<'listJobs'>) {
    const { summary } = await this.guard.check(actor, namespace, repository);
    const where = [{ field: 'repository', op: 'eq' as const, value: summary.fullName }];
    const jobs = this.projections.collection(jobsView);
    const [docs, total] = await Promise.all([jobs.find({ where, sort: [{ field: 'number', direction: order }], offset, limit }), jobs.count(where)]);
    const list = docs.map((doc) => {
      const { items: _items, ...job } = publicJob(doc);
      return job;
    });
    return { jobs: list, total } satisfies RpcReply<typeof rpc.listJobs>;
  }

  @MessagePattern(rpc.getJob.subject)
  async getJob(@Payload(new SchemaPipe(rpc.getJob.request)) { actor, namespace, repository, id }: In<'getJob'>) {
    const { summary } = await this.guard.check(actor, namespace, repository);
    const [doc] = await this.projections.collection(jobsView).find({
      where: [
        { field: 'repository', op: 'eq', value: summary.fullName },
        { field: 'number', op: 'eq', value: id },
      ],
      limit: 1,
    });
    if (!doc) throw new DomainError('LIFECYCLE.SYNC_JOB_NOT_FOUND', { id });
    return { job: publicJob(doc) } satisfies RpcReply<typeof rpc.getJob>;
  }
}

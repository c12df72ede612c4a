import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { SyncItem, SyncJobStatus, SyncRegion, SyncRpc, type SyncJob, type SyncJobDetail, type SyncTask } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidParam, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { parseInput } from '../validation';
import { SwrInputError, swrInvalid, swrRule } from './swr-errors';
import { parseSwrFilter } from './swr-filter';
import { contentRange, repositoryFromPath, swrInteger } from './swr-query';

const REPO = 'namespaces/:namespace/repos/:repository';
/** SWR's booleans arrive as JSON booleans or as the strings `true`/`false`. */
const Flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
const Target = { remoteRegionId: z.string().min(1).max(64), remoteNamespace: z.string().min(1).max(64) };
const CreateTaskBody = z.object({ ...Target, syncAuto: Flag.optional(), override: Flag.optional() });
const DeleteTaskBody = z.object(Target);
const SyncImagesBody = z.object({ ...Target, imageTag: z.array(z.string().min(1).max(128)).min(1).max(100), override: Flag.optional() });

const SwrSyncTask = z.object({
  createdAt: z.string(),
  domainID: z.string(),
  domainName: z.string(),
  id: z.number().int(),
  namespace: z.string(),
  override: z.boolean(),
  remoteNamespace: z.string(),
  remoteRegionId: z.string(),
  repoName: z.string(),
  syncAuto: z.boolean(),
  updatedAt: z.string(),
});
const SwrSyncJob = SwrSyncTask.omit({ syncAuto: true }).extend({
  status: SyncJobStatus,
  syncOperatorId: z.string(),
  syncOperatorName: z.string(),
  tag: z.string(),
});
const SwrSyncJobDetail = SwrSyncJob.extend({
  digest: z.string(),
  trigger: z.enum(['auto', 'manual']),
  attempts: z.number().int(),
  retryAt: z.string().optional(),
  error: z.string().optional(),
  bytesSent: z.number().int(),
  items: z.array(SyncItem),
});

/** SWR's camelCase sync shapes (§1.2.9): `domainID`/`domainName` are the account. */
const wireTask = (task: SyncTask): z.input<typeof SwrSyncTask> => ({
  createdAt: task.createdAt,
  domainID: task.accountId,
  domainName: task.accountName,
  id: task.id,
  namespace: task.namespace,
  override: task.override,
  remoteNamespace: task.remoteNamespace,
  remoteRegionId: task.remoteRegionId,
  repoName: task.repoName,
  syncAuto: task.syncAuto,
  updatedAt: task.updatedAt,
});

const wireJob = (job: SyncJob): z.input<typeof SwrSyncJob> => ({
  createdAt: job.createdAt,
  domainID: job.accountId,
  domainName: job.accountName,
  id: job.id,
  namespace: job.namespace,
  override: job.override,
  remoteNamespace: job.remoteNamespace,
  remoteRegionId: job.remoteRegionId,
  repoName: job.repoName,
  status: job.status,
  syncOperatorId: job.operatorId,
  syncOperatorName: job.operatorName,
  tag: job.tag,
  updatedAt: job.updatedAt,
});

/** Wharf's detail of one job: its manifest, attempts, and per-blob progress. */
const wireJobDetail = (job: SyncJobDetail): z.input<typeof SwrSyncJobDetail> => ({
  ...wireJob(job),
  digest: job.digest,
  trigger: job.trigger,
  attempts: job.attempts,
  ...(job.retryAt ? { retryAt: job.retryAt } : {}),
  ...(job.error ? { error: job.error } : {}),
  bytesSent: job.bytesSent,
  items: job.items,
});

/** `filter=limit::{n}|offset::{n}|order::{asc|desc}`: required, with limit and offset. */
const jobPaging = (filter: string) => {
  const values = parseSwrFilter(filter, ['limit', 'offset', 'order']);
  const limit = values.get('limit');
  const offset = values.get('offset');
  if (limit === undefined || offset === undefined) throw new SwrInputError('SVCSTG.SWR.4001036', 'Parameters are lost: filter must give limit and offset');
  const order = values.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters: order must be asc or desc', order);
  return {
    limit: parseInput(swrInteger('limit', 1, 1000), limit, swrInvalid()),
    offset: parseInput(swrInteger('offset', 0, Number.MAX_SAFE_INTEGER), offset, swrInvalid()),
    order,
  } as const;
};
const JobsQuery = z.object({
  filter: z
    .custom<string>((value) => typeof value === 'string', swrRule('SVCSTG.SWR.4001036', 'Parameters are lost: filter with limit and offset is required'))
    .transform(jobPaging)
    .describe('Required: limit::{n}|offset::{n}, and order::asc|desc (desc by default)'),
});

/** SWR automatic image synchronization (§1.2.9): regions, sync tasks, manual syncs and job records. */
@Controller('v2/manage')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: image synchronization')
export class SwrSyncController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Get('regions')
  @Returns(200, z.array(SyncRegion))
  async regions(@CurrentPrincipal() actor: Principal) {
    return (await this.services.call(SyncRpc.regions, { actor })).regions;
  }

  @Post(`${REPO}/sync_repo`)
  @HttpCode(200)
  @Returns(200, z.object({}))
  async createTask(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidBody(CreateTaskBody, swrInvalid()) input: z.output<typeof CreateTaskBody>,
  ) {
    await this.services.call(SyncRpc.createTask, {
      actor,
      namespace,
      repository: repositoryFromPath(repository),
      remoteRegionId: input.remoteRegionId,
      remoteNamespace: input.remoteNamespace,
      syncAuto: input.syncAuto ?? false,
      override: input.override ?? false,
    });
    return {};
  }

  @Get(`${REPO}/sync_repo`)
  @Returns(200, z.array(SwrSyncTask))
  async listTasks(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { tasks } = await this.services.call(SyncRpc.listTasks, { actor, namespace, repository: repositoryFromPath(repository) });
    return tasks.map(wireTask);
  }

  /** A DELETE with a body naming the task's target, as SWR has it. */
  @Delete(`${REPO}/sync_repo`)
  @HttpCode(200)
  @Returns(200, z.object({}))
  async deleteTask(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidBody(DeleteTaskBody, swrInvalid()) input: z.output<typeof DeleteTaskBody>,
  ) {
    await this.services.call(SyncRpc.deleteTask, { actor, namespace, repository: repositoryFromPath(repository), ...input });
    return {};
  }

  /** 200 with the tags that failed to sync (`[]` when all did). */
  @Post(`${REPO}/sync_images`)
  @HttpCode(200)
  @Returns(200, z.array(z.string()), { description: 'The tags that failed to sync ([] when all did)' })
  async syncImages(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidBody(SyncImagesBody, swrInvalid()) input: z.output<typeof SyncImagesBody>,
  ) {
    const { failed } = await this.services.call(SyncRpc.syncImages, {
      actor,
      namespace,
      repository: repositoryFromPath(repository),
      remoteRegionId: input.remoteRegionId,
      remoteNamespace: input.remoteNamespace,
      tags: input.imageTag,
      override: input.override ?? false,
    });
    return failed;
  }

  @Get(`${REPO}/sync_job`)
  @Returns(200, z.array(SwrSyncJob), { headers: { 'Content-Range': '{offset}-{count}/{total}' } })
  async listJobs(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidQuery(JobsQuery, swrInvalid()) { filter: paging }: z.output<typeof JobsQuery>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { jobs, total } = await this.services.call(SyncRpc.listJobs, { actor, namespace, repository: repositoryFromPath(repository), ...paging });
    response.setHeader('Content-Range', contentRange(paging.offset, jobs.length, total));
    return jobs.map(wireJob);
  }

  @Get(`${REPO}/sync_job/:id`)
  @Returns(200, SwrSyncJobDetail)
  async getJob(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidParam('id', swrInteger('id', 1, 2_147_483_647), swrInvalid()) id: number,
  ) {
    const { job } = await this.services.call(SyncRpc.getJob, { actor, namespace, repository: repositoryFromPath(repository), id });
    return wireJobDetail(job);
  }
}

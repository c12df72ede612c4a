import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import type { Principal } from '@wharf/contracts/identity';
import { RetentionRpc, RetentionStreams, swrRule } from '@wharf/contracts/lifecycle';
import { CommandRunner, ProjectionHost } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { RepositoryGuard } from './repository-guard';
import { retentionDecider, type RetentionCommand } from './retention-policy.decider';
import { RetentionRunner } from './retention-runner';
import { historyView, policiesView, publicPolicy, publicRun, runsView, type PolicyDocument } from './retention-views.projection';

const rpc = RetentionRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

/** Retention policies of a repository: their settings, dry runs, runs on demand and the history of what went. */
@Controller()
export class RetentionHandler {
  constructor(
    private readonly guard: RepositoryGuard,
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly runner: RetentionRunner,
  ) {}

  private get policies() {
    return this.projections.collection(policiesView);
  }

  /**
   * The policy, if it belongs to this repository (the caller may see the repository). Policies and histories of a
   * repository deleted before this one was created under the same name are not this repository's.
   */
  private async policy(actor: Principal, namespace: string, repository: string, id: number): Promise<{ doc: PolicyDocument; auth: 1 | 3 | 7 | null }> {
    const { summary, auth } = await this.guard.check(actor, namespace, repository);
    const doc = await this.policies.get(String(id));
    if (!doc || doc.repository !== summary.fullName || doc.createdAt < summary.createdAt) throw new DomainError('LIFECYCLE.RETENTION_NOT_FOUND', { id });
    return { doc, auth };
  }

  private change(id: number, actor: Principal, command: Pick<RetentionCommand, 'type' | 'data'>) {
    return this.commands.run(RetentionStreams.policy + id, retentionDecider, command as RetentionCommand, { actor, readModels: [policiesView] });
  }

  @MessagePattern(rpc.create.subject)
  async create(@Payload(new SchemaPipe(rpc.create.request)) { actor, namespace, repository, settings }: In<'create'>) {
    const { summary, auth } = await this.guard.check(actor, namespace, repository);
    const id = await this.guard.reserveNumber(RetentionStreams.numbers, this.commands.now());
    const data = { id, namespace: summary.namespace, repository: summary.fullName, accountId: summary.accountId, settings, actor, auth };
    await this.change(id, actor, { type: 'CreateRetentionPolicy', data });
    return { id } satisfies RpcReply<typeof rpc.create>;
  }

  @MessagePattern(rpc.list.subject)
  async list(@Payload(new SchemaPipe(rpc.list.request)) { actor, namespace, repository }: In<'list'>) {
    const { summary } = await this.guard.check(actor, namespace, repository);
    const docs = await this.policies.find({
      where: [
        { field: 'repository', op: 'eq', value: summary.fullName },
        { field: 'createdAt', op: 'gte', value: summary.createdAt },
      ],
      sort: [{ field: 'policyId', direction: 'asc' }],
    });
    return { policies: docs.map(publicPolicy) } satisfies RpcReply<typeof rpc.list>;
  }

  @MessagePattern(rpc.get.subject)
  async get(@Payload(new SchemaPipe(rpc.get.request)) { actor, namespace, repository, id }: In<'get'>) {
    return { policy: publicPolicy((await this.policy(actor, namespace, repository, id)).doc) } satisfies RpcReply<typeof rpc.get>;
  }

  @MessagePattern(rpc.update.subject)
  async update(@Payload(new SchemaPipe(rpc.update.request)) { actor, namespace, repository, id, settings }: In<'update'>) {
    const { auth } = await this.policy(actor, namespace, repository, id);
    await this.change(id, actor, { type: 'UpdateRetentionPolicy', data: { actor, auth, settings } });
    return { updated: true } satisfies RpcReply<typeof rpc.update>;
  }

  @MessagePattern(rpc.remove.subject)
  async remove(@Payload(new SchemaPipe(rpc.remove.request)) { actor, namespace, repository, id }: In<'remove'>) {
    const { auth } = await this.policy(actor, namespace, repository, id);
    await this.change(id, actor, { type: 'DeleteRetentionPolicy', data: { actor, auth } });
    return { deleted: true } satisfies RpcReply<typeof rpc.remove>;
  }

  @MessagePattern(rpc.dryRun.subject)
  async dryRun(@Payload(new SchemaPipe(rpc.dryRun.request)) { actor, namespace, repository, id }: In<'dryRun'>) {
    const { doc } = await this.policy(actor, namespace, repository, id);
    return (await this.runner.plan(doc, doc.repository, this.commands.now())) satisfies RpcReply<typeof rpc.dryRun>;
  }

  @MessagePattern(rpc.run.subject)
  async run(@Payload(new SchemaPipe(rpc.run.request)) { actor, namespace, repository, id }: In<'run'>) {
    const { auth } = await this.policy(actor, namespace, repository, id);
    return { run: publicRun(await this.runner.start(id, 'manual', { actor, auth })) } satisfies RpcReply<typeof rpc.run>;
  }

  /** Newest first; each entry names the policy and, as SWR does, its first rule (the rules together decided). */
  @MessagePattern(rpc.histories.subject)
  async histories(@Payload(new SchemaPipe(rpc.histories.request)) { actor, namespace, repository, offset, limit }: In<'histories'>) {
    const { summary } = await this.guard.check(actor, namespace, repository);
    const where = [
      { field: 'repository', op: 'eq' as const, value: summary.fullName },
      { field: 'deletedAt', op: 'gte' as const, value: summary.createdAt },
    ];
    const history = this.projections.collection(historyView);
    const [docs, total] = await Promise.all([history.find({ where, sort: [{ field: 'historyId', direction: 'desc' }], offset, limit }), history.count(where)]);
    const runIds = [...new Set(docs.map((doc) => doc.runId))];
    const runs = new Map((runIds.length ? await this.projections.collection(runsView).find({ where: [{ field: 'id', op: 'in', values: runIds }] }) : []).map((r) => [r.runId, r]));
    const entries = docs.map((doc) => {
      const run = runs.get(doc.runId);
      const rule = run?.settings.rules[0];
      return {
        id: doc.historyId,
        namespace: doc.namespace,
        repository: doc.repository,
        retentionId: run?.policyId ?? 0,
        rule: rule ? JSON.stringify(swrRule(rule)) : '',
        tag: doc.tag,
        digest: doc.digest,
        runId: doc.runId,
        createdAt: doc.deletedAt,
      };
    });
    return { entries, total } satisfies RpcReply<typeof rpc.histories>;
  }
}

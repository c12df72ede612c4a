import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { AccessStreams, ShareRpc, type AccountShare, type Share } from '@wharf/contracts/access';
import type { Principal } from '@wharf/contracts/identity';
import { CLOCK, CommandRunner, ProjectionHost, type Clock } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { directoryAccountsProjection, directoryRepositoriesProjection, repositoryIdentity } from '../permissions/directory.projections';
import { namespaceOwnersProjection } from '../repository-access/namespace-owners.projection';
import { PermissionLevels } from '../permissions/permission-levels';
import { shareDecider, type ShareCommand } from './share.decider';
import type { TargetIdentity } from '../target-identity';
import { shareId, shareOnCurrent, sharesProjection, shareValid, type ShareDocument } from './shares.projection';

const rpc = ShareRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

/** SWR shared accounts: a private repository shared, pull only, with another account until a deadline. */
@Controller()
export class SharesHandler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly levels: PermissionLevels,
  ) {}

  private toShare(doc: ShareDocument): Share {
    const { repository, namespace, accessDomain, permit, deadline, description, creatorId, creatorName, createdAt, updatedAt } = doc;
    return { repository, namespace, accessDomain, permit, deadline, description, creatorId, creatorName, createdAt, updatedAt, valid: shareValid(doc, this.clock.now()) };
  }

  /** The repository, in the caller's account, on which the caller has `minimum`, and its identity; 404 otherwise. */
  private async requireRepository(
    actor: Principal,
    target: { namespace: string; repository: string },
    minimum: number,
  ): Promise<{ repository: string; current: TargetIdentity }> {
    const repository = `${target.namespace}/${target.repository}`;
    const current = repositoryIdentity(await this.levels.caughtUp(() => this.projections.collection(directoryRepositoriesProjection).get(repository)));
    const owner = await this.levels.owner(target.namespace);
    if (!current || !owner || owner.accountId !== actor.accountId) throw new DomainError('CATALOG.REPOSITORY_NOT_FOUND', { repository });
    const level = await this.levels.levelOn(actor, { kind: 'repository', namespace: target.namespace, repository });
    if ((level ?? 0) < minimum) throw new DomainError('ACCESS.FORBIDDEN', { repository });
    return { repository, current };
  }

  /** The shares among `docs` made on the repositories that hold their names now. */
  private async onCurrentRepositories(docs: ShareDocument[]): Promise<ShareDocument[]> {
    if (docs.length === 0) return docs;
    const existing = await this.levels.repositories(docs.map((doc) => doc.repository));
    return docs.filter((doc) => shareOnCurrent(doc, repositoryIdentity(existing.get(doc.repository))));
  }

  private async accountOf(actor: Principal, accessDomain: string): Promise<string> {
    const account = await this.levels.caughtUp(() => this.projections.collection(directoryAccountsProjection).get(accessDomain));
    if (!account || account.accountId === actor.accountId) throw new DomainError('ACCESS.INVALID_DOMAIN', { accessDomain });
    return account.accountId;
  }

  private async run(repository: string, accountId: string, command: Omit<ShareCommand, 'metadata'>, actor: Principal): Promise<void> {
    await this.commands.run(`${AccessStreams.shares}${shareId(repository, accountId)}`, shareDecider, command, { actor, readModels: [sharesProjection] });
  }

  private async stored(repository: string, accountId: string): Promise<ShareDocument> {
    return (await this.projections.collection(sharesProjection).get(shareId(repository, accountId)))!;
  }

  @MessagePattern(rpc.create.subject)
  async create(@Payload(new SchemaPipe(rpc.create.request)) { actor, target, accessDomain, permit, deadline, description }: In<'create'>) {
    const { repository, current } = await this.requireRepository(actor, target, 7);
    const accessAccountId = await this.accountOf(actor, accessDomain);
    const data = { repository, namespace: target.namespace, accessDomain, accessAccountId, permit, deadline, description: description ?? '' };
    await this.run(repository, accessAccountId, { type: 'ShareRepository', data: { ...data, current, creatorId: actor.userId, creatorName: actor.userName } }, actor);
    return { share: this.toShare(await this.stored(repository, accessAccountId)) } satisfies RpcReply<typeof rpc.create>;
  }

  @MessagePattern(rpc.update.subject)
  async update(@Payload(new SchemaPipe(rpc.update.request)) { actor, target, accessDomain, permit, deadline, description }: In<'update'>) {
    const { repository, current } = await this.requireRepository(actor, target, 7);
    const accessAccountId = await this.accountOf(actor, accessDomain);
    const data = { repository, namespace: target.namespace, accessDomain, accessAccountId, permit, deadline, description: description ?? '' };
    await this.run(repository, accessAccountId, { type: 'UpdateShare', data: { ...data, current } }, actor);
    return { share: this.toShare(await this.stored(repository, accessAccountId)) } satisfies RpcReply<typeof rpc.update>;
  }

  @MessagePattern(rpc.remove.subject)
  async remove(@Payload(new SchemaPipe(rpc.remove.request)) { actor, target, accessDomain }: In<'remove'>) {
    const { repository, current } = await this.requireRepository(actor, target, 7);
    const accessAccountId = await this.accountOf(actor, accessDomain);
    await this.run(repository, accessAccountId, { type: 'RemoveShare', data: { repository, accessDomain, accessAccountId, current } }, actor);
    return { removed: true } satisfies RpcReply<typeof rpc.remove>;
  }

  @MessagePattern(rpc.list.subject)
  async list(@Payload(new SchemaPipe(rpc.list.request)) { actor, target }: In<'list'>) {
    const { repository, current } = await this.requireRepository(actor, target, 1);
    const docs = await this.projections.collection(sharesProjection).find({
      where: [{ field: 'repository', op: 'eq', value: repository }],
      sort: [{ field: 'accessDomain', direction: 'asc' }],
    });
    const shares = docs.filter((doc) => shareOnCurrent(doc, current)).slice(0, 100);
    return { shares: shares.map((doc) => this.toShare(doc)) } satisfies RpcReply<typeof rpc.list>;
  }

  @MessagePattern(rpc.get.subject)
  async get(@Payload(new SchemaPipe(rpc.get.request)) { actor, target, accessDomain }: In<'get'>) {
    const { repository, current } = await this.requireRepository(actor, target, 1);
    const docs = await this.projections.collection(sharesProjection).find({
      where: [
        { field: 'repository', op: 'eq', value: repository },
        { field: 'accessDomain', op: 'eq', value: accessDomain },
      ],
    });
    const doc = docs.find((candidate) => shareOnCurrent(candidate, current));
    return { share: doc ? this.toShare(doc) : null } satisfies RpcReply<typeof rpc.get>;
  }

  @MessagePattern(rpc.ofAccount.subject)
  async ofAccount(@Payload(new SchemaPipe(rpc.ofAccount.request)) { actor, direction }: In<'ofAccount'>) {
    const shares = this.projections.collection(sharesProjection);
    const owners = this.projections.collection(namespaceOwnersProjection);
    if (direction === 'outgoing') {
      const namespaces = (await owners.find({ where: [{ field: 'accountId', op: 'eq', value: actor.accountId }] })).map((owner) => owner.id);
      const docs = await this.onCurrentRepositories(namespaces.length === 0 ? [] : await shares.find({ where: [{ field: 'namespace', op: 'in', values: namespaces }] }));
      return { shares: docs.map((doc) => ({ ...this.toShare(doc), ownerAccountId: actor.accountId, ownerAccountName: actor.accountName })) } satisfies RpcReply<typeof rpc.ofAccount>;
    }
    const docs = await this.onCurrentRepositories(await shares.find({ where: [{ field: 'accessAccountId', op: 'eq', value: actor.accountId }] }));
    if (docs.length === 0) return { shares: [] } satisfies RpcReply<typeof rpc.ofAccount>;
    const ownerOf = new Map((await owners.find({ where: [{ field: 'id', op: 'in', values: [...new Set(docs.map((doc) => doc.namespace))] }] })).map((o) => [o.id, o.accountId]));
    const accountIds = [...new Set(ownerOf.values())];
    const accountNames = new Map(
      (await this.projections.collection(directoryAccountsProjection).find({ where: [{ field: 'accountId', op: 'in', values: accountIds }] })).map(
        (account) => [account.accountId, account.id],
      ),
    );
    const incoming: AccountShare[] = docs.flatMap((doc) => {
      const ownerAccountId = ownerOf.get(doc.namespace);
      return ownerAccountId ? [{ ...this.toShare(doc), ownerAccountId, ownerAccountName: accountNames.get(ownerAccountId) ?? '' }] : [];
    });
    return { shares: incoming } satisfies RpcReply<typeof rpc.ofAccount>;
  }
}

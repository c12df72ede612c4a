import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { AccessStreams, PermissionRpc, type PermissionTarget, type UserAuth } from '@wharf/contracts/access';
import type { Principal } from '@wharf/contracts/identity';
import { CommandRunner, ProjectionHost } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { namespaceIdentity } from '../repository-access/namespace-owners.projection';
import type { TargetIdentity } from '../target-identity';
import { directoryRepositoriesProjection, directoryUsersProjection, repositoryIdentity } from './directory.projections';
import { grantRefusal, type GrantChange } from './grant-rules';
import { permissionDecider, type PermissionCommand } from './permission.decider';
import { PermissionLevels } from './permission-levels';
import { grantOnCurrent, permissionsProjection } from './permissions.projection';

const rpc = PermissionRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

const nameOf = (target: PermissionTarget): string => (target.kind === 'namespace' ? target.namespace : target.repository);

/** SWR organization and image permissions: grant, update, revoke, list, and the levels they add up to. */
@Controller()
export class PermissionsHandler {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly levels: PermissionLevels,
  ) {}

  /**
   * The target must exist in the actor's account (else 404), and the actor may make the change by
   * `grantRefusal`'s rules (else 403); nobody changes their own permission. Returns the target's identity.
   */
  private async requireManager(actor: Principal, target: PermissionTarget, change: GrantChange, changing: string[], requested: number[] = []): Promise<TargetIdentity> {
    const current = await this.identityOf(actor, target);
    const onNamespace = await this.levels.levelOn(actor, { kind: 'namespace', namespace: target.namespace });
    const onTarget = target.kind === 'namespace' ? onNamespace : await this.levels.levelOn(actor, target);
    const refusal = grantRefusal(change, target.kind, { onNamespace, onTarget }, requested);
    if (refusal) throw new DomainError('ACCESS.FORBIDDEN', { name: nameOf(target), reason: refusal });
    if (changing.includes(actor.userId)) throw new DomainError('ACCESS.FORBIDDEN', { reason: 'you cannot change your own permission' });
    return current;
  }

  /** The organization or repository that holds the target's name now, in the actor's account; 404 otherwise. */
  private async identityOf(actor: Principal, target: PermissionTarget): Promise<TargetIdentity> {
    const owner = await this.levels.owner(target.namespace);
    const current = await this.currentOf(target);
    if (!owner || owner.accountId !== actor.accountId || !current) {
      throw new DomainError(target.kind === 'namespace' ? 'CATALOG.NAMESPACE_NOT_FOUND' : 'CATALOG.REPOSITORY_NOT_FOUND', { name: nameOf(target) });
    }
    return current;
  }

  /** The organization or repository that holds the target's name now, if any. */
  private async currentOf(target: PermissionTarget): Promise<TargetIdentity | null> {
    if (target.kind === 'namespace') return namespaceIdentity(await this.levels.owner(target.namespace));
    return repositoryIdentity(await this.levels.caughtUp(() => this.projections.collection(directoryRepositoriesProjection).get(target.repository)));
  }

  private async requireGrantees(actor: Principal, grants: UserAuth[]): Promise<void> {
    const users = this.projections.collection(directoryUsersProjection);
    for (const grant of grants) {
      const user = await this.levels.caughtUp(() => users.get(grant.userId));
      if (!user || user.accountId !== actor.accountId || user.name !== grant.userName) {
        throw new DomainError('ACCESS.INVALID_GRANTEE', { userId: grant.userId, userName: grant.userName });
      }
    }
  }

  private async run(
    target: PermissionTarget,
    current: TargetIdentity,
    type: PermissionCommand['type'],
    data: { grants: UserAuth[] } | { userIds: string[] },
    actor: Principal,
  ) {
    const name = nameOf(target);
    await this.commands.run(
      `${AccessStreams.permissions}${target.kind}:${name}`,
      permissionDecider,
      { type, data: { kind: target.kind, name, namespace: target.namespace, current, ...data } as PermissionCommand['data'] },
      { actor, readModels: [permissionsProjection] },
    );
  }

  @MessagePattern(rpc.grant.subject)
  async grant(@Payload(new SchemaPipe(rpc.grant.request)) { actor, target, grants }: In<'grant'>) {
    const current = await this.requireManager(actor, target, 'grant', grants.map((g) => g.userId), grants.map((g) => g.auth));
    await this.requireGrantees(actor, grants);
    await this.run(target, current, 'GrantPermissions', { grants }, actor);
    return { granted: true } satisfies RpcReply<typeof rpc.grant>;
  }

  @MessagePattern(rpc.update.subject)
  async update(@Payload(new SchemaPipe(rpc.update.request)) { actor, target, grants }: In<'update'>) {
    const current = await this.requireManager(actor, target, 'update', grants.map((g) => g.userId), grants.map((g) => g.auth));
    await this.requireGrantees(actor, grants);
    await this.run(target, current, 'UpdatePermissions', { grants }, actor);
    return { updated: true } satisfies RpcReply<typeof rpc.update>;
  }

  @MessagePattern(rpc.revoke.subject)
  async revoke(@Payload(new SchemaPipe(rpc.revoke.request)) { actor, target, userIds }: In<'revoke'>) {
    const current = await this.requireManager(actor, target, 'revoke', userIds);
    await this.run(target, current, 'RevokePermissions', { userIds }, actor);
    return { revoked: true } satisfies RpcReply<typeof rpc.revoke>;
  }

  /** The caller's own level and everyone else's grants; readable with any level on the target. */
  @MessagePattern(rpc.list.subject)
  async list(@Payload(new SchemaPipe(rpc.list.request)) { actor, target }: In<'list'>) {
    const level = await this.levels.levelOn(actor, target);
    if (level === null) throw new DomainError(target.kind === 'namespace' ? 'CATALOG.NAMESPACE_NOT_FOUND' : 'CATALOG.REPOSITORY_NOT_FOUND', { name: nameOf(target) });
    const current = await this.currentOf(target);
    const grants = await this.projections.collection(permissionsProjection).find({
      where: [
        { field: 'kind', op: 'eq', value: target.kind },
        { field: 'name', op: 'eq', value: nameOf(target) },
      ],
      sort: [{ field: 'userName', direction: 'asc' }],
    });
    const others = grants.filter((g) => g.userId !== actor.userId && grantOnCurrent(g, current)).map((g) => ({ userId: g.userId, userName: g.userName, auth: g.auth as UserAuth['auth'] }));
    return { self: { userId: actor.userId, userName: actor.userName, auth: level }, others } satisfies RpcReply<typeof rpc.list>;
  }

  @MessagePattern(rpc.resolve.subject)
  async resolve(@Payload(new SchemaPipe(rpc.resolve.request)) { principal, targets }: In<'resolve'>) {
    const levels = await this.levels.levelsOn(principal, targets);
    return { levels } satisfies RpcReply<typeof rpc.resolve>;
  }

  @MessagePattern(rpc.repositoryGrantNamespaces.subject)
  async repositoryGrantNamespaces(@Payload(new SchemaPipe(rpc.repositoryGrantNamespaces.request)) { principal }: In<'repositoryGrantNamespaces'>) {
    const grants = await this.projections.collection(permissionsProjection).find({
      where: [
        { field: 'userId', op: 'eq', value: principal.userId },
        { field: 'kind', op: 'eq', value: 'repository' },
      ],
    });
    const existing = await this.levels.repositories(grants.map((grant) => grant.name));
    const highest = new Map<string, UserAuth['auth']>();
    for (const grant of grants.filter((g) => grantOnCurrent(g, repositoryIdentity(existing.get(g.name))))) highest.set(grant.namespace, Math.max(highest.get(grant.namespace) ?? 0, grant.auth) as UserAuth['auth']);
    const namespaces = [...highest].map(([namespace, auth]) => ({ namespace, auth }));
    return { namespaces } satisfies RpcReply<typeof rpc.repositoryGrantNamespaces>;
  }
}

import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { CatalogRpc, CatalogStreams, type AuthLevel, type VisibleNamespace } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { EventStore } from '@wharf/event-store';
import { CommandRunner, EVENT_STORE, ProjectionHost } from '@wharf/platform';
import type { Filter } from '@wharf/read-model';
import { SchemaPipe } from '@wharf/transport';
import { AccessLevels } from '../access-levels';
import { QuotaReservations } from '../quotas/quota-reservations';
import { repositoriesProjection } from '../repositories/repository.projections';
import { isValidNamespaceName } from './namespace-name';
import { namespaceDecider } from './namespace.decider';
import { reserveNamespaceNumber } from './namespace-numbers';
import { namespacesProjection, type NamespaceDocument } from './namespaces.projection';

const { createNamespace, listNamespaces, getNamespace, namespaceExists, deleteNamespace, closeAccount } = CatalogRpc;

const visible = (doc: NamespaceDocument, auth: AuthLevel | null): VisibleNamespace | null => {
  if (auth === null) return null;
  const { number, registryId, name, accountId, creatorId, creatorName, createdAt } = doc;
  return { id: number, registryId, name, accountId, creatorId, creatorName, createdAt, auth };
};

@Controller()
export class NamespacesHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly levels: AccessLevels,
    private readonly reservations: QuotaReservations,
  ) {}

  private get namespaces() {
    return this.projections.collection(namespacesProjection);
  }

  @MessagePattern(createNamespace.subject)
  async create(@Payload(new SchemaPipe(createNamespace.request)) { actor, name }: typeof createNamespace.request._output) {
    // Checked before a number is reserved, so invalid names do not use up ids; the decider checks again.
    if (!isValidNamespaceName(name)) throw new DomainError('CATALOG.INVALID_NAMESPACE_NAME', { name });
    await this.reservations.holding(actor.accountId, 'namespace', name, async () => {
      const now = this.commands.now();
      const id = await reserveNamespaceNumber(this.events, name, now);
      await this.commands.run(CatalogStreams.namespace + name, namespaceDecider, { type: 'CreateNamespace', data: { id, registryId: randomUUID(), name, actor } }, {
        actor,
        now,
        readModels: [namespacesProjection],
      });
    });
    return { namespace: await this.visibleOrThrow(actor, name) } satisfies RpcReply<typeof createNamespace>;
  }

  @MessagePattern(listNamespaces.subject)
  async list(@Payload(new SchemaPipe(listNamespaces.request)) { actor, name, nameContains, includeRepositoryGrants }: typeof listNamespaces.request._output) {
    const where: Filter[] = [{ field: 'accountId', op: 'eq', value: actor.accountId }];
    if (name !== undefined) where.push({ field: 'name', op: 'eq', value: name });
    if (nameContains) where.push({ field: 'name', op: 'contains', value: nameContains });
    const docs = await this.namespaces.find({ where, sort: [{ field: 'number', direction: 'asc' }] });
    const levels = await this.levels.all(actor, docs.map((doc) => ({ kind: 'namespace', namespace: doc.name })));
    const throughRepositories = includeRepositoryGrants ? await this.levels.repositoryGrantNamespaces(actor) : new Map<string, AuthLevel>();
    const namespaces = docs
      .map((doc, i) => visible(doc, levels[i] ?? throughRepositories.get(doc.name) ?? null))
      .filter((ns): ns is VisibleNamespace => ns !== null);
    return { namespaces } satisfies RpcReply<typeof listNamespaces>;
  }

  @MessagePattern(getNamespace.subject)
  async get(@Payload(new SchemaPipe(getNamespace.request)) { actor, name }: typeof getNamespace.request._output) {
    return { namespace: await this.visibleOrThrow(actor, name) } satisfies RpcReply<typeof getNamespace>;
  }

  @MessagePattern(namespaceExists.subject)
  async exists(@Payload(new SchemaPipe(namespaceExists.request)) { name }: typeof namespaceExists.request._output) {
    return { exists: (await this.namespaces.get(name)) !== null } satisfies RpcReply<typeof namespaceExists>;
  }

  @MessagePattern(deleteNamespace.subject)
  async delete(@Payload(new SchemaPipe(deleteNamespace.request)) { actor, name }: typeof deleteNamespace.request._output) {
    const auth = await this.levels.on(actor, { kind: 'namespace', namespace: name });
    const repositories = await this.projections.collection(repositoriesProjection).count([{ field: 'namespace', op: 'eq', value: name }]);
    await this.commands.run(CatalogStreams.namespace + name, namespaceDecider, { type: 'DeleteNamespace', data: { name, actor, auth, repositories } }, {
      actor,
      readModels: [namespacesProjection],
    });
    return { deleted: true } satisfies RpcReply<typeof deleteNamespace>;
  }

  @MessagePattern(closeAccount.subject)
  async closeAccount(@Payload(new SchemaPipe(closeAccount.request)) { actor, accountId }: typeof closeAccount.request._output) {
    if (!actor.systemAdmin) throw new DomainError('CATALOG.PROJECT_FORBIDDEN', { id: accountId });
    await this.reservations.close(accountId);
    return { closed: true } satisfies RpcReply<typeof closeAccount>;
  }

  /** Another account's namespace answers 404 like a missing one; the caller's own without rights answers 403. */
  private async visibleOrThrow(actor: Principal, name: string): Promise<VisibleNamespace> {
    const doc = await this.namespaces.get(name);
    if (!doc || doc.accountId !== actor.accountId) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name });
    const namespace = visible(doc, await this.levels.on(actor, { kind: 'namespace', namespace: name }));
    if (!namespace) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { name });
    return namespace;
  }
}

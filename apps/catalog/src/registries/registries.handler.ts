import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { CatalogStreams, MAX_REGISTRIES_PER_ACCOUNT, RegistryRpc } from '@wharf/contracts/catalog';
import type { EventStore } from '@wharf/event-store';
import { CommandRunner, EVENT_STORE } from '@wharf/platform';
import type { Filter } from '@wharf/read-model';
import { SchemaPipe } from '@wharf/transport';
import { AccessLevels } from '../access-levels';
import { isValidNamespaceName } from '../namespaces/namespace-name';
import { namespaceDecider } from '../namespaces/namespace.decider';
import { reserveNamespaceNumber } from '../namespaces/namespace-numbers';
import { namespacesProjection, type NamespaceDocument } from '../namespaces/namespaces.projection';
import { QuotaReservations } from '../quotas/quota-reservations';
import { RegistryDeletion } from './registry-deletion';
import { RegistryDirectory } from './registry-directory';
import { pageOf, sortRegistries } from './registry-ordering';

const rpc = RegistryRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

/** Selectel registries: the catalog's namespaces listed, created, read and deleted by their UUID. */
@Controller()
export class RegistriesHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly commands: CommandRunner,
    private readonly directory: RegistryDirectory,
    private readonly deletion: RegistryDeletion,
    private readonly levels: AccessLevels,
    private readonly reservations: QuotaReservations,
  ) {}

  /**
   * The account's registries the actor has a level on (as SWR's organization list), filtered by a substring of
   * the name, sorted and paged after that filter, so `totalCount` and the pages agree.
   */
  @MessagePattern(rpc.list.subject)
  async list(@Payload(new SchemaPipe(rpc.list.request)) { actor, offset, limit, search, sortField, sortType }: In<'list'>) {
    const where: Filter[] = [{ field: 'accountId', op: 'eq', value: actor.accountId }];
    if (search) where.push({ field: 'name', op: 'contains', value: search });
    const docs = await this.directory.namespaces.find({ where });
    const levels = await this.levels.all(actor, docs.map((doc) => ({ kind: 'namespace', namespace: doc.name })));
    const visible = docs.filter((_doc, i) => levels[i] !== null);
    const sizes = new Map<string, number>();
    const sizeOf = async (doc: NamespaceDocument) => sizes.set(doc.name, await this.directory.size(doc.name));
    // Sorting by size needs every size; otherwise only the page's.
    if (sortField === 'size') await Promise.all(visible.map(sizeOf));
    const page = pageOf(sortRegistries(visible, sortField, sortType, (doc) => sizes.get(doc.name) ?? 0), offset, limit);
    await Promise.all(page.filter((doc) => !sizes.has(doc.name)).map(sizeOf));
    return { registries: page.map((doc) => this.directory.toRegistry(doc, sizes.get(doc.name)!)), totalCount: visible.length } satisfies RpcReply<typeof rpc.list>;
  }

  /** Creates the namespace as SWR's organization create does, within Selectel's 100 registries per project. */
  @MessagePattern(rpc.create.subject)
  async create(@Payload(new SchemaPipe(rpc.create.request)) { actor, name }: In<'create'>) {
    if (!isValidNamespaceName(name)) {
      throw new DomainError(
        'CATALOG.INVALID_NAMESPACE_NAME',
        { name },
        'The registry name must be 1-64 lowercase letters and digits, starting with a letter, with single ".", "_", "__" or "-" between them',
      );
    }
    if (await this.directory.namespaces.get(name)) throw new DomainError('CATALOG.NAMESPACE_ALREADY_EXISTS', { name }, 'A registry with this name already exists');
    // Selectel's 100 registries a project count as the namespace quota does, so racing creates cannot pass either.
    const cap = { limit: MAX_REGISTRIES_PER_ACCOUNT, code: 'CATALOG.REGISTRY_LIMIT_EXCEEDED' as const };
    await this.reservations.holding(
      actor.accountId,
      'namespace',
      name,
      async () => {
        const now = this.commands.now();
        const id = await reserveNamespaceNumber(this.events, name, now);
        await this.commands.run(CatalogStreams.namespace + name, namespaceDecider, { type: 'CreateNamespace', data: { id, registryId: randomUUID(), name, actor } }, {
          actor,
          now,
          readModels: [namespacesProjection],
        });
      },
      cap,
    );
    const doc = await this.directory.namespaces.get(name);
    if (!doc) throw new DomainError('PLATFORM.READ_MODEL_LAGGING', { projection: namespacesProjection.name });
    return { registry: this.directory.toRegistry(doc, await this.directory.size(name)) } satisfies RpcReply<typeof rpc.create>;
  }

  @MessagePattern(rpc.get.subject)
  async get(@Payload(new SchemaPipe(rpc.get.request)) { actor, registryId }: In<'get'>) {
    const { doc } = await this.directory.visible(actor, registryId);
    return { registry: this.directory.toRegistry(doc, await this.directory.size(doc.name)) } satisfies RpcReply<typeof rpc.get>;
  }

  /** Needs manage (7) on the registry; see RegistryDeletion for what happens to concurrent pushes. */
  @MessagePattern(rpc.delete.subject)
  async delete(@Payload(new SchemaPipe(rpc.delete.request)) { actor, registryId }: In<'delete'>) {
    const { doc, auth } = await this.directory.managed(actor, registryId);
    await this.deletion.run(actor, doc.name, auth);
    return { deleted: true } satisfies RpcReply<typeof rpc.delete>;
  }
}

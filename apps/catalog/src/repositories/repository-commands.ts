import { Inject, Injectable } from '@nestjs/common';
import { RepositoryStreams } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { EventStore } from '@wharf/event-store';
import { splitRepositoryName } from '@wharf/oci';
import { CommandRunner, EVENT_STORE, ProjectionHost } from '@wharf/platform';
import { reserveRepositoryNumber } from '../namespaces/namespace-numbers';
import { namespacesProjection } from '../namespaces/namespaces.projection';
import { QuotaReservations } from '../quotas/quota-reservations';
import { repositoryDecider, type NamespaceRef, type RepositoryCommand, type RepositoryEvent } from './repository.decider';
import { repositoriesProjection, repositoryProjections, tagId, tagsProjection } from './repository.projections';

/** Commands that create the repository when it does not exist yet (a push creates it as the API does). */
const CREATING: ReadonlySet<RepositoryCommand['type']> = new Set(['CreateRepository', 'LinkBlob', 'PushManifest']);

type WithoutContext<C> = C extends { data: infer D } ? Omit<D, 'namespace' | 'newId'> : never;

/** Runs repository commands: looks up what the decider needs, appends, and waits for the read models. */
@Injectable()
export class RepositoryCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly reservations: QuotaReservations,
  ) {}

  async namespaceOf(repository: string): Promise<NamespaceRef | null> {
    const name = splitRepositoryName(repository)?.namespace;
    const doc = name ? await this.projections.collection(namespacesProjection).get(name) : null;
    return doc ? { name: doc.name, id: doc.number, accountId: doc.accountId, creatorId: doc.creatorId, deleting: doc.deleting === true } : null;
  }

  /**
   * Runs a command and answers once every repository read model has applied it (read-your-writes). Commands
   * that may create the repository get its namespace and, if it does not exist yet, a reserved id; a new
   * repository and a new tag each hold a place of the account's quota while they are created.
   */
  async run<T extends RepositoryCommand['type']>(
    type: T,
    data: WithoutContext<Extract<RepositoryCommand, { type: T }>>,
    actor?: Principal,
  ): Promise<RepositoryEvent[]> {
    const repository = data.repository;
    const namespace = await this.namespaceOf(repository);
    // Counted, not read: the documents are not needed, only whether they exist.
    const exists = (await this.projections.collection(repositoriesProjection).count([{ field: 'id', op: 'eq', value: repository }])) > 0;
    const tag = type === 'PushManifest' ? (data as { tag?: string }).tag : undefined;
    const newTag = tag !== undefined && (await this.projections.collection(tagsProjection).count([{ field: 'id', op: 'eq', value: tagId(repository, tag) }])) === 0;
    const append = async (): Promise<RepositoryEvent[]> => {
      const now = this.commands.now();
      const newId = exists || !namespace ? 0 : await reserveRepositoryNumber(this.events, repository, now);
      const command = { type, data: { ...data, namespace, newId } } as unknown as RepositoryCommand;
      const result = await this.commands.run(RepositoryStreams.repository + repository, repositoryDecider, command, {
        ...(actor ? { actor } : {}),
        now,
        readModels: repositoryProjections,
      });
      return result.newEvents;
    };
    if (!namespace) return append();
    const tagging = tag !== undefined && newTag ? () => this.reservations.holding(namespace.accountId, 'tag', tagId(repository, tag), append) : append;
    return !exists && CREATING.has(type) ? this.reservations.holding(namespace.accountId, 'repository', repository, tagging) : tagging();
  }
}

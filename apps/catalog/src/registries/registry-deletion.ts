import { Injectable } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { CatalogStreams, type AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { CommandRunner, ProjectionHost } from '@wharf/platform';
import { namespaceDecider } from '../namespaces/namespace.decider';
import { namespacesProjection } from '../namespaces/namespaces.projection';
import { RepositoryCommands } from '../repositories/repository-commands';
import { repositoriesProjection } from '../repositories/repository.projections';

const BATCH = 100;
/** A repository reappearing more often than this means something keeps creating it: stop rather than loop. */
const MAX_ATTEMPTS_PER_REPOSITORY = 3;

/**
 * Deletes a registry with everything in it, in three steps, each an event the read models apply before the
 * next: the namespace is marked as being deleted (status DELETING), its repositories are deleted one by one
 * (each `RepositoryDeleted` drops its tags, manifests and blob links), then the namespace itself goes.
 *
 * Concurrent pushes: once the mark is recorded, nothing new can be created in the registry (a push that would
 * create a repository is refused with CATALOG.REGISTRY_DELETING, DENIED on the registry). A push into a
 * repository that still exists lands and is deleted with its repository. A push that read the namespace just
 * before the mark and creates a repository afterwards is caught by sweeping the repositories until none is
 * left; only a push whose own command takes longer than the whole sweep could leave a repository behind.
 * Blob bytes are not deleted here: garbage collection frees what no repository links any more.
 *
 * An interrupted delete (a crash, or the caller's timeout on a large registry) leaves the registry DELETING;
 * calling delete again resumes it.
 */
@Injectable()
export class RegistryDeletion {
  constructor(
    private readonly commands: CommandRunner,
    private readonly repositoryCommands: RepositoryCommands,
    private readonly projections: ProjectionHost,
  ) {}

  async run(actor: Principal, namespace: string, auth: AuthLevel): Promise<void> {
    const stream = CatalogStreams.namespace + namespace;
    const options = { actor, readModels: [namespacesProjection] };
    await this.commands.run(stream, namespaceDecider, { type: 'StartNamespaceDeletion', data: { name: namespace, actor, auth } }, options);
    await this.deleteRepositories(actor, namespace, auth);
    const repositories = await this.projections.collection(repositoriesProjection).count([{ field: 'namespace', op: 'eq', value: namespace }]);
    await this.commands.run(stream, namespaceDecider, { type: 'DeleteNamespace', data: { name: namespace, actor, auth, repositories } }, options);
  }

  private async deleteRepositories(actor: Principal, namespace: string, auth: AuthLevel): Promise<void> {
    const attempts = new Map<string, number>();
    const repositories = this.projections.collection(repositoriesProjection);
    for (;;) {
      const batch = await repositories.find({ where: [{ field: 'namespace', op: 'eq', value: namespace }], sort: [{ field: 'name', direction: 'asc' }], limit: BATCH });
      if (batch.length === 0) return;
      for (const { name } of batch) {
        const attempt = (attempts.get(name) ?? 0) + 1;
        if (attempt > MAX_ATTEMPTS_PER_REPOSITORY) throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', { repository: name });
        attempts.set(name, attempt);
        await this.deleteRepository(actor, name, auth);
      }
    }
  }

  private async deleteRepository(actor: Principal, repository: string, auth: AuthLevel): Promise<void> {
    try {
      await this.repositoryCommands.run('DeleteRepository', { actor, auth, repository }, actor);
    } catch (error) {
      // Deleted meanwhile by someone else: that is the outcome this step wants.
      if (error instanceof DomainError && error.code === 'CATALOG.REPOSITORY_NOT_FOUND') return;
      throw error;
    }
  }
}

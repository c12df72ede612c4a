import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { RegistryRpc, RepositoryRpc } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { LifecycleRpc, type CleanupReport } from '@wharf/contracts/lifecycle';
import { SERVICE_CLIENT } from '@wharf/platform';
import { SchemaPipe, type ServiceClient } from '@wharf/transport';
import { GcRunner } from '../gc/gc-runner';
import { ReferenceGraphs } from '../gc/reference-graphs';
import { Registries } from '../gc/registries';
import { planCleanup, type CleanupStep } from './cleanup-plan';

const rpc = LifecycleRpc.cleanupRepository;

const reasonOf = (error: unknown): string => {
  if (!(error instanceof DomainError)) throw error;
  switch (error.code) {
    case 'CATALOG.MANIFEST_REFERENCED':
      return `Image is referenced by another manifest (${String(error.details.index ?? 'an index')})`;
    case 'CATALOG.MANIFEST_NOT_FOUND':
      return 'Image not found';
    case 'CATALOG.TAG_NOT_FOUND':
      return 'Tag not found';
    default:
      throw error;
  }
};

/**
 * Selectel's repository cleanup: deletes the listed images (manifests, with every tag naming them) and removes
 * the listed tags, item by item through catalog's own delete rules (an image an index still lists stays), then
 * optionally starts a garbage collection of the registry, queued behind one already under way.
 */
@Controller()
export class CleanupHandler {
  constructor(
    private readonly registries: Registries,
    private readonly graphs: ReferenceGraphs,
    private readonly runner: GcRunner,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
  ) {}

  @MessagePattern(rpc.subject)
  async cleanup(@Payload(new SchemaPipe(rpc.request)) { actor, registryId, repository, digests, tags, collect }: typeof rpc.request._output) {
    if (digests.length === 0 && tags.length === 0) {
      throw new DomainError('PLATFORM.VALIDATION_FAILED', { path: 'digests', reason: 'name at least one digest or tag to remove' });
    }
    const registry = await this.registries.find(actor, registryId);
    const fullName = `${registry.namespace}/${repository}`;
    const auth = await this.registries.level(actor, { kind: 'repository', namespace: registry.namespace, repository: fullName });
    if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { registryId }, 'Cleaning up a repository needs manage (7) permission on it');
    // 404 for a repository that does not exist (catalog's answer, in Selectel's words).
    await this.services.call(RegistryRpc.getRepository, { actor, registryId, repository });
    await this.graphs.settle();
    const steps = planCleanup(await this.graphs.manifestsOf(fullName), digests, tags);
    const report: CleanupReport = { deleted: [], failed: [], garbageCollection: 'not-requested' };
    for (const step of steps) await this.apply(actor, fullName, step, report);
    if (collect) {
      const { outcome } = await this.runner.request({ ...registry, actor, auth, deleteUntagged: false, whenRunning: 'queue' });
      report.garbageCollection = outcome;
    }
    return report satisfies RpcReply<typeof rpc>;
  }

  private async apply(actor: Principal, repository: string, step: CleanupStep, report: CleanupReport): Promise<void> {
    if (step.kind === 'fail') {
      report.failed.push({ ...(step.digest ? { digest: step.digest } : {}), tags: step.tags, error: step.error });
      return;
    }
    if (step.kind === 'delete-manifest') {
      try {
        await this.services.call(RepositoryRpc.deleteManifest, { actor, repository, digest: step.digest });
        report.deleted.push({ digest: step.digest, tags: step.tags });
      } catch (error) {
        report.failed.push({ digest: step.digest, tags: step.tags, error: reasonOf(error) });
      }
      return;
    }
    const removed: string[] = [];
    for (const tag of step.tags) {
      try {
        await this.services.call(RepositoryRpc.deleteTag, { actor, repository, tag });
        removed.push(tag);
      } catch (error) {
        report.failed.push({ digest: step.digest, tags: [tag], error: reasonOf(error) });
      }
    }
    if (removed.length > 0) report.deleted.push({ digest: step.digest, tags: removed });
  }
}

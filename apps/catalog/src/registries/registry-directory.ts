import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import type { AuthLevel, Registry, RegistryStatus } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { AccessLevels } from '../access-levels';
import { namespacesProjection, type NamespaceDocument } from '../namespaces/namespaces.projection';
import { blobLinksProjection, manifestsProjection } from '../repositories/repository.projections';
import { registrySize, usedPercent } from './registry-size';

export const registryNotFound = (registryId: string): DomainError => new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { registryId }, 'Registry not found.');

/** A registry's status from its namespace: DELETING while a delete runs, else ACTIVE (creation is synchronous). */
export const registryStatus = (doc: NamespaceDocument): RegistryStatus => (doc.deleting ? 'DELETING' : 'ACTIVE');

/** Finds registries (namespaces by their UUID) as a caller may see them, and reckons their size. */
@Injectable()
export class RegistryDirectory {
  constructor(
    private readonly projections: ProjectionHost,
    private readonly levels: AccessLevels,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {}

  get namespaces() {
    return this.projections.collection(namespacesProjection);
  }

  /** The registry with this id in the actor's account; other accounts' registries do not exist for it. */
  async find(actor: Principal, registryId: string): Promise<NamespaceDocument> {
    const [doc] = await this.namespaces.find({ where: [{ field: 'registryId', op: 'eq', value: registryId }], limit: 1 });
    if (!doc || doc.accountId !== actor.accountId) throw registryNotFound(registryId);
    return doc;
  }

  /** The registry and the actor's level on it; its own account's registry without a level is 403. */
  async visible(actor: Principal, registryId: string): Promise<{ doc: NamespaceDocument; auth: AuthLevel }> {
    const doc = await this.find(actor, registryId);
    const auth = await this.levels.on(actor, { kind: 'namespace', namespace: doc.name });
    if (auth === null) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { registryId }, 'You do not have permission on this registry');
    return { doc, auth };
  }

  /** As `visible`, for changes that need manage (7) on the registry. */
  async managed(actor: Principal, registryId: string): Promise<{ doc: NamespaceDocument; auth: AuthLevel }> {
    const found = await this.visible(actor, registryId);
    if (found.auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { registryId }, 'This needs manage (7) permission on the registry');
    return found;
  }

  /** The registry's `size`, computed exactly from the catalog (see `registrySize` for the definition). */
  async size(namespace: string): Promise<number> {
    const where = [{ field: 'namespace', op: 'eq' as const, value: namespace }];
    const [links, manifests] = await Promise.all([
      this.projections.collection(blobLinksProjection).find({ where }),
      this.projections.collection(manifestsProjection).find({ where }),
    ]);
    return registrySize([...links, ...manifests]);
  }

  toRegistry(doc: NamespaceDocument, size: number): Registry {
    const sizeLimit = this.config.registrySizeLimit;
    return { id: doc.registryId, name: doc.name, createdAt: doc.createdAt, status: registryStatus(doc), size, sizeLimit, used: usedPercent(size, sizeLimit) };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { PermissionRpc, type PermissionTarget } from '@wharf/contracts/access';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { ProjectionHost, SERVICE_CLIENT } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { registriesView, type RegistryDocument } from './gc-views.projection';

export const registryNotFound = (registryId: string): DomainError => new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { registryId }, 'Registry not found.');

/** Registries by their UUID as a caller may see them, and the caller's level on them, as access reckons it. */
@Injectable()
export class Registries {
  constructor(
    private readonly projections: ProjectionHost,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
  ) {}

  private async lookup(registryId: string): Promise<RegistryDocument | null> {
    const [doc] = await this.projections.collection(registriesView).find({ where: [{ field: 'registryId', op: 'eq', value: registryId }], limit: 1 });
    return doc ?? null;
  }

  /** The registry in the actor's account; another account's does not exist for it. */
  async find(actor: Principal, registryId: string): Promise<RegistryDocument> {
    // A registry created a moment ago may not have reached this view yet: catch up before saying it is missing.
    let doc = await this.lookup(registryId);
    if (!doc) {
      await this.projections.waitForHead();
      doc = await this.lookup(registryId);
    }
    if (!doc || doc.accountId !== actor.accountId) throw registryNotFound(registryId);
    return doc;
  }

  async level(actor: Principal, target: PermissionTarget): Promise<AuthLevel | null> {
    const { levels } = await this.services.call(PermissionRpc.resolve, { principal: actor, targets: [target] });
    return levels[0] ?? null;
  }

  /** The registry, for a caller with any level on it (403 without one). */
  async visible(actor: Principal, registryId: string): Promise<RegistryDocument> {
    const doc = await this.find(actor, registryId);
    if ((await this.level(actor, { kind: 'namespace', namespace: doc.namespace })) === null) {
      throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { registryId }, 'You do not have permission on this registry');
    }
    return doc;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { PermissionRpc, type PermissionTarget } from '@wharf/contracts/access';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { SERVICE_CLIENT } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';

/** The caller's SWR level on organizations and repositories, as the access service reckons it. */
@Injectable()
export class AccessLevels {
  constructor(@Inject(SERVICE_CLIENT) private readonly services: ServiceClient) {}

  async on(actor: Principal, target: PermissionTarget): Promise<AuthLevel | null> {
    const [level] = await this.all(actor, [target]);
    return level ?? null;
  }

  async all(actor: Principal, targets: PermissionTarget[]): Promise<(AuthLevel | null)[]> {
    if (targets.length === 0) return [];
    const { levels } = await this.services.call(PermissionRpc.resolve, { principal: actor, targets });
    return levels;
  }

  /** Organization → the actor's highest repository-level grant in it. */
  async repositoryGrantNamespaces(actor: Principal): Promise<Map<string, AuthLevel>> {
    const { namespaces } = await this.services.call(PermissionRpc.repositoryGrantNamespaces, { principal: actor });
    return new Map(namespaces.map(({ namespace, auth }) => [namespace, auth]));
  }
}

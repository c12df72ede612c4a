import { Inject, Injectable } from '@nestjs/common';
import { PermissionRpc, ShareRpc, type AccountShare, type PermissionTarget } from '@wharf/contracts/access';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { SERVICE_CLIENT } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';

/** What the access service reckons: the caller's SWR levels on organizations and repositories, and shares. */
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

  /** Shares of the actor's account's repositories (`outgoing`) or to its account (`incoming`). */
  async shares(actor: Principal, direction: 'outgoing' | 'incoming'): Promise<AccountShare[]> {
    return (await this.services.call(ShareRpc.ofAccount, { actor, direction })).shares;
  }

  /** Organization → the actor's highest repository-level grant in it. */
  async repositoryGrantNamespaces(actor: Principal): Promise<Map<string, AuthLevel>> {
    const { namespaces } = await this.services.call(PermissionRpc.repositoryGrantNamespaces, { principal: actor });
    return new Map(namespaces.map(({ namespace, auth }) => [namespace, auth]));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { PermissionTarget } from '@wharf/contracts/access';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { CLOCK, ProjectionHost, type Clock } from '@wharf/platform';
import { shareId, sharesProjection, shareValid } from '../shares/shares.projection';
import { namespaceOwnersProjection } from '../repository-access/namespace-owners.projection';
import { effectiveAuth } from '../repository-access/repository-access';
import { permissionId, permissionsProjection } from './permissions.projection';

/** Looks up the facts `effectiveAuth` needs: the organization's owner and the grants to the principal. */
@Injectable()
export class PermissionLevels {
  constructor(
    private readonly projections: ProjectionHost,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The organization's owner. Organizations are created by catalog, another service: absence may only mean this
   * service has not projected the creation yet, so it catches up with the log's head once before answering.
   */
  async owner(namespace: string) {
    return this.caughtUp(() => this.projections.collection(namespaceOwnersProjection).get(namespace));
  }

  /** Runs a lookup, and when it finds nothing, again after catching up with everything written so far. */
  async caughtUp<T>(lookup: () => Promise<T | null>): Promise<T | null> {
    const found = await lookup();
    if (found !== null) return found;
    await this.projections.waitForHead();
    return lookup();
  }

  private async granted(kind: 'namespace' | 'repository', name: string, userId: string): Promise<number | undefined> {
    return (await this.projections.collection(permissionsProjection).get(permissionId(kind, name, userId)))?.auth;
  }

  /**
   * The principal's level: from its own account's rules and grants, or read (1) on a repository shared with its
   * account until the share's deadline passes.
   */
  async levelOn(principal: Principal | null, target: PermissionTarget): Promise<AuthLevel | null> {
    const owner = await this.owner(target.namespace);
    if (!principal || !owner) return null;
    if (principal.accountId !== owner.accountId) {
      if (target.kind !== 'repository') return null;
      const share = await this.projections.collection(sharesProjection).get(shareId(target.repository, principal.accountId));
      return share && shareValid(share, this.clock.now()) ? 1 : null;
    }
    const namespace = await this.granted('namespace', target.namespace, principal.userId);
    const repository = target.kind === 'repository' ? await this.granted('repository', target.repository, principal.userId) : undefined;
    return effectiveAuth(principal, owner, { ...(namespace !== undefined ? { namespace } : {}), ...(repository !== undefined ? { repository } : {}) });
  }
}

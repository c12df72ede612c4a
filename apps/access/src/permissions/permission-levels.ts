import { Inject, Injectable } from '@nestjs/common';
import type { PermissionTarget } from '@wharf/contracts/access';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { CLOCK, ProjectionHost, type Clock } from '@wharf/platform';
import { namespaceOwnersProjection, type NamespaceOwnerDocument } from '../repository-access/namespace-owners.projection';
import { effectiveAuth } from '../repository-access/repository-access';
import { sharesProjection, shareValid } from '../shares/shares.projection';
import { directoryRepositoriesProjection } from './directory.projections';
import { permissionsProjection } from './permissions.projection';

const BATCH = 500;

/**
 * Works out principals' levels from the facts `effectiveAuth` needs: organization owners, the grants to the
 * principal and the shares to its account. Many targets cost a few queries, not a few per target.
 */
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
  async owner(namespace: string): Promise<NamespaceOwnerDocument | null> {
    return (await this.ownersOf([namespace])).get(namespace) ?? null;
  }

  /** Runs a lookup, and when it finds nothing, again after catching up with everything written so far. */
  async caughtUp<T>(lookup: () => Promise<T | null>): Promise<T | null> {
    const found = await lookup();
    if (found !== null) return found;
    await this.projections.waitForHead();
    return lookup();
  }

  async levelOn(principal: Principal | null, target: PermissionTarget): Promise<AuthLevel | null> {
    const [level] = await this.levelsOn(principal, [target]);
    return level ?? null;
  }

  /**
   * Each target's level: from the principal's own account's rules and grants, or read (1) on a repository
   * shared with its account until the share's deadline passes, or read (1) on a public repository, for anyone.
   */
  async levelsOn(principal: Principal | null, targets: readonly PermissionTarget[]): Promise<(AuthLevel | null)[]> {
    const levels = await this.privateLevelsOn(principal, targets);
    const pending = targets.flatMap((target, i) => (levels[i] === null && target.kind === 'repository' ? [target.repository] : []));
    if (pending.length === 0) return levels;
    const publicRepositories = await this.publicAmong(pending);
    return levels.map((level, i) => {
      const target = targets[i]!;
      return level === null && target.kind === 'repository' && publicRepositories.has(target.repository) ? 1 : level;
    });
  }

  private async publicAmong(repositories: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < repositories.length; i += BATCH) {
      const docs = await this.projections.collection(directoryRepositoriesProjection).find({
        where: [
          { field: 'id', op: 'in', values: repositories.slice(i, i + BATCH) },
          { field: 'isPublic', op: 'eq', value: true },
        ],
      });
      for (const doc of docs) found.add(doc.id);
    }
    return found;
  }

  private async privateLevelsOn(principal: Principal | null, targets: readonly PermissionTarget[]): Promise<(AuthLevel | null)[]> {
    if (!principal || targets.length === 0) return targets.map(() => null);
    const owners = await this.ownersOf([...new Set(targets.map((t) => t.namespace))]);
    const privileged = (owner: NamespaceOwnerDocument) => principal.accountAdmin || principal.userId === owner.creatorId;
    const needsGrants = targets.some((t) => {
      const owner = owners.get(t.namespace);
      return owner && owner.accountId === principal.accountId && !privileged(owner);
    });
    const grants = needsGrants ? await this.grantsOf(principal.userId) : new Map<string, number>();
    const crossAccount = targets.some((t) => t.kind === 'repository' && owners.get(t.namespace)?.accountId !== principal.accountId);
    const shared = crossAccount ? await this.sharedWith(principal.accountId) : new Set<string>();
    return targets.map((target) => {
      const owner = owners.get(target.namespace) ?? null;
      if (!owner) return null;
      if (owner.accountId !== principal.accountId) return target.kind === 'repository' && shared.has(target.repository) ? 1 : null;
      const namespace = grants.get(`namespace:${target.namespace}`);
      const repository = target.kind === 'repository' ? grants.get(`repository:${target.repository}`) : undefined;
      return effectiveAuth(principal, owner, { ...(namespace !== undefined ? { namespace } : {}), ...(repository !== undefined ? { repository } : {}) });
    });
  }

  private async ownersOf(namespaces: string[]): Promise<Map<string, NamespaceOwnerDocument>> {
    const owners = new Map<string, NamespaceOwnerDocument>();
    const load = async (names: string[]) => {
      for (let i = 0; i < names.length; i += BATCH) {
        const docs = await this.projections.collection(namespaceOwnersProjection).find({ where: [{ field: 'id', op: 'in', values: names.slice(i, i + BATCH) }] });
        for (const doc of docs) owners.set(doc.id, doc);
      }
    };
    await load(namespaces);
    const missing = namespaces.filter((name) => !owners.has(name));
    if (missing.length > 0) {
      await this.projections.waitForHead();
      await load(missing);
    }
    return owners;
  }

  /** `kind:name` → level granted to the user. */
  private async grantsOf(userId: string): Promise<Map<string, number>> {
    const docs = await this.projections.collection(permissionsProjection).find({ where: [{ field: 'userId', op: 'eq', value: userId }] });
    return new Map(docs.map((doc) => [`${doc.kind}:${doc.name}`, doc.auth]));
  }

  /** Repositories shared with the account whose shares are still valid. */
  private async sharedWith(accountId: string): Promise<Set<string>> {
    const docs = await this.projections.collection(sharesProjection).find({ where: [{ field: 'accessAccountId', op: 'eq', value: accountId }] });
    const now = this.clock.now();
    return new Set(docs.filter((doc) => shareValid(doc, now)).map((doc) => doc.repository));
  }
}

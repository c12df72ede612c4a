import { Inject, Injectable } from '@nestjs/common';
import type { PermissionTarget } from '@wharf/contracts/access';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { CLOCK, ProjectionHost, type Clock } from '@wharf/platform';
import { namespaceIdentity, namespaceOwnersProjection, type NamespaceOwnerDocument } from '../repository-access/namespace-owners.projection';
import { effectiveAuth } from '../repository-access/repository-access';
import { shareOnCurrent, sharesProjection, shareValid, type ShareDocument } from '../shares/shares.projection';
import { directoryRepositoriesProjection, repositoryIdentity, type DirectoryRepositoryDocument } from './directory.projections';
import { grantOnCurrent, permissionsProjection, type PermissionDocument } from './permissions.projection';

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
   * Grants and shares count only on the organization or repository they were made on, not on a later one that
   * took its name.
   */
  async levelsOn(principal: Principal | null, targets: readonly PermissionTarget[]): Promise<(AuthLevel | null)[]> {
    let loaded: Promise<Map<string, DirectoryRepositoryDocument>> | undefined;
    const repositories = () => (loaded ??= this.repositories(targets.flatMap((target) => (target.kind === 'repository' ? [target.repository] : []))));
    const levels = await this.privateLevelsOn(principal, targets, repositories);
    const pending = targets.some((target, i) => levels[i] === null && target.kind === 'repository');
    if (!pending) return levels;
    const found = await repositories();
    return levels.map((level, i) => {
      const target = targets[i]!;
      return level === null && target.kind === 'repository' && found.get(target.repository)?.isPublic === true ? 1 : level;
    });
  }

  /** The repositories that exist under these names, by name. */
  async repositories(names: readonly string[]): Promise<Map<string, DirectoryRepositoryDocument>> {
    const wanted = [...new Set(names)];
    const found = new Map<string, DirectoryRepositoryDocument>();
    for (let i = 0; i < wanted.length; i += BATCH) {
      const docs = await this.projections.collection(directoryRepositoriesProjection).find({ where: [{ field: 'id', op: 'in', values: wanted.slice(i, i + BATCH) }] });
      for (const doc of docs) found.set(doc.id, doc);
    }
    return found;
  }

  private async privateLevelsOn(
    principal: Principal | null,
    targets: readonly PermissionTarget[],
    repositories: () => Promise<Map<string, DirectoryRepositoryDocument>>,
  ): Promise<(AuthLevel | null)[]> {
    if (!principal || targets.length === 0) return targets.map(() => null);
    const owners = await this.ownersOf([...new Set(targets.map((t) => t.namespace))], principal.accountId);
    const privileged = (owner: NamespaceOwnerDocument) => principal.accountAdmin || principal.userId === owner.creatorId;
    const needsGrants = targets.some((t) => {
      const owner = owners.get(t.namespace);
      return owner && owner.accountId === principal.accountId && !privileged(owner);
    });
    const grants = needsGrants ? await this.grantsOf(principal.userId) : new Map<string, PermissionDocument>();
    const crossAccount = targets.some((t) => t.kind === 'repository' && owners.get(t.namespace)?.accountId !== principal.accountId);
    const shared = crossAccount ? await this.sharedWith(principal.accountId) : new Map<string, ShareDocument>();
    const repositoryGrants = targets.some((t) => t.kind === 'repository' && grants.has(`repository:${t.repository}`));
    const existing = repositoryGrants || shared.size > 0 ? await repositories() : new Map<string, DirectoryRepositoryDocument>();
    return targets.map((target) => {
      const owner = owners.get(target.namespace) ?? null;
      if (!owner) return null;
      const repository = target.kind === 'repository' ? repositoryIdentity(existing.get(target.repository)) : null;
      if (owner.accountId !== principal.accountId) {
        const share = target.kind === 'repository' ? shared.get(target.repository) : undefined;
        return share && shareOnCurrent(share, repository) ? 1 : null;
      }
      const onNamespace = grants.get(`namespace:${target.namespace}`);
      const onRepository = target.kind === 'repository' ? grants.get(`repository:${target.repository}`) : undefined;
      const namespace = onNamespace && grantOnCurrent(onNamespace, namespaceIdentity(owner)) ? onNamespace.auth : undefined;
      const repositoryLevel = onRepository && grantOnCurrent(onRepository, repository) ? onRepository.auth : undefined;
      return effectiveAuth(principal, owner, { ...(namespace !== undefined ? { namespace } : {}), ...(repositoryLevel !== undefined ? { repository: repositoryLevel } : {}) });
    });
  }

  /**
   * Organization names → their owners. A name this service has not seen, or sees owned by another account than
   * the caller's, may only mean it has not projected catalog's latest events (a name deleted and created again by
   * the caller's account a moment ago): those are looked up again after catching up with the log's head.
   */
  private async ownersOf(namespaces: string[], callerAccountId?: string): Promise<Map<string, NamespaceOwnerDocument>> {
    const owners = new Map<string, NamespaceOwnerDocument>();
    const load = async (names: string[]) => {
      for (let i = 0; i < names.length; i += BATCH) {
        const docs = await this.projections.collection(namespaceOwnersProjection).find({ where: [{ field: 'id', op: 'in', values: names.slice(i, i + BATCH) }] });
        for (const doc of docs) owners.set(doc.id, doc);
      }
    };
    await load(namespaces);
    const missing = namespaces.filter((name) => {
      const owner = owners.get(name);
      return !owner || (callerAccountId !== undefined && owner.accountId !== callerAccountId);
    });
    if (missing.length > 0) {
      await this.projections.waitForHead();
      await load(missing);
    }
    return owners;
  }

  /** `kind:name` → the user's grant there. */
  private async grantsOf(userId: string): Promise<Map<string, PermissionDocument>> {
    const docs = await this.projections.collection(permissionsProjection).find({ where: [{ field: 'userId', op: 'eq', value: userId }] });
    return new Map(docs.map((doc) => [`${doc.kind}:${doc.name}`, doc]));
  }

  /** Repository name → its share with the account, for shares still within their deadline. */
  private async sharedWith(accountId: string): Promise<Map<string, ShareDocument>> {
    const docs = await this.projections.collection(sharesProjection).find({ where: [{ field: 'accessAccountId', op: 'eq', value: accountId }] });
    const now = this.clock.now();
    return new Map(docs.filter((doc) => shareValid(doc, now)).map((doc) => [doc.repository, doc]));
  }
}

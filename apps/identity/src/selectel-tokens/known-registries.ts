import { Injectable } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { ProjectionHost } from '@wharf/platform';
import { knownRegistriesProjection, type KnownRegistryDocument } from './known-registries.projection';

const BATCH = 100;

/**
 * Registries are catalog's: a registry missing here may only mean identity has not projected its creation yet,
 * so every lookup that misses catches up with the log's head once before concluding.
 */
@Injectable()
export class KnownRegistries {
  constructor(private readonly projections: ProjectionHost) {}

  private get collection() {
    return this.projections.collection(knownRegistriesProjection);
  }

  private async caughtUp<T>(lookup: () => Promise<T>, complete: (found: T) => boolean): Promise<T> {
    const found = await lookup();
    if (complete(found)) return found;
    await this.projections.waitForHead();
    return lookup();
  }

  private async byRegistryIds(registryIds: readonly string[]): Promise<KnownRegistryDocument[]> {
    const docs: KnownRegistryDocument[] = [];
    for (let i = 0; i < registryIds.length; i += BATCH) {
      docs.push(...(await this.collection.find({ where: [{ field: 'registryId', op: 'in', values: registryIds.slice(i, i + BATCH) }] })));
    }
    return docs;
  }

  /** Which of these registry ids are registries of the account. */
  async ownedBy(accountId: string, registryIds: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(registryIds)];
    const docs = await this.caughtUp(
      () => this.byRegistryIds(wanted),
      (found) => found.length === wanted.length,
    );
    return docs.filter((doc) => doc.accountId === accountId).map((doc) => doc.registryId);
  }

  /** The account's registry with this id; 404 for unknown ids and other accounts' registries alike. */
  async requireOwned(accountId: string, registryId: string): Promise<KnownRegistryDocument> {
    const [doc] = await this.caughtUp(
      () => this.byRegistryIds([registryId]),
      (found) => found.length > 0,
    );
    if (!doc || doc.accountId !== accountId) throw new DomainError('IDENTITY.REGISTRY_NOT_FOUND', { registryId });
    return doc;
  }

  /** Namespace name → registry id, for the namespaces that exist. */
  async registryIdsOf(namespaces: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(namespaces)];
    const load = async () => {
      const docs: KnownRegistryDocument[] = [];
      for (let i = 0; i < wanted.length; i += BATCH) {
        docs.push(...(await this.collection.find({ where: [{ field: 'id', op: 'in', values: wanted.slice(i, i + BATCH) }] })));
      }
      return new Map(docs.map((doc) => [doc.id, doc.registryId]));
    };
    return this.caughtUp(load, (found) => found.size === wanted.length);
  }
}

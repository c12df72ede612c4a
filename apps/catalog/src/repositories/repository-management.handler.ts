import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { RepositoryManagementRpc, type AuthLevel, type RepositorySummary, type TagDetail } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { ProjectionHost } from '@wharf/platform';
import type { Cursor, Filter, SortKey } from '@wharf/read-model';
import { SchemaPipe } from '@wharf/transport';
import { AccessLevels } from '../access-levels';
import { namespacesProjection } from '../namespaces/namespaces.projection';
import { RepositoryCommands } from './repository-commands';
import { repositoriesProjection, tagId, tagsProjection, type RepositoryDocument, type TagDocument } from './repository.projections';

const rpc = RepositoryManagementRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

export const toSummary = (doc: RepositoryDocument, tags: string[]): RepositorySummary => ({
  id: doc.number,
  namespaceId: doc.namespaceId,
  namespace: doc.namespace,
  name: doc.shortName,
  fullName: doc.name,
  accountId: doc.accountId,
  creatorId: doc.creatorId,
  creatorName: doc.creatorName,
  category: doc.category,
  description: doc.description,
  isPublic: doc.isPublic,
  size: doc.size,
  tagCount: doc.tagCount,
  manifestCount: doc.manifestCount,
  numDownload: doc.numDownload,
  tags,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

const toTagDetail = (doc: TagDocument, repository: RepositoryDocument): TagDetail => ({
  id: doc.number,
  repositoryId: repository.number,
  tag: doc.tag,
  digest: doc.digest,
  mediaType: doc.mediaType,
  size: doc.imageSize,
  ...(doc.configDigest ? { configDigest: doc.configDigest } : {}),
  ...(doc.content ? { content: doc.content } : {}),
  accountId: repository.accountId,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

const SORT_FIELDS: Record<In<'search'>['orderBy'], string> = {
  name: 'name',
  updatedAt: 'updatedAt',
  tagCount: 'tagCount',
  namespace: 'namespace',
  isPublic: 'isPublic',
  id: 'number',
};

const matches = (value: string, match: { value: string; fuzzy: boolean } | undefined): boolean =>
  match === undefined || (match.fuzzy ? value.toLowerCase().includes(match.value.toLowerCase()) : value === match.value);

/** A tag page's marker: the sort value and id of the last tag shown, opaque to clients. */
const encodeTagMarker = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');
const decodeTagMarker = (marker: string): Cursor => {
  try {
    const cursor = JSON.parse(Buffer.from(marker, 'base64url').toString()) as Cursor;
    if (Array.isArray(cursor.values) && cursor.values.length === 1 && typeof cursor.id === 'string') return cursor;
  } catch {
    // Falls through to the validation error below.
  }
  throw new DomainError('PLATFORM.VALIDATION_FAILED', { path: 'marker', reason: 'not a marker this API returned' });
};

/** The management side of repositories and tags: what the SWR (and later Selectel) dialects serve. */
@Controller()
export class RepositoryManagementHandler {
  constructor(
    private readonly commands: RepositoryCommands,
    private readonly projections: ProjectionHost,
    private readonly levels: AccessLevels,
  ) {}

  private get repositories() {
    return this.projections.collection(repositoriesProjection);
  }

  /** A repository the actor may see, with the actor's level: 404 for other accounts and missing ones, 403 without rights. */
  private async visibleWithAuth(actor: Principal, namespace: string, repository: string): Promise<{ doc: RepositoryDocument; auth: AuthLevel }> {
    const ns = await this.projections.collection(namespacesProjection).get(namespace);
    if (!ns || ns.accountId !== actor.accountId) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name: namespace });
    const auth = await this.levels.on(actor, { kind: 'repository', namespace, repository: `${namespace}/${repository}` });
    if (auth === null) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { name: namespace });
    const doc = await this.repositories.get(`${namespace}/${repository}`);
    if (!doc) throw new DomainError('CATALOG.REPOSITORY_NOT_FOUND', { repository: `${namespace}/${repository}` });
    return { doc, auth };
  }

  private async visible(actor: Principal, namespace: string, repository: string): Promise<RepositoryDocument> {
    return (await this.visibleWithAuth(actor, namespace, repository)).doc;
  }

  /** The summaries of the repositories, each with its tags in order. */
  private summaries(docs: readonly RepositoryDocument[]): Promise<RepositorySummary[]> {
    const tags = this.projections.collection(tagsProjection);
    return Promise.all(
      docs.map(async (doc) =>
        toSummary(doc, (await tags.values('tag', { where: [{ field: 'repository', op: 'eq', value: doc.name }], sort: [{ field: 'tag', direction: 'asc' }] })) as string[]),
      ),
    );
  }

  private async summary(doc: RepositoryDocument): Promise<RepositorySummary> {
    const [summary] = await this.summaries([doc]);
    return summary!;
  }

  @MessagePattern(rpc.create.subject)
  async create(@Payload(new SchemaPipe(rpc.create.request)) { actor, namespace, repository, category, description, isPublic }: In<'create'>) {
    const fullName = `${namespace}/${repository}`;
    const auth = await this.levels.on(actor, { kind: 'namespace', namespace });
    await this.commands.run('CreateRepository', { actor, auth, repository: fullName, category: category ?? 'other', description: description ?? '', isPublic }, actor);
    return { repository: await this.summary((await this.repositories.get(fullName))!) } satisfies RpcReply<typeof rpc.create>;
  }

  @MessagePattern(rpc.get.subject)
  async get(@Payload(new SchemaPipe(rpc.get.request)) { actor, namespace, repository }: In<'get'>) {
    return { repository: await this.summary(await this.visible(actor, namespace, repository)) } satisfies RpcReply<typeof rpc.get>;
  }

  @MessagePattern(rpc.update.subject)
  async update(@Payload(new SchemaPipe(rpc.update.request)) { actor, namespace, repository, category, description, isPublic }: In<'update'>) {
    const { doc: current, auth } = await this.visibleWithAuth(actor, namespace, repository);
    await this.commands.run(
      'UpdateRepository',
      { actor, auth, repository: current.name, category: category ?? current.category, description: description ?? current.description, isPublic },
      actor,
    );
    return { repository: await this.summary((await this.repositories.get(current.name))!) } satisfies RpcReply<typeof rpc.update>;
  }

  @MessagePattern(rpc.delete.subject)
  async delete(@Payload(new SchemaPipe(rpc.delete.request)) { actor, namespace, repository }: In<'delete'>) {
    const { doc: current, auth } = await this.visibleWithAuth(actor, namespace, repository);
    await this.commands.run('DeleteRepository', { actor, auth, repository: current.name }, actor);
    return { deleted: true } satisfies RpcReply<typeof rpc.delete>;
  }

  /** The actor's account's repositories, filtered, sorted and paged; `total` counts all that match. */
  @MessagePattern(rpc.search.subject)
  async search(@Payload(new SchemaPipe(rpc.search.request)) query: In<'search'>) {
    const where: Filter[] = [{ field: 'accountId', op: 'eq', value: query.actor.accountId }];
    if (query.namespace) where.push({ field: 'namespace', op: query.namespace.fuzzy ? 'contains' : 'eq', value: query.namespace.value });
    if (query.name) where.push({ field: 'shortName', op: query.name.fuzzy ? 'contains' : 'eq', value: query.name.value });
    if (query.category !== undefined) where.push({ field: 'category', op: 'eq', value: query.category });
    if (query.isPublic !== undefined) where.push({ field: 'isPublic', op: 'eq', value: query.isPublic });
    const sort: SortKey[] = [{ field: SORT_FIELDS[query.orderBy], direction: query.direction }];
    const byMarker = query.afterId !== undefined;
    const [found, total] = await Promise.all([
      byMarker
        ? this.repositories.find({ where: [...where, { field: 'number', op: 'gt', value: query.afterId! }], sort: [{ field: 'number', direction: 'asc' }], limit: query.limit + 1 })
        : this.repositories.find({ where, sort, offset: query.offset, limit: query.limit }),
      this.repositories.count(where),
    ]);
    const docs = found.slice(0, query.limit);
    // The page holds what the account has; the caller sees those it has a level on.
    const levels = await this.levels.all(query.actor, docs.map((doc) => ({ kind: 'repository', namespace: doc.namespace, repository: doc.name })));
    const visible = await this.summaries(docs.filter((_doc, i) => levels[i] !== null));
    const nextMarker = byMarker && found.length > query.limit ? docs.at(-1)!.number : undefined;
    return { repositories: visible, total, ...(nextMarker !== undefined ? { nextMarker } : {}) } satisfies RpcReply<typeof rpc.search>;
  }

  /**
   * Shared repositories, one row per repository (valid while any of its shares is). Shares per account are few
   * next to repositories, so the rows are filtered, sorted and paged in memory.
   */
  @MessagePattern(rpc.searchShared.subject)
  async searchShared(@Payload(new SchemaPipe(rpc.searchShared.request)) query: In<'searchShared'>) {
    const byRepository = new Map<string, { ownerAccountName: string; valid: boolean; outgoing: boolean }>();
    const directions = query.side === 'both' ? (['outgoing', 'incoming'] as const) : [query.side];
    for (const direction of directions) {
      for (const share of await this.levels.shares(query.actor, direction)) {
        const seen = byRepository.get(share.repository);
        byRepository.set(share.repository, { ownerAccountName: share.ownerAccountName, valid: (seen?.valid ?? false) || share.valid, outgoing: direction === 'outgoing' });
      }
    }
    const docs: RepositoryDocument[] = [];
    const names = [...byRepository.keys()];
    for (let i = 0; i < names.length; i += 500) {
      docs.push(...(await this.repositories.find({ where: [{ field: 'id', op: 'in', values: names.slice(i, i + 500) }] })));
    }
    // The account's own repositories show to those who may read them; shares to the account show to all its users.
    const own = docs.filter((doc) => byRepository.get(doc.name)!.outgoing);
    const ownLevels = await this.levels.all(query.actor, own.map((doc) => ({ kind: 'repository', namespace: doc.namespace, repository: doc.name })));
    const unreadable = new Set(own.filter((_doc, i) => ownLevels[i] === null).map((doc) => doc.name));
    const rows = docs
      .filter((doc) => !unreadable.has(doc.name))
      // Tags are looked up for the page only, below.
      .map((doc) => ({ ...toSummary(doc, []), ownerAccountName: byRepository.get(doc.name)!.ownerAccountName, shareValid: byRepository.get(doc.name)!.valid }))
      .filter(
        (row) =>
          matches(row.namespace, query.namespace) &&
          matches(row.name, query.name) &&
          matches(row.ownerAccountName, query.ownerAccountName) &&
          (query.valid === undefined || row.shareValid === query.valid),
      );
    const field = query.afterId !== undefined ? 'id' : query.orderBy;
    const sign = query.afterId !== undefined || query.direction === 'asc' ? 1 : -1;
    rows.sort((a, b) => {
      const [x, y] = [a[field], b[field]];
      const order = x < y ? -1 : x > y ? 1 : 0;
      return order !== 0 ? sign * order : a.fullName < b.fullName ? -1 : 1;
    });
    const page = query.afterId !== undefined ? rows.filter((row) => row.id > query.afterId!).slice(0, query.limit + 1) : rows.slice(query.offset, query.offset + query.limit);
    const more = query.afterId !== undefined && page.length > query.limit;
    const shown = page.slice(0, query.limit);
    const withTags = await this.summaries(shown.map((row) => docs.find((doc) => doc.name === row.fullName)!));
    const repositories = shown.map((row, i) => ({ ...row, tags: withTags[i]!.tags }));
    return { repositories, total: rows.length, ...(more ? { nextMarker: repositories.at(-1)!.id } : {}) } satisfies RpcReply<typeof rpc.searchShared>;
  }

  @MessagePattern(rpc.listTags.subject)
  async listTags(@Payload(new SchemaPipe(rpc.listTags.request)) query: In<'listTags'>) {
    const repository = await this.visible(query.actor, query.namespace, query.repository);
    const where: Filter[] = [{ field: 'repository', op: 'eq', value: repository.name }];
    if (query.tag !== undefined) where.push({ field: 'tag', op: 'eq', value: query.tag });
    const tags = this.projections.collection(tagsProjection);
    const sort: SortKey[] = [{ field: query.orderBy, direction: query.direction }];
    if (query.marker === undefined) {
      const [docs, total] = await Promise.all([tags.find({ where, sort, offset: query.offset, limit: query.limit }), tags.count(where)]);
      return { tags: docs.map((doc) => toTagDetail(doc, repository)), total } satisfies RpcReply<typeof rpc.listTags>;
    }
    // Marker paging: an empty marker starts at the beginning; a page that has more ends with the next marker.
    const after = query.marker === '' ? undefined : decodeTagMarker(query.marker);
    const [found, total] = await Promise.all([tags.find({ where, sort, limit: query.limit + 1, ...(after ? { after } : {}) }), tags.count(where)]);
    const docs = found.slice(0, query.limit);
    const last = docs.at(-1);
    const nextMarker = found.length > query.limit && last ? encodeTagMarker({ values: [last[query.orderBy] as string], id: last.id }) : undefined;
    return { tags: docs.map((doc) => toTagDetail(doc, repository)), total, ...(nextMarker ? { nextMarker } : {}) } satisfies RpcReply<typeof rpc.listTags>;
  }

  @MessagePattern(rpc.getTag.subject)
  async getTag(@Payload(new SchemaPipe(rpc.getTag.request)) { actor, namespace, repository, tag }: In<'getTag'>) {
    const repo = await this.visible(actor, namespace, repository);
    const doc = await this.projections.collection(tagsProjection).get(tagId(repo.name, tag));
    if (!doc) throw new DomainError('CATALOG.TAG_NOT_FOUND', { repository: repo.name, tag });
    return { tag: toTagDetail(doc, repo) } satisfies RpcReply<typeof rpc.getTag>;
  }

  /** Untags: the manifest stays while other tags or indexes hold it. */
  @MessagePattern(rpc.deleteTag.subject)
  async deleteTag(@Payload(new SchemaPipe(rpc.deleteTag.request)) { actor, namespace, repository, tag }: In<'deleteTag'>) {
    const { doc: repo, auth } = await this.visibleWithAuth(actor, namespace, repository);
    if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { name: namespace });
    await this.commands.run('DeleteTag', { actor, repository: repo.name, tag }, actor);
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteTag>;
  }

  /** The registry reports pulls in batches; they become `num_download`. */
  @MessagePattern(rpc.recordPulls.subject)
  async recordPulls(@Payload(new SchemaPipe(rpc.recordPulls.request)) { repository, count, digests }: In<'recordPulls'>) {
    await this.commands.run('RecordPulls', { repository, count, ...(digests ? { digests } : {}) });
    return { recorded: true } satisfies RpcReply<typeof rpc.recordPulls>;
  }
}

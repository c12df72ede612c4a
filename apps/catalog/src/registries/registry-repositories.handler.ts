import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { RegistryRpc, RepositoryType, type RegistryRepository } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { isValidTag, looksLikeDigest, parseDigest } from '@wharf/oci';
import { ProjectionHost } from '@wharf/platform';
import type { Filter, SortKey } from '@wharf/read-model';
import { SchemaPipe } from '@wharf/transport';
import { RepositoryCommands } from '../repositories/repository-commands';
import { manifestId, repositoriesProjection, tagId, tagsProjection, type RepositoryDocument } from '../repositories/repository.projections';
import { repositoryType } from './manifest-kind';
import { RegistryDirectory } from './registry-directory';
import { RegistryImages } from './registry-images';
import type { RegistryImageDocument } from './registry-images.projection';

const rpc = RegistryRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

const SORT_FIELDS = { name: 'name', updatedAt: 'updatedAt', size: 'size' } as const;

const repositoryNotFound = (repository: string) => new DomainError('CATALOG.REPOSITORY_NOT_FOUND', { repository }, 'Repository not found.');
const imageNotFound = (reference: string) => new DomainError('CATALOG.MANIFEST_NOT_FOUND', { reference }, 'Image not found.');

const requireDigest = (digest: string): void => {
  if (!parseDigest(digest)) throw new DomainError('PLATFORM.VALIDATION_FAILED', { digest }, `${digest} is not a valid digest (algorithm:hex)`);
};

/**
 * A registry's repositories, images and tags as Selectel shows them. Repositories are named inside their
 * registry (`tools/app`); reading needs a level on the registry, deleting manage (7).
 */
@Controller()
export class RegistryRepositoriesHandler {
  constructor(
    private readonly directory: RegistryDirectory,
    private readonly projections: ProjectionHost,
    private readonly commands: RepositoryCommands,
    private readonly images: RegistryImages,
  ) {}

  private get repositories() {
    return this.projections.collection(repositoriesProjection);
  }

  /** The repository `name` of the registry, with the actor's level on the registry. */
  private async repository(actor: Principal, registryId: string, name: string, manage = false) {
    const { doc: registry, auth } = manage ? await this.directory.managed(actor, registryId) : await this.directory.visible(actor, registryId);
    const doc = await this.repositories.get(`${registry.name}/${name}`);
    if (!doc) throw repositoryNotFound(name);
    return { doc, auth };
  }

  private async toRepository(doc: RepositoryDocument): Promise<RegistryRepository> {
    const count = (kind: RepositoryType) =>
      this.images.images.count([
        { field: 'repository', op: 'eq', value: doc.name },
        { field: 'kind', op: 'eq', value: kind },
      ]);
    const [image, helm_chart, artifact] = await Promise.all(RepositoryType.options.map(count));
    return { name: doc.shortName, size: doc.size, type: repositoryType({ image: image!, helm_chart: helm_chart!, artifact: artifact! }), updatedAt: doc.updatedAt };
  }

  /** The registry's repositories (all, and those matching `search`) and one sorted page of the latter. */
  private async page(query: In<'listRepositories'> | In<'listRepositoryNames'>, sort: SortKey[]) {
    const { doc: registry } = await this.directory.visible(query.actor, query.registryId);
    const all: Filter[] = [{ field: 'namespace', op: 'eq', value: registry.name }];
    const filtered: Filter[] = query.search ? [...all, { field: 'shortName', op: 'contains', value: query.search }] : all;
    const [docs, filteredCount, totalCount] = await Promise.all([
      this.repositories.find({ where: filtered, sort, offset: query.offset, limit: query.limit }),
      this.repositories.count(filtered),
      this.repositories.count(all),
    ]);
    return { docs, filteredCount, totalCount };
  }

  @MessagePattern(rpc.listRepositories.subject)
  async listRepositories(@Payload(new SchemaPipe(rpc.listRepositories.request)) query: In<'listRepositories'>) {
    const sort: SortKey[] = [{ field: SORT_FIELDS[query.sortField], direction: query.sortType }];
    if (query.sortField !== 'name') sort.push({ field: 'name', direction: query.sortType });
    const { docs, filteredCount, totalCount } = await this.page(query, sort);
    const repositories = await Promise.all(docs.map((doc) => this.toRepository(doc)));
    return { repositories, filteredCount, totalCount } satisfies RpcReply<typeof rpc.listRepositories>;
  }

  @MessagePattern(rpc.listRepositoryNames.subject)
  async listRepositoryNames(@Payload(new SchemaPipe(rpc.listRepositoryNames.request)) query: In<'listRepositoryNames'>) {
    const { docs, filteredCount, totalCount } = await this.page(query, [{ field: 'name', direction: query.sortType }]);
    return { names: docs.map((doc) => doc.shortName), filteredCount, totalCount } satisfies RpcReply<typeof rpc.listRepositoryNames>;
  }

  @MessagePattern(rpc.getRepository.subject)
  async getRepository(@Payload(new SchemaPipe(rpc.getRepository.request)) { actor, registryId, repository }: In<'getRepository'>) {
    const { doc } = await this.repository(actor, registryId, repository);
    return { repository: await this.toRepository(doc) } satisfies RpcReply<typeof rpc.getRepository>;
  }

  /** Deletes the repository with its tags, manifests and blob links (bytes are left to garbage collection). */
  @MessagePattern(rpc.deleteRepository.subject)
  async deleteRepository(@Payload(new SchemaPipe(rpc.deleteRepository.request)) { actor, registryId, repository }: In<'deleteRepository'>) {
    const { doc, auth } = await this.repository(actor, registryId, repository, true);
    await this.commands.run('DeleteRepository', { actor, auth, repository: doc.name }, actor);
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteRepository>;
  }

  @MessagePattern(rpc.listImages.subject)
  async listImages(@Payload(new SchemaPipe(rpc.listImages.request)) { actor, registryId, repository, offset, limit, search }: In<'listImages'>) {
    const { doc } = await this.repository(actor, registryId, repository);
    const all: Filter[] = [{ field: 'repository', op: 'eq', value: doc.name }];
    const filtered: Filter[] = search ? [...all, { field: 'searchText', op: 'contains', value: search }] : all;
    const images = this.images.images;
    const [docs, filteredCount, totalCount] = await Promise.all([
      images.find({ where: filtered, sort: [{ field: 'pushedAt', direction: 'desc' }], offset, limit }),
      images.count(filtered),
      images.count(all),
    ]);
    return { images: await this.images.describe(doc.name, docs), filteredCount, totalCount } satisfies RpcReply<typeof rpc.listImages>;
  }

  /** One image by digest, or by the tag pointing at it. */
  @MessagePattern(rpc.getImage.subject)
  async getImage(@Payload(new SchemaPipe(rpc.getImage.request)) { actor, registryId, repository, reference }: In<'getImage'>) {
    const { doc } = await this.repository(actor, registryId, repository);
    const image = await this.imageOf(doc.name, reference);
    const [described] = await this.images.describe(doc.name, [image]);
    return { image: described! } satisfies RpcReply<typeof rpc.getImage>;
  }

  private async imageOf(repository: string, reference: string): Promise<RegistryImageDocument> {
    let digest = reference;
    if (looksLikeDigest(reference)) {
      requireDigest(reference);
    } else {
      if (!isValidTag(reference)) throw new DomainError('CATALOG.INVALID_TAG', { tag: reference }, `${reference} is neither a valid tag nor a digest`);
      const tag = await this.projections.collection(tagsProjection).get(tagId(repository, reference));
      if (!tag) throw imageNotFound(reference);
      digest = tag.digest;
    }
    const image = await this.images.images.get(manifestId(repository, digest));
    if (!image) throw imageNotFound(reference);
    return image;
  }

  @MessagePattern(rpc.listTags.subject)
  async listTags(@Payload(new SchemaPipe(rpc.listTags.request)) { actor, registryId, repository, offset, limit }: In<'listTags'>) {
    const { doc } = await this.repository(actor, registryId, repository);
    const tags = this.projections.collection(tagsProjection);
    const where: Filter[] = [{ field: 'repository', op: 'eq', value: doc.name }];
    const [page, totalCount] = await Promise.all([tags.find({ where, sort: [{ field: 'tag', direction: 'asc' }], offset, limit }), tags.count(where)]);
    return { tags: page.map((tag) => tag.tag), totalCount } satisfies RpcReply<typeof rpc.listTags>;
  }

  /** Deletes a manifest by digest with its tags; 409 while an index in the repository lists it. */
  @MessagePattern(rpc.deleteImage.subject)
  async deleteImage(@Payload(new SchemaPipe(rpc.deleteImage.request)) { actor, registryId, repository, digest }: In<'deleteImage'>) {
    requireDigest(digest);
    const { doc } = await this.repository(actor, registryId, repository, true);
    if (!(await this.images.images.get(manifestId(doc.name, digest)))) throw imageNotFound(digest);
    await this.commands.run('DeleteManifest', { actor, repository: doc.name, digest }, actor);
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteImage>;
  }
}

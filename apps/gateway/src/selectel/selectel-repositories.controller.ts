import { Controller, Delete, Get, HttpCode, Inject, Param, Res, UseGuards } from '@nestjs/common';
import { RegistryImage, RegistryRepository, RegistryRpc, RepositorySortField } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { ValidParam, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { selectelInvalid } from './selectel-errors';
import { RegistryId, RepositoryName, SelectelPageQuery, selectelListQuery } from './selectel-query';

const RepositoriesQuery = selectelListQuery({ sortFields: RepositorySortField.options, allowShort: true });
type RepositoriesQuery = z.output<typeof RepositoriesQuery>;
type PageQuery = z.output<typeof SelectelPageQuery>;
const invalid = selectelInvalid();

const RepositoryListItem = z.union([RegistryRepository, z.object({ name: z.string() }).describe('With short=true')]);
const Counts = { filteredCount: z.number().int().describe('How many match search'), totalCount: z.number().int() };
/** The catalog answers at most this many images per call (a bound on message size); larger pages are gathered. */
const IMAGES_PER_CALL = 100;
const TAGS_PER_CALL = 5000;

const REPOSITORY = 'registries/:id/repositories/:name';

/**
 * Selectel repositories, images, tags and layers of a registry. Repository names contain `/` and arrive
 * URL-encoded as one segment (`tools%2Fapp`). A tag named `images` or `tags` is reached by its digest, since
 * those words name the listing routes.
 */
@Controller('api')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('selectel', 'Selectel: repositories and images')
export class SelectelRepositoriesController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  /** Repositories of the registry; with `short=true` only their names (then sorted by name only). */
  private async repositories(actor: Principal, registryId: string, { limit, offset, search, sortField, sortType, short }: RepositoriesQuery) {
    const page = { actor, registryId, limit, offset, ...(search ? { search } : {}), sortType };
    if (short) {
      const { names, filteredCount, totalCount } = await this.services.call(RegistryRpc.listRepositoryNames, page);
      return { repositories: names.map((name) => ({ name })), filteredCount, totalCount };
    }
    return this.services.call(RegistryRpc.listRepositories, { ...page, sortField });
  }

  @Get('v1/registries/:id/repositories')
  @Returns(200, z.array(RepositoryListItem))
  @Returns(204, undefined, { description: 'No repository on this page' })
  async listV1(
    @CurrentPrincipal() actor: Principal,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidQuery(RepositoriesQuery, invalid) query: RepositoriesQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Array<RegistryRepository | { name: string }> | undefined> {
    const { repositories } = await this.repositories(actor, registryId, query);
    if (repositories.length > 0) return repositories;
    response.status(204);
    return undefined;
  }

  @Get('v2/registries/:id/repositories')
  @Returns(200, z.object({ ...Counts, repositories: z.array(RepositoryListItem) }))
  async listV2(@CurrentPrincipal() actor: Principal, @ValidParam('id', RegistryId, invalid) registryId: string, @ValidQuery(RepositoriesQuery, invalid) query: RepositoriesQuery) {
    const { repositories, filteredCount, totalCount } = await this.repositories(actor, registryId, query);
    return { filteredCount, repositories, totalCount };
  }

  /** Images newest first, gathered in calls of at most IMAGES_PER_CALL; `limit` undefined gathers all. */
  private async images(actor: Principal, registryId: string, repository: string, { offset, limit, search }: PageQuery) {
    const images: RegistryImage[] = [];
    for (;;) {
      const want = Math.min(IMAGES_PER_CALL, (limit ?? Number.MAX_SAFE_INTEGER) - images.length);
      const page = await this.services.call(RegistryRpc.listImages, {
        actor,
        registryId,
        repository,
        offset: offset + images.length,
        limit: want,
        ...(search ? { search } : {}),
      });
      images.push(...page.images);
      const done = page.images.length < want || images.length === limit || offset + images.length >= page.filteredCount;
      if (done) return { images, filteredCount: page.filteredCount, totalCount: page.totalCount };
    }
  }

  /**
   * Every image of the repository, newest first (the seed's v1 call has no paging); `limit`, `offset` and
   * `search` are honoured if given.
   */
  @Get(`v1/${REPOSITORY}/images`)
  @Returns(200, z.array(RegistryImage))
  async imagesV1(
    @CurrentPrincipal() actor: Principal,
    // The query is checked before the path, as it always was.
    @ValidQuery(SelectelPageQuery, invalid) query: PageQuery,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidParam('name', RepositoryName, invalid) repository: string,
  ) {
    return (await this.images(actor, registryId, repository, query)).images;
  }

  /** A page of images, newest first: `limit` (default 10), `offset`, `search` (a substring of the digest or a tag). */
  @Get(`v2/${REPOSITORY}/images`)
  @Returns(200, z.object({ ...Counts, images: z.array(RegistryImage) }))
  async imagesV2(
    @CurrentPrincipal() actor: Principal,
    // The query is checked before the path, as it always was.
    @ValidQuery(SelectelPageQuery, invalid) query: PageQuery,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidParam('name', RepositoryName, invalid) repository: string,
  ) {
    const { images, filteredCount, totalCount } = await this.images(actor, registryId, repository, { ...query, limit: query.limit ?? 10 });
    return { filteredCount, images, totalCount };
  }

  /** Every tag of the repository, in lexical order, gathered in calls of at most TAGS_PER_CALL. */
  @Get(`v1/${REPOSITORY}/tags`)
  @Returns(200, z.array(z.string()))
  async tags(
    @CurrentPrincipal() actor: Principal,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidParam('name', RepositoryName, invalid) repository: string,
  ): Promise<string[]> {
    const tags: string[] = [];
    for (;;) {
      const page = await this.services.call(RegistryRpc.listTags, { actor, registryId, repository, offset: tags.length, limit: TAGS_PER_CALL });
      tags.push(...page.tags);
      if (page.tags.length < TAGS_PER_CALL || tags.length >= page.totalCount) return tags;
    }
  }

  @Get(`v1/${REPOSITORY}`)
  @Returns(200, RegistryRepository)
  async get(
    @CurrentPrincipal() actor: Principal,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidParam('name', RepositoryName, invalid) repository: string,
  ): Promise<RegistryRepository> {
    return (await this.services.call(RegistryRpc.getRepository, { actor, registryId, repository })).repository;
  }

  @Delete(`v1/${REPOSITORY}`)
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The repository and its images are gone' })
  async delete(
    @CurrentPrincipal() actor: Principal,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidParam('name', RepositoryName, invalid) repository: string,
  ): Promise<void> {
    await this.services.call(RegistryRpc.deleteRepository, { actor, registryId, repository });
  }

  /** One image with its layers, by tag or digest (the seed's image object; the SDK reads only its layers). */
  @Get(`v1/${REPOSITORY}/:reference`)
  @Returns(200, RegistryImage)
  async image(
    @CurrentPrincipal() actor: Principal,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidParam('name', RepositoryName, invalid) repository: string,
    @Param('reference') reference: string,
  ): Promise<RegistryImage> {
    return (await this.services.call(RegistryRpc.getImage, { actor, registryId, repository, reference })).image;
  }

  /** Deletes a manifest by digest, with the tags pointing at it. */
  @Delete(`v1/${REPOSITORY}/:reference`)
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The manifest and the tags pointing at it are gone' })
  async deleteImage(
    @CurrentPrincipal() actor: Principal,
    @ValidParam('id', RegistryId, invalid) registryId: string,
    @ValidParam('name', RepositoryName, invalid) repository: string,
    @Param('reference') digest: string,
  ): Promise<void> {
    await this.services.call(RegistryRpc.deleteImage, { actor, registryId, repository, digest });
  }
}

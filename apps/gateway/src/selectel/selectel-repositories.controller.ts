import { Controller, Delete, Get, HttpCode, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { RegistryRpc, RepositorySortField, type RegistryImage, type RegistryRepository } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { parseSelectelList, parseSelectelPage, registryIdParam, repositoryParam } from './selectel-query';

const sortFields = RepositorySortField.options;
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
export class SelectelRepositoriesController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private ref(id: string, name: string) {
    return { registryId: registryIdParam(id), repository: repositoryParam(name) };
  }

  /** Repositories of the registry; with `short=true` only their names (then sorted by name only). */
  private async repositories(actor: Principal, id: string, query: unknown) {
    const registryId = registryIdParam(id);
    const { limit, offset, search, sortField, sortType, short } = parseSelectelList(query, { sortFields, allowShort: true });
    const page = { actor, registryId, limit, offset, ...(search ? { search } : {}), sortType };
    if (short) {
      const { names, filteredCount, totalCount } = await this.services.call(RegistryRpc.listRepositoryNames, page);
      return { repositories: names.map((name) => ({ name })), filteredCount, totalCount };
    }
    return this.services.call(RegistryRpc.listRepositories, { ...page, sortField });
  }

  @Get('v1/registries/:id/repositories')
  async listV1(
    @CurrentPrincipal() actor: Principal,
    @Param('id') id: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Array<RegistryRepository | { name: string }> | undefined> {
    const { repositories } = await this.repositories(actor, id, query);
    if (repositories.length > 0) return repositories;
    response.status(204);
    return undefined;
  }

  @Get('v2/registries/:id/repositories')
  async listV2(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Query() query: unknown) {
    const { repositories, filteredCount, totalCount } = await this.repositories(actor, id, query);
    return { filteredCount, repositories, totalCount };
  }

  /** Images newest first, gathered in calls of at most IMAGES_PER_CALL; `limit` undefined gathers all. */
  private async images(actor: Principal, id: string, name: string, offset: number, limit: number | undefined, search?: string) {
    const images: RegistryImage[] = [];
    for (;;) {
      const want = Math.min(IMAGES_PER_CALL, (limit ?? Number.MAX_SAFE_INTEGER) - images.length);
      const page = await this.services.call(RegistryRpc.listImages, {
        actor,
        ...this.ref(id, name),
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
  async imagesV1(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Param('name') name: string, @Query() query: unknown) {
    const { limit, offset, search } = parseSelectelPage(query);
    return (await this.images(actor, id, name, offset, limit, search)).images;
  }

  /** A page of images, newest first: `limit` (default 10), `offset`, `search` (a substring of the digest or a tag). */
  @Get(`v2/${REPOSITORY}/images`)
  async imagesV2(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Param('name') name: string, @Query() query: unknown) {
    const { limit, offset, search } = parseSelectelPage(query);
    const { images, filteredCount, totalCount } = await this.images(actor, id, name, offset, limit ?? 10, search);
    return { filteredCount, images, totalCount };
  }

  /** Every tag of the repository, in lexical order, gathered in calls of at most TAGS_PER_CALL. */
  @Get(`v1/${REPOSITORY}/tags`)
  async tags(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Param('name') name: string): Promise<string[]> {
    const tags: string[] = [];
    for (;;) {
      const page = await this.services.call(RegistryRpc.listTags, { actor, ...this.ref(id, name), offset: tags.length, limit: TAGS_PER_CALL });
      tags.push(...page.tags);
      if (page.tags.length < TAGS_PER_CALL || tags.length >= page.totalCount) return tags;
    }
  }

  @Get(`v1/${REPOSITORY}`)
  async get(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Param('name') name: string): Promise<RegistryRepository> {
    return (await this.services.call(RegistryRpc.getRepository, { actor, ...this.ref(id, name) })).repository;
  }

  @Delete(`v1/${REPOSITORY}`)
  @HttpCode(204)
  async delete(@CurrentPrincipal() actor: Principal, @Param('id') id: string, @Param('name') name: string): Promise<void> {
    await this.services.call(RegistryRpc.deleteRepository, { actor, ...this.ref(id, name) });
  }

  /** One image with its layers, by tag or digest (the seed's image object; the SDK reads only its layers). */
  @Get(`v1/${REPOSITORY}/:reference`)
  async image(
    @CurrentPrincipal() actor: Principal,
    @Param('id') id: string,
    @Param('name') name: string,
    @Param('reference') reference: string,
  ): Promise<RegistryImage> {
    return (await this.services.call(RegistryRpc.getImage, { actor, ...this.ref(id, name), reference })).image;
  }

  /** Deletes a manifest by digest, with the tags pointing at it. */
  @Delete(`v1/${REPOSITORY}/:reference`)
  @HttpCode(204)
  async deleteImage(
    @CurrentPrincipal() actor: Principal,
    @Param('id') id: string,
    @Param('name') name: string,
    @Param('reference') reference: string,
  ): Promise<void> {
    await this.services.call(RegistryRpc.deleteImage, { actor, ...this.ref(id, name), digest: reference });
  }
}

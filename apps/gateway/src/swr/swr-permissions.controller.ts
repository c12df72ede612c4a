import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { PermissionRpc, type PermissionTarget, type UserAuth } from '@wharf/contracts/access';
import { CatalogRpc, RepositoryManagementRpc } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { SwrInputError } from './swr-errors';
import { repositoryFromPath } from './swr-query';

const UserAuthBody = z.array(z.object({ user_id: z.string().min(1), user_name: z.string().min(1), auth: z.number() })).min(1).max(100);
const UserIdsBody = z.array(z.string().min(1)).min(1).max(100);

/** SWR's `[{user_id, user_name, auth}]`; `auth` must be 7, 3 or 1 (4001091 otherwise). */
const grantsOf = (body: unknown): UserAuth[] => {
  const parsed = UserAuthBody.safeParse(body);
  if (!parsed.success) throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters: expected an array of {user_id, user_name, auth}');
  return parsed.data.map(({ user_id, user_name, auth }) => {
    if (auth !== 7 && auth !== 3 && auth !== 1) throw new SwrInputError('SVCSTG.SWR.4001091', 'The permission parameter is incorrect.', `auth=${auth}`);
    return { userId: user_id, userName: user_name, auth };
  });
};

const userIdsOf = (body: unknown): string[] => {
  const parsed = UserIdsBody.safeParse(body);
  if (!parsed.success) throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters: expected an array of user ids');
  return parsed.data;
};

const swrAuth = (grant: UserAuth) => ({ user_id: grant.userId, user_name: grant.userName, auth: grant.auth });

/** SWR organization permissions (§1.2.7) and image permissions (§1.2.8). */
@Controller('v2/manage/namespaces/:namespace')
@UseGuards(AuthenticatedGuard)
export class SwrPermissionsController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private repositoryTarget(namespace: string, repository: string): PermissionTarget {
    return { kind: 'repository', namespace, repository: `${namespace}/${repositoryFromPath(repository)}` };
  }

  /** 200 with `{}`: SWR answers organization grants with 200, not 201. */
  @Post('access')
  @HttpCode(200)
  async grantOnNamespace(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Body() body: unknown) {
    await this.services.call(PermissionRpc.grant, { actor, target: { kind: 'namespace', namespace }, grants: grantsOf(body) });
    return {};
  }

  @Get('access')
  async listOnNamespace(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string) {
    const { self, others } = await this.services.call(PermissionRpc.list, { actor, target: { kind: 'namespace', namespace } });
    const { namespace: ns } = await this.services.call(CatalogRpc.getNamespace, { actor, name: namespace });
    return { id: ns.id, name: ns.name, creator_name: ns.creatorName, self_auth: self ? swrAuth(self) : null, others_auths: others.map(swrAuth) };
  }

  @Patch('access')
  @HttpCode(201)
  async updateOnNamespace(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Body() body: unknown) {
    await this.services.call(PermissionRpc.update, { actor, target: { kind: 'namespace', namespace }, grants: grantsOf(body) });
    return {};
  }

  /** A DELETE with a body: the user ids whose permissions go. */
  @Delete('access')
  @HttpCode(204)
  async revokeOnNamespace(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Body() body: unknown): Promise<void> {
    await this.services.call(PermissionRpc.revoke, { actor, target: { kind: 'namespace', namespace }, userIds: userIdsOf(body) });
  }

  @Post('repos/:repository/access')
  @HttpCode(201)
  async grantOnRepository(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.services.call(PermissionRpc.grant, { actor, target: this.repositoryTarget(namespace, repository), grants: grantsOf(body) });
    return {};
  }

  @Get('repos/:repository/access')
  async listOnRepository(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const target = this.repositoryTarget(namespace, repository);
    const { self, others } = await this.services.call(PermissionRpc.list, { actor, target });
    const { repository: repo } = await this.services.call(RepositoryManagementRpc.get, { actor, namespace, repository: repositoryFromPath(repository) });
    return { id: repo.id, name: repo.name, self_auth: self ? swrAuth(self) : null, others_auths: others.map(swrAuth) };
  }

  @Patch('repos/:repository/access')
  @HttpCode(201)
  async updateOnRepository(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.services.call(PermissionRpc.update, { actor, target: this.repositoryTarget(namespace, repository), grants: grantsOf(body) });
    return {};
  }

  @Delete('repos/:repository/access')
  @HttpCode(204)
  async revokeOnRepository(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown): Promise<void> {
    await this.services.call(PermissionRpc.revoke, { actor, target: this.repositoryTarget(namespace, repository), userIds: userIdsOf(body) });
  }
}

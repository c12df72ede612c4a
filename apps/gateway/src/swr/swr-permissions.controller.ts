import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AuthLevel, PermissionRpc, type PermissionTarget, type UserAuth } from '@wharf/contracts/access';
import { CatalogRpc, RepositoryManagementRpc } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { swrInvalid, swrRule } from './swr-errors';
import { repositoryFromPath } from './swr-query';

/** SWR's `[{user_id, user_name, auth}]`; `auth` must be 7, 3 or 1 (4001091 otherwise). */
const UserAuthBody = z
  .array(z.object({ user_id: z.string().min(1), user_name: z.string().min(1), auth: z.number().describe('7 manage, 3 edit, 1 read') }))
  .min(1)
  .max(100)
  .superRefine((grants, context) => {
    const wrong = grants.find(({ auth }) => auth !== 7 && auth !== 3 && auth !== 1);
    if (wrong) context.addIssue({ code: 'custom', ...swrRule('SVCSTG.SWR.4001091', 'The permission parameter is incorrect.', `auth=${wrong.auth}`) });
  })
  .transform((grants) => grants.map(({ user_id, user_name, auth }): UserAuth => ({ userId: user_id, userName: user_name, auth: auth as UserAuth['auth'] })));
const grantsInvalid = swrInvalid('Invalid API parameters: expected an array of {user_id, user_name, auth}');

/** The user ids whose permissions go. */
const UserIdsBody = z.array(z.string().min(1)).min(1).max(100);
const userIdsInvalid = swrInvalid('Invalid API parameters: expected an array of user ids');

const SwrUserAuth = z.object({ user_id: z.string(), user_name: z.string(), auth: AuthLevel });
const swrAuth = (grant: UserAuth): z.input<typeof SwrUserAuth> => ({ user_id: grant.userId, user_name: grant.userName, auth: grant.auth });
const Permissions = { self_auth: SwrUserAuth.nullable().describe("The caller's own permission"), others_auths: z.array(SwrUserAuth) };
const NamespacePermissions = z.object({ id: z.number().int(), name: z.string(), creator_name: z.string(), ...Permissions });
const RepositoryPermissions = z.object({ id: z.number().int(), name: z.string(), ...Permissions });

/** SWR organization permissions (§1.2.7) and image permissions (§1.2.8). */
@Controller('v2/manage/namespaces/:namespace')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: permissions')
export class SwrPermissionsController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private repositoryTarget(namespace: string, repository: string): PermissionTarget {
    return { kind: 'repository', namespace, repository: `${namespace}/${repositoryFromPath(repository)}` };
  }

  /** 200 with `{}`: SWR answers organization grants with 200, not 201. */
  @Post('access')
  @HttpCode(200)
  @Returns(200, z.object({}))
  async grantOnNamespace(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @ValidBody(UserAuthBody, grantsInvalid) grants: UserAuth[]) {
    await this.services.call(PermissionRpc.grant, { actor, target: { kind: 'namespace', namespace }, grants });
    return {};
  }

  @Get('access')
  @Returns(200, NamespacePermissions)
  async listOnNamespace(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string) {
    const { self, others } = await this.services.call(PermissionRpc.list, { actor, target: { kind: 'namespace', namespace } });
    const { namespace: ns } = await this.services.call(CatalogRpc.getNamespace, { actor, name: namespace });
    return { id: ns.id, name: ns.name, creator_name: ns.creatorName, self_auth: self ? swrAuth(self) : null, others_auths: others.map(swrAuth) };
  }

  @Patch('access')
  @HttpCode(201)
  @Returns(201, z.object({}))
  async updateOnNamespace(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @ValidBody(UserAuthBody, grantsInvalid) grants: UserAuth[]) {
    await this.services.call(PermissionRpc.update, { actor, target: { kind: 'namespace', namespace }, grants });
    return {};
  }

  /** A DELETE with a body: the user ids whose permissions go. */
  @Delete('access')
  @HttpCode(204)
  @Returns(204, undefined, { description: "The users' permissions on the organization are gone" })
  async revokeOnNamespace(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @ValidBody(UserIdsBody, userIdsInvalid) userIds: string[]): Promise<void> {
    await this.services.call(PermissionRpc.revoke, { actor, target: { kind: 'namespace', namespace }, userIds });
  }

  @Post('repos/:repository/access')
  @HttpCode(201)
  @Returns(201, z.object({}))
  async grantOnRepository(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @ValidBody(UserAuthBody, grantsInvalid) grants: UserAuth[]) {
    await this.services.call(PermissionRpc.grant, { actor, target: this.repositoryTarget(namespace, repository), grants });
    return {};
  }

  @Get('repos/:repository/access')
  @Returns(200, RepositoryPermissions)
  async listOnRepository(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const target = this.repositoryTarget(namespace, repository);
    const { self, others } = await this.services.call(PermissionRpc.list, { actor, target });
    const { repository: repo } = await this.services.call(RepositoryManagementRpc.get, { actor, namespace, repository: repositoryFromPath(repository) });
    return { id: repo.id, name: repo.name, self_auth: self ? swrAuth(self) : null, others_auths: others.map(swrAuth) };
  }

  @Patch('repos/:repository/access')
  @HttpCode(201)
  @Returns(201, z.object({}))
  async updateOnRepository(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @ValidBody(UserAuthBody, grantsInvalid) grants: UserAuth[]) {
    await this.services.call(PermissionRpc.update, { actor, target: this.repositoryTarget(namespace, repository), grants });
    return {};
  }

  @Delete('repos/:repository/access')
  @HttpCode(204)
  @Returns(204, undefined, { description: "The users' permissions on the repository are gone" })
  async revokeOnRepository(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @ValidBody(UserIdsBody, userIdsInvalid) userIds: string[]): Promise<void> {
    await this.services.call(PermissionRpc.revoke, { actor, target: this.repositoryTarget(namespace, repository), userIds });
  }
}

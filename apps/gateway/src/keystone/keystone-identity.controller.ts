import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { IdentityManagementRpc, type AccessKey, type Account, type Principal, type User } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Request } from 'express';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { invalidInput } from '../validation';

const rpc = IdentityManagementRpc;

const self = (request: Request, path: string) => `${request.protocol}://${request.host ?? 'localhost'}${path}`;

const Links = z.object({ self: z.string().url() });
const DomainShape = z.object({ id: z.string(), name: z.string(), description: z.string(), enabled: z.literal(true), links: Links });
const UserShape = z.object({
  id: z.string(),
  name: z.string(),
  domain_id: z.string(),
  enabled: z.boolean(),
  description: z.string(),
  password_expires_at: z.string().nullable().describe('Always null: passwords do not expire'),
  account_admin: z.boolean().describe("Wharf's extension: whether the user administers its account"),
  links: Links,
});
const CredentialShape = z.object({
  access: z.string(),
  user_id: z.string(),
  description: z.string(),
  status: z.literal('active'),
  created_at: z.string(),
  secret: z.string().optional().describe('The secret key: in the answer to create only'),
});

const domainOf = (request: Request, a: Account): z.input<typeof DomainShape> => ({ id: a.id, name: a.name, description: a.description, enabled: true, links: { self: self(request, `/v3/domains/${a.id}`) } });
const userOf = (request: Request, u: User): z.input<typeof UserShape> => ({
  id: u.id,
  name: u.name,
  domain_id: u.accountId,
  enabled: u.enabled,
  description: u.description,
  password_expires_at: null,
  // Wharf's extension: whether the user administers its account (Keystone would say it with role assignments).
  account_admin: u.accountAdmin,
  links: { self: self(request, `/v3/users/${u.id}`) },
});
const credentialOf = (k: AccessKey, secret?: string): z.input<typeof CredentialShape> => ({
  access: k.access,
  user_id: k.userId,
  description: k.description,
  status: 'active',
  created_at: k.createdAt,
  ...(secret !== undefined ? { secret } : {}),
});

const CreateDomainBody = z.object({ domain: z.object({ name: z.string().min(1), description: z.string().optional() }) });
const CreateUserBody = z.object({
  user: z.object({
    name: z.string().min(1),
    password: z.string().min(1),
    domain_id: z.string().optional(),
    description: z.string().optional(),
    enabled: z.boolean().optional(),
    account_admin: z.boolean().optional(),
  }),
});
const UpdateUserBody = z.object({ user: z.object({ enabled: z.boolean().optional(), description: z.string().optional(), password: z.string().min(1).optional() }) });
const ChangePasswordBody = z.object({ user: z.object({ original_password: z.string(), password: z.string().min(1) }) });
const CreateCredentialBody = z.object({ credential: z.object({ user_id: z.string(), description: z.string().optional() }) });

/** A filter given as a string; any other form (given twice) is ignored, as Keystone ignores unknown filters. */
const Filter = (description: string) => z.string().optional().catch(undefined).describe(description);
const ListDomainsQuery = z.object({ name: Filter('Only the domain (account) with this name') });
const ListUsersQuery = z.object({ domain_id: Filter("Only this account's users"), name: Filter('Only users with this name') });
const ListCredentialsQuery = z.object({ user_id: Filter("Whose access keys (the caller's by default)") });

/**
 * Accounts and users, Keystone v3 / Huawei IAM style, since SWR's users are IAM users: `/v3/domains` (the
 * installation's administrator), `/v3/users` (an account's administrator), and access keys under IAM's
 * `/v3.0/OS-CREDENTIAL/credentials` (each user for themselves).
 */
@Controller()
@UseGuards(AuthenticatedGuard)
@ApiRoutes('keystone', 'Keystone: domains, users, credentials')
export class KeystoneIdentityController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Post('v3/domains')
  @HttpCode(201)
  @Returns(201, z.object({ domain: DomainShape }), { description: 'The account, created (installation administrators only)' })
  async createDomain(@CurrentPrincipal() actor: Principal, @ValidBody(CreateDomainBody, invalidInput) { domain }: z.output<typeof CreateDomainBody>, @Req() request: Request) {
    const { account } = await this.services.call(rpc.createAccount, { actor, name: domain.name, ...(domain.description !== undefined ? { description: domain.description } : {}) });
    return { domain: domainOf(request, account) };
  }

  @Get('v3/domains')
  @Returns(200, z.object({ domains: z.array(DomainShape) }), { description: 'The accounts the caller sees' })
  async listDomains(@CurrentPrincipal() actor: Principal, @ValidQuery(ListDomainsQuery, invalidInput) { name }: z.output<typeof ListDomainsQuery>, @Req() request: Request) {
    const { accounts } = await this.services.call(rpc.listAccounts, { actor, ...(name !== undefined ? { name } : {}) });
    return { domains: accounts.map((a) => domainOf(request, a)) };
  }

  @Get('v3/domains/:id')
  @Returns(200, z.object({ domain: DomainShape }))
  async getDomain(@CurrentPrincipal() actor: Principal, @Param('id') accountId: string, @Req() request: Request) {
    const { account } = await this.services.call(rpc.getAccount, { actor, accountId });
    return { domain: domainOf(request, account) };
  }

  @Delete('v3/domains/:id')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The account, its users and tokens are gone' })
  async deleteDomain(@CurrentPrincipal() actor: Principal, @Param('id') accountId: string): Promise<void> {
    await this.services.call(rpc.deleteAccount, { actor, accountId });
  }

  @Post('v3/users')
  @HttpCode(201)
  @Returns(201, z.object({ user: UserShape }))
  async createUser(@CurrentPrincipal() actor: Principal, @ValidBody(CreateUserBody, invalidInput) { user }: z.output<typeof CreateUserBody>, @Req() request: Request) {
    const created = await this.services.call(rpc.createUser, {
      actor,
      name: user.name,
      password: user.password,
      ...(user.domain_id !== undefined ? { accountId: user.domain_id } : {}),
      ...(user.description !== undefined ? { description: user.description } : {}),
      ...(user.enabled !== undefined ? { enabled: user.enabled } : {}),
      ...(user.account_admin !== undefined ? { accountAdmin: user.account_admin } : {}),
    });
    return { user: userOf(request, created.user) };
  }

  @Get('v3/users')
  @Returns(200, z.object({ users: z.array(UserShape) }))
  async listUsers(@CurrentPrincipal() actor: Principal, @ValidQuery(ListUsersQuery, invalidInput) query: z.output<typeof ListUsersQuery>, @Req() request: Request) {
    const { users } = await this.services.call(rpc.listUsers, {
      actor,
      ...(query.domain_id !== undefined ? { accountId: query.domain_id } : {}),
      ...(query.name !== undefined ? { name: query.name } : {}),
    });
    return { users: users.map((u) => userOf(request, u)) };
  }

  @Get('v3/users/:id')
  @Returns(200, z.object({ user: UserShape }))
  async getUser(@CurrentPrincipal() actor: Principal, @Param('id') userId: string, @Req() request: Request) {
    return { user: userOf(request, (await this.services.call(rpc.getUser, { actor, userId })).user) };
  }

  @Patch('v3/users/:id')
  @Returns(200, z.object({ user: UserShape }))
  async updateUser(@CurrentPrincipal() actor: Principal, @Param('id') userId: string, @ValidBody(UpdateUserBody, invalidInput) { user }: z.output<typeof UpdateUserBody>, @Req() request: Request) {
    const updated = await this.services.call(rpc.updateUser, {
      actor,
      userId,
      ...(user.enabled !== undefined ? { enabled: user.enabled } : {}),
      ...(user.description !== undefined ? { description: user.description } : {}),
      ...(user.password !== undefined ? { password: user.password } : {}),
    });
    return { user: userOf(request, updated.user) };
  }

  @Delete('v3/users/:id')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The user and its tokens are gone' })
  async deleteUser(@CurrentPrincipal() actor: Principal, @Param('id') userId: string): Promise<void> {
    await this.services.call(rpc.deleteUser, { actor, userId });
  }

  @Post('v3/users/:id/password')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The password is changed' })
  async changePassword(@CurrentPrincipal() actor: Principal, @Param('id') userId: string, @ValidBody(ChangePasswordBody, invalidInput) { user }: z.output<typeof ChangePasswordBody>): Promise<void> {
    await this.services.call(rpc.changePassword, { actor, userId, originalPassword: user.original_password, password: user.password });
  }

  @Post('v3.0/OS-CREDENTIAL/credentials')
  @HttpCode(201)
  @Returns(201, z.object({ credential: CredentialShape }), { description: 'The access key with its secret, shown this once' })
  async createCredential(@CurrentPrincipal() actor: Principal, @ValidBody(CreateCredentialBody, invalidInput) { credential }: z.output<typeof CreateCredentialBody>) {
    const created = await this.services.call(rpc.createAccessKey, { actor, userId: credential.user_id, ...(credential.description !== undefined ? { description: credential.description } : {}) });
    return { credential: credentialOf(created.accessKey, created.secretKey) };
  }

  @Get('v3.0/OS-CREDENTIAL/credentials')
  @Returns(200, z.object({ credentials: z.array(CredentialShape) }))
  async listCredentials(@CurrentPrincipal() actor: Principal, @ValidQuery(ListCredentialsQuery, invalidInput) { user_id: userId }: z.output<typeof ListCredentialsQuery>) {
    const { accessKeys } = await this.services.call(rpc.listAccessKeys, { actor, userId: userId ?? actor.userId });
    return { credentials: accessKeys.map((k) => credentialOf(k)) };
  }

  @Delete('v3.0/OS-CREDENTIAL/credentials/:access')
  @HttpCode(204)
  @Returns(204, undefined, { description: 'The access key is revoked' })
  async deleteCredential(@CurrentPrincipal() actor: Principal, @Param('access') accessKey: string): Promise<void> {
    await this.services.call(rpc.deleteAccessKey, { actor, accessKey });
  }
}

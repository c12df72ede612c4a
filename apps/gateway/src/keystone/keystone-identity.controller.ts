import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { IdentityManagementRpc, type AccessKey, type Account, type Principal, type User } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Request } from 'express';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { parseInput } from '../validation';

const rpc = IdentityManagementRpc;

const self = (request: Request, path: string) => `${request.protocol}://${request.host ?? 'localhost'}${path}`;

const domainOf = (request: Request, a: Account) => ({ id: a.id, name: a.name, description: a.description, enabled: true, links: { self: self(request, `/v3/domains/${a.id}`) } });
const userOf = (request: Request, u: User) => ({
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
const credentialOf = (k: AccessKey, secret?: string) => ({
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

/**
 * Accounts and users, Keystone v3 / Huawei IAM style, since SWR's users are IAM users: `/v3/domains` (the
 * installation's administrator), `/v3/users` (an account's administrator), and access keys under IAM's
 * `/v3.0/OS-CREDENTIAL/credentials` (each user for themselves).
 */
@Controller()
@UseGuards(AuthenticatedGuard)
export class KeystoneIdentityController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Post('v3/domains')
  @HttpCode(201)
  async createDomain(@CurrentPrincipal() actor: Principal, @Body() body: unknown, @Req() request: Request) {
    const { domain } = parseInput(CreateDomainBody, body);
    const { account } = await this.services.call(rpc.createAccount, { actor, name: domain.name, ...(domain.description !== undefined ? { description: domain.description } : {}) });
    return { domain: domainOf(request, account) };
  }

  @Get('v3/domains')
  async listDomains(@CurrentPrincipal() actor: Principal, @Query('name') name: unknown, @Req() request: Request) {
    const { accounts } = await this.services.call(rpc.listAccounts, { actor, ...(typeof name === 'string' ? { name } : {}) });
    return { domains: accounts.map((a) => domainOf(request, a)) };
  }

  @Get('v3/domains/:id')
  async getDomain(@CurrentPrincipal() actor: Principal, @Param('id') accountId: string, @Req() request: Request) {
    const { account } = await this.services.call(rpc.getAccount, { actor, accountId });
    return { domain: domainOf(request, account) };
  }

  @Delete('v3/domains/:id')
  @HttpCode(204)
  async deleteDomain(@CurrentPrincipal() actor: Principal, @Param('id') accountId: string): Promise<void> {
    await this.services.call(rpc.deleteAccount, { actor, accountId });
  }

  @Post('v3/users')
  @HttpCode(201)
  async createUser(@CurrentPrincipal() actor: Principal, @Body() body: unknown, @Req() request: Request) {
    const { user } = parseInput(CreateUserBody, body);
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
  async listUsers(@CurrentPrincipal() actor: Principal, @Query() query: Record<string, unknown>, @Req() request: Request) {
    const { users } = await this.services.call(rpc.listUsers, {
      actor,
      ...(typeof query.domain_id === 'string' ? { accountId: query.domain_id } : {}),
      ...(typeof query.name === 'string' ? { name: query.name } : {}),
    });
    return { users: users.map((u) => userOf(request, u)) };
  }

  @Get('v3/users/:id')
  async getUser(@CurrentPrincipal() actor: Principal, @Param('id') userId: string, @Req() request: Request) {
    return { user: userOf(request, (await this.services.call(rpc.getUser, { actor, userId })).user) };
  }

  @Patch('v3/users/:id')
  async updateUser(@CurrentPrincipal() actor: Principal, @Param('id') userId: string, @Body() body: unknown, @Req() request: Request) {
    const { user } = parseInput(UpdateUserBody, body);
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
  async deleteUser(@CurrentPrincipal() actor: Principal, @Param('id') userId: string): Promise<void> {
    await this.services.call(rpc.deleteUser, { actor, userId });
  }

  @Post('v3/users/:id/password')
  @HttpCode(204)
  async changePassword(@CurrentPrincipal() actor: Principal, @Param('id') userId: string, @Body() body: unknown): Promise<void> {
    const { user } = parseInput(ChangePasswordBody, body);
    await this.services.call(rpc.changePassword, { actor, userId, originalPassword: user.original_password, password: user.password });
  }

  @Post('v3.0/OS-CREDENTIAL/credentials')
  @HttpCode(201)
  async createCredential(@CurrentPrincipal() actor: Principal, @Body() body: unknown) {
    const { credential } = parseInput(CreateCredentialBody, body);
    const created = await this.services.call(rpc.createAccessKey, { actor, userId: credential.user_id, ...(credential.description !== undefined ? { description: credential.description } : {}) });
    return { credential: credentialOf(created.accessKey, created.secretKey) };
  }

  @Get('v3.0/OS-CREDENTIAL/credentials')
  async listCredentials(@CurrentPrincipal() actor: Principal, @Query('user_id') userId: unknown) {
    const { accessKeys } = await this.services.call(rpc.listAccessKeys, { actor, userId: typeof userId === 'string' ? userId : actor.userId });
    return { credentials: accessKeys.map((k) => credentialOf(k)) };
  }

  @Delete('v3.0/OS-CREDENTIAL/credentials/:access')
  @HttpCode(204)
  async deleteCredential(@CurrentPrincipal() actor: Principal, @Param('access') accessKey: string): Promise<void> {
    await this.services.call(rpc.deleteAccessKey, { actor, accessKey });
  }
}

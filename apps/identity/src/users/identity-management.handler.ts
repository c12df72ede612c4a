import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { CatalogRpc } from '@wharf/contracts/catalog';
import { IdentityManagementRpc, IdentityStreams, type Account, type Principal, type User } from '@wharf/contracts/identity';
import type { Command, Decider, Event } from '@wharf/event-store';
import { CommandRunner, ProjectionHost, SERVICE_CLIENT } from '@wharf/platform';
import type { Document, Projection } from '@wharf/read-model';
import { SchemaPipe, type ServiceClient } from '@wharf/transport';
import { accessKeyDecider } from '../access-keys/access-key.decider';
import { hashLoginPassword, loginPasswordOf, newAccessKeyId, newSecretKey } from '../access-keys/access-key';
import { accessKeysProjection, type AccessKeyDocument } from '../access-keys/access-keys.projection';
import { accountDecider } from '../accounts/account.decider';
import { accountsProjection, type AccountDocument } from '../accounts/accounts.projection';
import { mayAdministerAccounts, mayAdministerUsersOf, mayManageKeysOf, MIN_PASSWORD_LENGTH } from './identity-policy';
import { LoginAttempts } from './login-attempts';
import { hashPassword, verifyPassword } from './password-hash';
import { userDecider, userStreamOf } from './user.decider';
import { usersProjection, type UserDocument } from './users.projection';

const rpc = IdentityManagementRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

const toAccount = (doc: AccountDocument): Account => ({ id: doc.accountId, name: doc.name, description: doc.description, system: doc.system, createdAt: doc.createdAt });
const toUser = (doc: UserDocument): User => ({
  id: doc.userId,
  name: doc.name,
  accountId: doc.accountId,
  accountName: doc.accountName,
  accountAdmin: doc.accountAdmin,
  enabled: doc.enabled,
  description: doc.description,
  createdAt: doc.createdAt,
});
const toKey = (doc: AccessKeyDocument) => ({ access: doc.accessKey, userId: doc.userId, description: doc.description, createdAt: doc.createdAt });

/** A user changing their own password stays signed in with the session that did it; every other session ends. */
const keptSession = (actor: Principal, userId: string): { keptSessionId?: string } =>
  actor.userId === userId && actor.tokenId ? { keptSessionId: actor.tokenId } : {};

const forbidden = (): DomainError => new DomainError('IDENTITY.FORBIDDEN');
const requireStrong = (password: string): void => {
  if (password.length < MIN_PASSWORD_LENGTH) throw new DomainError('IDENTITY.WEAK_PASSWORD', { minimumLength: MIN_PASSWORD_LENGTH });
};

/** Accounts (Keystone domains), users and their access keys: the identity management API's work. */
@Controller()
export class IdentityManagementHandler {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly attempts: LoginAttempts,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
  ) {}

  private async run<S, C extends Command, E extends Event>(
    stream: string,
    decider: Decider<S, C, E>,
    type: C['type'],
    data: C['data'],
    actor: Principal,
    projection: Projection<Document, never>,
  ): Promise<E[]> {
    return (await this.commands.run(stream, decider, { type, data }, { actor, readModels: [projection] })).newEvents;
  }

  private async accountById(accountId: string): Promise<AccountDocument> {
    const [doc] = await this.projections.collection(accountsProjection).find({ where: [{ field: 'accountId', op: 'eq', value: accountId }], limit: 1 });
    if (!doc) throw new DomainError('IDENTITY.ACCOUNT_NOT_FOUND', { accountId });
    return doc;
  }

  /** A user the actor may administer; others' users answer 404, as if they did not exist. */
  private async userById(actor: Principal, userId: string, allowSelf = false): Promise<UserDocument> {
    const doc = await this.projections.collection(usersProjection).get(userId);
    if (!doc || (!mayAdministerUsersOf(actor, doc.accountId) && !(allowSelf && actor.userId === userId))) {
      if (doc && doc.accountId === actor.accountId) throw forbidden();
      throw new DomainError('IDENTITY.USER_NOT_FOUND', { userId });
    }
    return doc;
  }

  @MessagePattern(rpc.createAccount.subject)
  async createAccount(@Payload(new SchemaPipe(rpc.createAccount.request)) { actor, name, description }: In<'createAccount'>) {
    if (!mayAdministerAccounts(actor)) throw forbidden();
    await this.run(IdentityStreams.account + name, accountDecider, 'CreateAccount', { accountId: randomUUID(), name, system: false, ...(description !== undefined ? { description } : {}) }, actor, accountsProjection);
    return { account: toAccount((await this.projections.collection(accountsProjection).get(name))!) } satisfies RpcReply<typeof rpc.createAccount>;
  }

  @MessagePattern(rpc.listAccounts.subject)
  async listAccounts(@Payload(new SchemaPipe(rpc.listAccounts.request)) { actor, name }: In<'listAccounts'>) {
    const where = [
      ...(mayAdministerAccounts(actor) ? [] : [{ field: 'accountId', op: 'eq' as const, value: actor.accountId }]),
      ...(name !== undefined ? [{ field: 'name', op: 'eq' as const, value: name }] : []),
    ];
    const docs = await this.projections.collection(accountsProjection).find({ where, sort: [{ field: 'name', direction: 'asc' }] });
    return { accounts: docs.map(toAccount) } satisfies RpcReply<typeof rpc.listAccounts>;
  }

  @MessagePattern(rpc.getAccount.subject)
  async getAccount(@Payload(new SchemaPipe(rpc.getAccount.request)) { actor, accountId }: In<'getAccount'>) {
    if (!mayAdministerAccounts(actor) && actor.accountId !== accountId) throw new DomainError('IDENTITY.ACCOUNT_NOT_FOUND', { accountId });
    return { account: toAccount(await this.accountById(accountId)) } satisfies RpcReply<typeof rpc.getAccount>;
  }

  @MessagePattern(rpc.deleteAccount.subject)
  async deleteAccount(@Payload(new SchemaPipe(rpc.deleteAccount.request)) { actor, accountId }: In<'deleteAccount'>) {
    if (!mayAdministerAccounts(actor)) throw forbidden();
    const account = await this.accountById(accountId);
    if (account.system) throw new DomainError('IDENTITY.FORBIDDEN', { reason: 'the installation account cannot be deleted' });
    // Refused while it holds organizations: nobody could manage or delete them afterwards, and their names stay taken.
    // Catalog decides it and, in the same step, closes the account to new organizations, so none is created in the
    // account while its users are deleted (a session of the account may still be live until then).
    await this.services.call(CatalogRpc.closeAccount, { actor, accountId });
    // Its users go first, so nobody can sign in to an account that no longer exists.
    const users = await this.projections.collection(usersProjection).find({ where: [{ field: 'accountId', op: 'eq', value: accountId }] });
    for (const user of users) await this.run(user.stream, userDecider, 'DeleteUser', { userId: user.userId }, actor, usersProjection);
    await this.run(IdentityStreams.account + account.name, accountDecider, 'DeleteAccount', { accountId }, actor, accountsProjection);
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteAccount>;
  }

  @MessagePattern(rpc.createUser.subject)
  async createUser(@Payload(new SchemaPipe(rpc.createUser.request)) input: In<'createUser'>) {
    const { actor } = input;
    const accountId = input.accountId ?? actor.accountId;
    if (!mayAdministerUsersOf(actor, accountId)) throw forbidden();
    const account = await this.accountById(accountId);
    requireStrong(input.password);
    const userId = randomUUID();
    // Names are unique per account: another account's user of the same name is no conflict (nor a hint).
    const nameTakenInAccount = (await this.projections.collection(usersProjection).count([{ field: 'accountId', op: 'eq', value: accountId }, { field: 'name', op: 'eq', value: input.name }])) > 0;
    await this.run(
      userStreamOf(accountId, input.name),
      userDecider,
      'CreateUser',
      {
        userId,
        name: input.name,
        accountId,
        accountName: account.name,
        systemAccount: account.system,
        accountAdmin: input.accountAdmin ?? false,
        passwordHash: await hashPassword(input.password),
        description: input.description ?? '',
        enabled: input.enabled ?? true,
        nameTakenInAccount,
      },
      actor,
      usersProjection,
    );
    return { user: toUser((await this.projections.collection(usersProjection).get(userId))!) } satisfies RpcReply<typeof rpc.createUser>;
  }

  @MessagePattern(rpc.listUsers.subject)
  async listUsers(@Payload(new SchemaPipe(rpc.listUsers.request)) { actor, accountId, name }: In<'listUsers'>) {
    const account = accountId ?? actor.accountId;
    if (!mayAdministerUsersOf(actor, account)) throw forbidden();
    const where = [{ field: 'accountId', op: 'eq' as const, value: account }, ...(name !== undefined ? [{ field: 'name', op: 'eq' as const, value: name }] : [])];
    const docs = await this.projections.collection(usersProjection).find({ where, sort: [{ field: 'name', direction: 'asc' }] });
    return { users: docs.map(toUser) } satisfies RpcReply<typeof rpc.listUsers>;
  }

  @MessagePattern(rpc.getUser.subject)
  async getUser(@Payload(new SchemaPipe(rpc.getUser.request)) { actor, userId }: In<'getUser'>) {
    return { user: toUser(await this.userById(actor, userId, true)) } satisfies RpcReply<typeof rpc.getUser>;
  }

  @MessagePattern(rpc.updateUser.subject)
  async updateUser(@Payload(new SchemaPipe(rpc.updateUser.request)) { actor, userId, enabled, description, password }: In<'updateUser'>) {
    const user = await this.userById(actor, userId);
    if (enabled !== undefined || description !== undefined) {
      const data = { userId, ...(enabled !== undefined ? { enabled } : {}), ...(description !== undefined ? { description } : {}) };
      await this.run(user.stream, userDecider, 'UpdateUser', data, actor, usersProjection);
    }
    if (password !== undefined) {
      requireStrong(password);
      const passwordHash = await hashPassword(password);
      await this.run(user.stream, userDecider, 'ChangePassword', { userId, passwordHash, ...keptSession(actor, userId) }, actor, usersProjection);
    }
    return { user: toUser((await this.projections.collection(usersProjection).get(userId))!) } satisfies RpcReply<typeof rpc.updateUser>;
  }

  /** A user changes their own password by proving the current one; wrong ones are slowed as failed logins are. */
  @MessagePattern(rpc.changePassword.subject)
  async changePassword(@Payload(new SchemaPipe(rpc.changePassword.request)) { actor, userId, originalPassword, password }: In<'changePassword'>) {
    if (actor.userId !== userId) throw forbidden();
    const user = await this.userById(actor, userId, true);
    const proven = await this.attempts.check({ user: user.userId }, async () => ((await verifyPassword(originalPassword, user.passwordHash)) ? user : null));
    if (!proven) throw new DomainError('IDENTITY.INVALID_CREDENTIALS');
    requireStrong(password);
    const passwordHash = await hashPassword(password);
    await this.run(user.stream, userDecider, 'ChangePassword', { userId, passwordHash, ...keptSession(actor, userId) }, actor, usersProjection);
    return { changed: true } satisfies RpcReply<typeof rpc.changePassword>;
  }

  @MessagePattern(rpc.deleteUser.subject)
  async deleteUser(@Payload(new SchemaPipe(rpc.deleteUser.request)) { actor, userId }: In<'deleteUser'>) {
    const user = await this.userById(actor, userId);
    if (user.systemAccount && user.accountAdmin && user.userId === actor.userId) throw new DomainError('IDENTITY.FORBIDDEN', { reason: 'the installation administrator cannot delete itself' });
    await this.run(user.stream, userDecider, 'DeleteUser', { userId }, actor, usersProjection);
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteUser>;
  }

  /** The secret key is in this reply only; identity keeps just a hash of the login password derived from it. */
  @MessagePattern(rpc.createAccessKey.subject)
  async createAccessKey(@Payload(new SchemaPipe(rpc.createAccessKey.request)) { actor, userId, description }: In<'createAccessKey'>) {
    const user = await this.userById(actor, userId, true);
    if (!mayManageKeysOf(actor, user)) throw forbidden();
    const accessKey = newAccessKeyId();
    const secretKey = newSecretKey();
    await this.run(
      IdentityStreams.accessKey + accessKey,
      accessKeyDecider,
      'CreateAccessKey',
      {
        accessKey,
        userId,
        userName: user.name,
        accountId: user.accountId,
        description: description ?? '',
        loginPasswordHash: hashLoginPassword(loginPasswordOf(accessKey, secretKey)),
      },
      actor,
      accessKeysProjection,
    );
    const doc = (await this.projections.collection(accessKeysProjection).get(accessKey))!;
    return { accessKey: toKey(doc), secretKey } satisfies RpcReply<typeof rpc.createAccessKey>;
  }

  @MessagePattern(rpc.listAccessKeys.subject)
  async listAccessKeys(@Payload(new SchemaPipe(rpc.listAccessKeys.request)) { actor, userId }: In<'listAccessKeys'>) {
    const user = await this.userById(actor, userId, true);
    if (!mayManageKeysOf(actor, user)) throw forbidden();
    const docs = await this.projections.collection(accessKeysProjection).find({ where: [{ field: 'userId', op: 'eq', value: userId }], sort: [{ field: 'createdAt', direction: 'asc' }] });
    return { accessKeys: docs.map(toKey) } satisfies RpcReply<typeof rpc.listAccessKeys>;
  }

  @MessagePattern(rpc.deleteAccessKey.subject)
  async deleteAccessKey(@Payload(new SchemaPipe(rpc.deleteAccessKey.request)) { actor, accessKey }: In<'deleteAccessKey'>) {
    const key = await this.projections.collection(accessKeysProjection).get(accessKey);
    if (!key || !mayManageKeysOf(actor, key)) throw new DomainError('IDENTITY.ACCESS_KEY_NOT_FOUND', { accessKey });
    await this.run(IdentityStreams.accessKey + accessKey, accessKeyDecider, 'DeleteAccessKey', { accessKey }, actor, accessKeysProjection);
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteAccessKey>;
  }
}

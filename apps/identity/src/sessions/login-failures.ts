import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentityStreams } from '@wharf/contracts/identity';
import { CommandRunner, ProjectionHost } from '@wharf/platform';
import { accessKeyOfLogin } from '../access-keys/access-key';
import { accountsProjection } from '../accounts/accounts.projection';
import { Credentials } from '../users/credentials';
import { registryLoginName, type LoginName } from '../users/login-name';
import { usersProjection, type UserDocument } from '../users/users.projection';
import { loginFailureDecider, type LoginClaimant } from './login-failure.decider';

const claimantOf = (user: UserDocument): LoginClaimant => ({ userId: user.userId, userName: user.name, accountId: user.accountId, accountName: user.accountName });

/**
 * Records failed logins as events (`LoginFailed`), so the audit log shows them in the account of the user the
 * login named. Only logins whose credentials were checked get here: the login throttle refuses the rest before
 * that (429), which keeps a flood of wrong logins from becoming a flood of writes.
 */
@Injectable()
export class LoginFailures {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly credentials: Credentials,
  ) {}

  /** A failed Keystone password login (`POST /v3/auth/tokens`). */
  async keystone(login: LoginName, clientAddress: string | undefined): Promise<void> {
    await this.record('keystone', login.userName, await this.claimant(login), clientAddress);
  }

  /** Basic credentials the registry's token endpoint refused: a user name, `token`, or `{region}@{access key}`. */
  async registry(userName: string, clientAddress: string | undefined): Promise<void> {
    const accessKey = accessKeyOfLogin(userName);
    const keyLogin = accessKey ? await this.credentials.accessKeyLogin(accessKey) : null;
    const keyUser = keyLogin ? await this.projections.collection(usersProjection).get(keyLogin.userId) : null;
    const claimant = accessKey ? (keyUser ? claimantOf(keyUser) : {}) : await this.claimant(registryLoginName(userName));
    await this.record('registry', userName, claimant, clientAddress);
  }

  private async claimant(login: LoginName): Promise<LoginClaimant> {
    const user = await this.credentials.userNamed(login);
    if (user) return claimantOf(user);
    if (!login.account) return {};
    const accounts = this.projections.collection(accountsProjection);
    const account = 'name' in login.account ? await accounts.get(login.account.name) : (await accounts.find({ where: [{ field: 'accountId', op: 'eq', value: login.account.id }], limit: 1 }))[0];
    return account ? { accountId: account.accountId, accountName: account.name } : {};
  }

  private async record(via: 'keystone' | 'registry', login: string, claimant: LoginClaimant, clientAddress: string | undefined): Promise<void> {
    await this.commands.run(
      IdentityStreams.loginFailure + randomUUID(),
      loginFailureDecider,
      { type: 'RecordLoginFailure', data: { via, login, ...claimant, ...(clientAddress !== undefined ? { clientAddress } : {}) } },
      { readModels: [] },
    );
  }
}

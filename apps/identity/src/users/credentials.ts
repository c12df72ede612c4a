import { Inject, Injectable } from '@nestjs/common';
import { SELECTEL_TOKEN_USERNAME, type Principal } from '@wharf/contracts/identity';
import { CLOCK, ProjectionHost, type Clock } from '@wharf/platform';
import { accessKeyOfLogin, loginPasswordMatches } from '../access-keys/access-key';
import { accessKeysProjection } from '../access-keys/access-keys.projection';
import { loginSecretsProjection } from '../login-secrets/login-secrets.projection';
import { SelectelTokenLogins, type TokenLogin } from '../selectel-tokens/selectel-token-logins';
import { hashToken, tokenIdOf } from '../sessions/session-token';
import { sessionTokensProjection, type SessionTokenDocument } from '../sessions/session-tokens.projection';
import { LoginAttempts } from './login-attempts';
import { registryLoginName, type LoginName } from './login-name';
import { verifyAgainstDecoy, verifyPassword } from './password-hash';
import { usersProjection, type UserDocument } from './users.projection';

export const principalOf = (user: UserDocument, tokenHash?: string): Principal => ({
  accountId: user.accountId,
  accountName: user.accountName,
  userId: user.userId,
  userName: user.name,
  accountAdmin: user.accountAdmin,
  systemAdmin: user.systemAccount && user.accountAdmin,
  ...(tokenHash ? { tokenId: tokenIdOf(tokenHash) } : {}),
});

/** Whether a password change or disable after the session was issued ended it. */
const sessionEnded = (user: UserDocument, session: SessionTokenDocument): boolean =>
  user.sessionsEndedAt !== undefined && session.issuedAt <= user.sessionsEndedAt && user.keptSessionId !== tokenIdOf(session.tokenHash);

/** The ways a caller proves who it is: a user's password, or a token identity issued. */
@Injectable()
export class Credentials {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionHost,
    private readonly selectelTokens: SelectelTokenLogins,
    private readonly attempts: LoginAttempts,
  ) {}

  /**
   * The enabled user the login names with this password, or null; takes as long for unknown users as for known
   * ones. A name without an account finds the user only while exactly one account has that name. Throws
   * IDENTITY.TOO_MANY_LOGIN_FAILURES while the user or the client address is locked out after failures.
   */
  async userByPassword(login: LoginName, password: string, clientAddress?: string): Promise<UserDocument | null> {
    const user = await this.userNamed(login);
    const keys = { ...(user ? { user: user.userId } : {}), ...(clientAddress !== undefined ? { address: clientAddress } : {}) };
    return this.attempts.check(keys, async () => {
      const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
      return user && valid && user.enabled ? user : null;
    });
  }

  /** The user a login name finds: in the account it names, else the only user of that name in any account. */
  async userNamed({ userName, account }: LoginName): Promise<UserDocument | null> {
    const inAccount = account ? [{ field: 'id' in account ? 'accountId' : 'accountName', op: 'eq' as const, value: 'id' in account ? account.id : account.name }] : [];
    const users = await this.projections.collection(usersProjection).find({ where: [{ field: 'name', op: 'eq', value: userName }, ...inAccount], limit: 2 });
    return users.length === 1 ? users[0]! : null;
  }

  /** The principal of a live session token, or null for unknown, expired or disabled-user tokens. */
  async principalByToken(token: string): Promise<{ principal: Principal; expiresAt: string } | null> {
    const tokenHash = hashToken(token);
    const session = await this.projections.collection(sessionTokensProjection).get(tokenHash);
    if (!session || Date.parse(session.expiresAt) <= this.clock.now().getTime()) return null;
    const user = await this.projections.collection(usersProjection).get(session.userId);
    if (!user || !user.enabled || sessionEnded(user, session)) return null;
    return { principal: principalOf(user, tokenHash), expiresAt: session.expiresAt };
  }

  /**
   * Docker login credentials: SWR's long-term login (`{region}@{AK}` with `hex(HMAC-SHA256(SK, AK))`), a token
   * identity issued (any user name), else the user's password (`account/user`, or `user` while unambiguous).
   */
  async principalByLogin(userName: string, password: string, clientAddress?: string): Promise<Principal | null> {
    const accessKey = accessKeyOfLogin(userName);
    if (accessKey) return this.attempts.check(clientAddress !== undefined ? { address: clientAddress } : {}, () => this.principalByAccessKey(accessKey, password));
    const byToken = await this.principalByToken(password);
    if (byToken) return byToken.principal;
    const user = await this.userByPassword(registryLoginName(userName), password, clientAddress);
    return user ? principalOf(user) : null;
  }

  /**
   * Credentials given to the registry's token endpoint: a Selectel token (user `token`, the secret as password),
   * whose scope narrows what access grants, else whatever principalByLogin accepts.
   */
  async dockerLogin(userName: string, password: string, clientAddress?: string): Promise<{ principal: Principal; scope?: TokenLogin['scope'] } | null> {
    if (userName === SELECTEL_TOKEN_USERNAME) {
      const byToken = await this.selectelTokens.login(password);
      if (byToken) return byToken;
    }
    const principal = await this.principalByLogin(userName, password, clientAddress);
    return principal ? { principal } : null;
  }

  /** `{prefix}@{id}`: a long-term access key, or a temporary login that has not expired. */
  async accessKeyLogin(id: string): Promise<{ userId: string; userName: string; hash: string } | null> {
    const key = await this.projections.collection(accessKeysProjection).get(id);
    const temporary = key ? null : await this.projections.collection(loginSecretsProjection).get(id);
    return key
      ? { userId: key.userId, userName: key.userName, hash: key.loginPasswordHash }
      : temporary && Date.parse(temporary.expiresAt) > this.clock.now().getTime()
        ? { userId: temporary.userId, userName: temporary.userName, hash: temporary.passwordHash }
        : null;
  }

  private async principalByAccessKey(id: string, password: string): Promise<Principal | null> {
    const login = await this.accessKeyLogin(id);
    if (!login || !loginPasswordMatches(password, login.hash)) return null;
    const user = await this.projections.collection(usersProjection).get(login.userId);
    return user && user.enabled ? principalOf(user) : null;
  }
}

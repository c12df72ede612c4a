import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { IdentityRpc, IdentityStreams } from '@wharf/contracts/identity';
import { CommandRunner, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { Credentials, principalOf } from '../users/credentials';
import { LoginFailures } from './login-failures';
import { hashToken, newSessionToken, tokenIdOf } from './session-token';
import { sessionTokenDecider } from './session-token.decider';
import { sessionTokensProjection } from './session-tokens.projection';

const { createSession, verifyToken } = IdentityRpc;

@Controller()
export class SessionsHandler {
  constructor(
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
    private readonly commands: CommandRunner,
    private readonly credentials: Credentials,
    private readonly failures: LoginFailures,
  ) {}

  /**
   * Password login: checks the password and issues a session token (Keystone's POST /v3/auth/tokens). The
   * account (Keystone's domain, by id or name) picks the user; without one the name must be unambiguous.
   */
  @MessagePattern(createSession.subject)
  async create(@Payload(new SchemaPipe(createSession.request)) request: typeof createSession.request._output) {
    const { userName, accountId, accountName, password, clientAddress } = request;
    const account = accountId !== undefined ? { id: accountId } : accountName !== undefined ? { name: accountName } : undefined;
    const login = { userName, ...(account ? { account } : {}) };
    const user = await this.credentials.userByPassword(login, password, clientAddress);
    if (!user) {
      await this.failures.keystone(login, clientAddress);
      throw new DomainError('IDENTITY.INVALID_CREDENTIALS');
    }
    const token = newSessionToken();
    const tokenHash = hashToken(token);
    const principal = principalOf(user, tokenHash);
    const { newEvents } = await this.commands.run(
      IdentityStreams.sessionToken + tokenIdOf(tokenHash),
      sessionTokenDecider,
      { type: 'IssueSessionToken', data: { tokenHash, userId: user.userId, userName: user.name, accountId: user.accountId, ttlSeconds: this.config.sessionTtlSeconds } },
      { actor: principal, readModels: [sessionTokensProjection] },
    );
    const issued = newEvents[0]!.data;
    return { token, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt, principal } satisfies RpcReply<
      typeof createSession
    >;
  }

  /** Resolves a token to its principal; unknown, expired and disabled-user tokens are all just invalid. */
  @MessagePattern(verifyToken.subject)
  async verify(@Payload(new SchemaPipe(verifyToken.request)) { token }: typeof verifyToken.request._output) {
    const session = await this.credentials.principalByToken(token);
    if (!session) throw new DomainError('IDENTITY.TOKEN_INVALID');
    return session satisfies RpcReply<typeof verifyToken>;
  }
}

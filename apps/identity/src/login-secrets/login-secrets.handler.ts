import { randomBytes } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcReply } from '@wharf/contracts';
import { IdentityStreams, LoginSecretRpc } from '@wharf/contracts/identity';
import { CommandRunner } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { hashLoginPassword, newAccessKeyId } from '../access-keys/access-key';
import { loginSecretDecider } from './login-secret.decider';
import { loginSecretsProjection } from './login-secrets.projection';

/** SWR: temporary logins last 6 hours, the enhanced ones 24. */
export const LOGIN_TTL_SECONDS = { temporary: 6 * 3600, enhanced: 24 * 3600 } as const;

@Controller()
export class LoginSecretsHandler {
  constructor(private readonly commands: CommandRunner) {}

  /** A docker login for the caller; the password is shown here only and kept as a hash. */
  @MessagePattern(LoginSecretRpc.issue.subject)
  async issue(@Payload(new SchemaPipe(LoginSecretRpc.issue.request)) { actor, kind, project }: typeof LoginSecretRpc.issue.request._output) {
    const loginId = newAccessKeyId();
    const password = randomBytes(32).toString('hex');
    const { newEvents } = await this.commands.run(
      IdentityStreams.loginSecret + loginId,
      loginSecretDecider,
      {
        type: 'IssueLoginSecret',
        data: { loginId, kind, userId: actor.userId, userName: actor.userName, accountId: actor.accountId, passwordHash: hashLoginPassword(password), ttlSeconds: LOGIN_TTL_SECONDS[kind] },
      },
      { actor, readModels: [loginSecretsProjection] },
    );
    const username = `${kind === 'enhanced' ? 'bearertoken' : project}@${loginId}`;
    return { username, password, expiresAt: newEvents[0]!.data.expiresAt } satisfies RpcReply<typeof LoginSecretRpc.issue>;
  }
}

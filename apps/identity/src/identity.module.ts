import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { accessKeysProjection } from './access-keys/access-keys.projection';
import { accountsProjection } from './accounts/accounts.projection';
import { AuditLogHandler } from './audit/audit-log.handler';
import { auditLogProjection } from './audit/audit-log.projection';
import { LoginSecretsHandler } from './login-secrets/login-secrets.handler';
import { loginSecretsProjection } from './login-secrets/login-secrets.projection';
import { AdminBootstrap } from './bootstrap/admin-bootstrap';
import { RegistryTokensHandler } from './registry-tokens/registry-tokens.handler';
import { SigningKeys } from './registry-tokens/signing-keys';
import { signingKeysProjection } from './registry-tokens/signing-keys.projection';
import { LoginFailures } from './sessions/login-failures';
import { SessionsHandler } from './sessions/sessions.handler';
import { Credentials } from './users/credentials';
import { LoginAttempts } from './users/login-attempts';
import { IdentityManagementHandler } from './users/identity-management.handler';
import { sessionTokensProjection } from './sessions/session-tokens.projection';
import { usersProjection } from './users/users.projection';
import { SELECTEL_TOKEN_PROJECTIONS, SELECTEL_TOKEN_HANDLERS, SELECTEL_TOKEN_PROVIDERS } from './selectel-tokens/selectel-tokens.module-parts';

/** Identity: accounts, users, passwords, session tokens, the signed bearer tokens of the registry, and the audit log. */
@Module({})
export class IdentityModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: IdentityModule,
      imports: [PlatformModule.forService(runtime, [accountsProjection, usersProjection, sessionTokensProjection, signingKeysProjection, accessKeysProjection, loginSecretsProjection, ...SELECTEL_TOKEN_PROJECTIONS, auditLogProjection])],
      controllers: [SessionsHandler, RegistryTokensHandler, IdentityManagementHandler, LoginSecretsHandler, ...SELECTEL_TOKEN_HANDLERS, AuditLogHandler],
      providers: [AdminBootstrap, Credentials, LoginAttempts, LoginFailures, SigningKeys, ...SELECTEL_TOKEN_PROVIDERS],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type ServiceRuntime } from '@wharf/platform';
import { accountsProjection } from './accounts/accounts.projection';
import { AdminBootstrap } from './bootstrap/admin-bootstrap';
import { SessionsHandler } from './sessions/sessions.handler';
import { sessionTokensProjection } from './sessions/session-tokens.projection';
import { usersProjection } from './users/users.projection';

/** Identity: accounts, users, passwords and session tokens; registry bearer tokens and API tokens come next. */
@Module({})
export class IdentityModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return {
      module: IdentityModule,
      imports: [PlatformModule.forService(runtime, [accountsProjection, usersProjection, sessionTokensProjection])],
      controllers: [SessionsHandler],
      providers: [AdminBootstrap],
    };
  }
}

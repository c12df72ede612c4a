import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthModule } from '@wharf/health';
import { WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { AuditLogsController } from './audit/audit-logs.controller';
import { AuthenticatedGuard } from './auth/authenticated.guard';
import { DialectErrorFilter } from './errors/dialect-error.filter';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { KeystoneIdentityController } from './keystone/keystone-identity.controller';
import { KeystoneController } from './keystone/keystone.controller';
import { SERVICES } from './services';
import { SelectelCleanupController } from './selectel/selectel-cleanup.controller';
import { SelectelClustersController } from './selectel/selectel-clusters.controller';
import { SelectelGcController } from './selectel/selectel-gc.controller';
import { SelectelRegistriesController } from './selectel/selectel-registries.controller';
import { SelectelRepositoriesController } from './selectel/selectel-repositories.controller';
import { SelectelTokensV1Controller } from './selectel/selectel-tokens-v1.controller';
import { SelectelTokensController } from './selectel/selectel-tokens.controller';
import { SwrNamespacesController } from './swr/swr-namespaces.controller';
import { SwrLoginController } from './swr/swr-login.controller';
import { SwrPermissionsController } from './swr/swr-permissions.controller';
import { SwrQuotasController } from './swr/swr-quotas.controller';
import { SwrRepositoriesController } from './swr/swr-repositories.controller';
import { SwrRetentionsController } from './swr/swr-retentions.controller';
import { SwrSharesController } from './swr/swr-shares.controller';
import { SwrSyncController } from './swr/swr-sync.controller';
import { SwrTriggersController } from './swr/swr-triggers.controller';
import { SwrV3ListsController } from './swr/swr-v3-lists.controller';
import { SwrVersionsController } from './swr/swr-versions.controller';

/** The control plane's HTTP edge: authenticates, validates, calls services, renders each dialect's errors. */
@Module({})
export class GatewayModule {
  static register(services: ServiceClient, config: WharfConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [HealthModule.register({ services, natsUrl: config.transport.kind === 'nats' ? config.transport.url : undefined })],
      controllers: [HealthController, KeystoneController, KeystoneIdentityController, SwrVersionsController, SwrNamespacesController, SwrRepositoriesController, SwrPermissionsController, SwrSharesController, SwrLoginController, SwrTriggersController, SwrRetentionsController, SwrSyncController, SwrQuotasController, SwrV3ListsController, SelectelTokensController, SelectelTokensV1Controller, SelectelClustersController, SelectelRegistriesController, SelectelRepositoriesController, SelectelGcController, SelectelCleanupController, EventsController, AuditLogsController],
      providers: [{ provide: SERVICES, useValue: services }, { provide: WHARF_CONFIG, useValue: config }, { provide: APP_FILTER, useClass: DialectErrorFilter }, AuthenticatedGuard],
    };
  }
}

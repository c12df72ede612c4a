import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { AccessModule } from '@wharf/access';
import { CatalogModule } from '@wharf/catalog';
import { startGateway } from '@wharf/gateway';
import { IdentityModule } from '@wharf/identity';
import { LifecycleModule } from '@wharf/lifecycle';
import { openEventStore, openServiceRuntime, startService, type ServiceRuntime, type WharfConfig } from '@wharf/platform';
import { startRegistry } from '@wharf/registry';
import { InProcessBus, InProcessClient, InProcessServer, ServiceClient } from '@wharf/transport';

export interface EmbeddedWharf {
  gateway: INestApplication;
  registry: INestApplication;
  stop(): Promise<void>;
}

/**
 * Every app in one process: the services on the in-process transport, one shared event store, each
 * service's read models in its own tables. The same modules run as separate processes in distributed mode.
 */
export const startEmbedded = async (config: WharfConfig): Promise<EmbeddedWharf> => {
  const events = openEventStore(config);
  const bus = new InProcessBus();
  const client = new ServiceClient(new InProcessClient(bus));
  const runtimes: ServiceRuntime[] = [];
  const runtime = (service: ServiceRuntime['service']) => {
    const created = openServiceRuntime(config, service, { events, services: client });
    runtimes.push(created);
    return created;
  };
  const strategy = () => ({ strategy: new InProcessServer(bus) });

  const services: INestMicroservice[] = [];
  services.push(await startService(IdentityModule.register(runtime('identity')), strategy()));
  services.push(await startService(CatalogModule.register(runtime('catalog')), strategy()));
  services.push(await startService(AccessModule.register(runtime('access')), strategy()));
  services.push(await startService(LifecycleModule.register(runtime('lifecycle')), strategy()));
  const registry = await startRegistry(runtime('registry'), strategy());
  const gateway = await startGateway(config, client);

  return {
    gateway,
    registry,
    async stop() {
      // Edges first, so in-flight requests finish; then services, which store projection checkpoints; stores last.
      await gateway.close();
      await registry.close();
      for (const service of services.reverse()) await service.close();
      for (const { documents } of runtimes) await documents.close();
      await events.close();
    },
  };
};

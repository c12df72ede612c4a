import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomStrategy, NatsOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { distributionRequestMetrics, nestLogger, observeHttp } from '@wharf/observability';
import { configureKeepAlive, readTlsFiles, reloadTlsOnHangup, type ServiceRuntime } from '@wharf/platform';
import { RpcErrorFilter } from '@wharf/transport';
import { verifiedCallers } from './auth/verified-callers';
import { handlerOf } from './http/request-handlers';
import { RegistryModule } from './registry.module';

/** Starts the registry: HTTP on WHARF_HOST:WHARF_REGISTRY_PORT and its message handlers on the transport. */
export const startRegistry = async (runtime: ServiceRuntime, transport: NatsOptions | CustomStrategy): Promise<INestApplication> => {
  const { config } = runtime;
  // No body parsing: blobs and manifests stream through the handlers untouched.
  const tls = readTlsFiles(config);
  const app = await NestFactory.create<NestExpressApplication>(RegistryModule.register(runtime), {
    logger: nestLogger(),
    bodyParser: false,
    ...(tls ? { httpsOptions: tls } : {}),
  });
  // First: request ids, access lines, Distribution's request metrics and /metrics see every request.
  observeHttp(app, { metrics: distributionRequestMetrics(handlerOf), principalOf: (request) => verifiedCallers.of(request) });
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  // Deferred, so the error filter is registered before the listeners are.
  app.connectMicroservice(transport, { inheritAppConfig: false, deferInitialization: true }).useGlobalFilters(new RpcErrorFilter());
  await app.startAllMicroservices();
  const server = app.getHttpServer() as import('node:http').Server;
  configureKeepAlive(server);
  reloadTlsOnHangup(server as import('node:https').Server, config, 'registry');
  await app.listen(config.registryPort, config.host);
  return app;
};

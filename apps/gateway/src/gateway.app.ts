import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { apiRequestMetrics, nestLogger, observeHttp } from '@wharf/observability';
import { configureKeepAlive, readTlsFiles, reloadTlsOnHangup, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { GatewayModule } from './gateway.module';
import { jsonBodies, MAX_BODY_BYTES } from './json-bodies';
import { serveOpenApi } from './openapi/openapi';
import { loggedPath, principalOf } from './request-log';

/** The gateway's Nest application with its routes and the OpenAPI document at /docs, not listening yet. */
export const createGateway = async (config: WharfConfig, services: ServiceClient): Promise<INestApplication> => {
  // Express's body parser reads an over-limit body to its end before refusing it; jsonBodies stops at the limit.
  const tls = readTlsFiles(config);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(services, config), {
    logger: nestLogger(),
    bodyParser: false,
    ...(tls ? { httpsOptions: tls } : {}),
  });
  // First: request ids, access lines, request metrics and /metrics see every request, refused ones included.
  observeHttp(app, { metrics: apiRequestMetrics(), loggedPath, principalOf });
  app.use(jsonBodies(MAX_BODY_BYTES));
  app.set('trust proxy', config.trustProxy ?? false);
  app.disable('x-powered-by');
  const server = app.getHttpServer() as import('node:http').Server;
  configureKeepAlive(server);
  serveOpenApi(app);
  return app;
};

/** Creates and starts the gateway's HTTP server on WHARF_HOST:WHARF_API_PORT. */
export const startGateway = async (config: WharfConfig, services: ServiceClient): Promise<INestApplication> => {
  const app = await createGateway(config, services);
  reloadTlsOnHangup(app.getHttpServer() as import('node:https').Server, config, 'gateway');
  await app.listen(config.apiPort, config.host);
  return app;
};

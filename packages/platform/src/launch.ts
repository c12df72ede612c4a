import { Logger, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomStrategy, NatsOptions } from '@nestjs/microservices';
import type { ServiceName } from '@wharf/contracts';
import type { EventStore } from '@wharf/event-store';
import { configureLogging, nestLogger, startMetricsServer } from '@wharf/observability';
import { createNatsClient, natsServerOptions, RpcErrorFilter, ServiceClient } from '@wharf/transport';
import { ConfigError, loadConfig, type WharfConfig } from './config';
import type { ServiceRuntime } from './platform.module';
import { ensurePrivateDirectory } from './private-files';
import { openDocumentStore, openEventStore } from './stores';
import { checkTlsFiles } from './tls';
import { systemClock } from './tokens';

/**
 * Reads the configuration or ends the process with a message that names the bad variable; then sets up the
 * process's logger (WHARF_LOG_LEVEL, WHARF_LOG_FORMAT), which Nest's applications are created with (`nestLogger`).
 */
export const loadConfigOrExit = (defaults: Parameters<typeof loadConfig>[1] = {}): WharfConfig => {
  try {
    const config = loadConfig(process.env, defaults);
    checkTlsFiles(config);
    configureLogging({ level: config.logLevel, format: config.logFormat });
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
};

/** A service's stores and client. In embedded mode every service shares the one event store and client it is given. */
export const openServiceRuntime = (config: WharfConfig, service: ServiceName, shared: { events?: EventStore; services: ServiceClient }): ServiceRuntime => {
  // Whatever a service keeps on disk (SQLite, blobs, the generated secret key) lives in the private data directory.
  ensurePrivateDirectory(config.dataDir);
  return {
    service,
    config,
    events: shared.events ?? openEventStore(config),
    documents: openDocumentStore(config, service),
    clock: systemClock,
    services: shared.services,
  };
};

/** The runtime of a service running as its own process: its stores and a NATS client. */
export const openProcessRuntime = (config: WharfConfig & { transport: { kind: 'nats'; url: string } }, service: ServiceName): ServiceRuntime =>
  openServiceRuntime(config, service, { services: new ServiceClient(createNatsClient(config.transport.url, service)) });

/** Closes what a runtime opened, last thing before a process exits. */
export const closeServiceRuntime = async (runtime: ServiceRuntime): Promise<void> => {
  await runtime.services.close();
  await runtime.documents.close();
  await runtime.events.close();
};

/** Starts a service's Nest microservice on the given transport, with the error envelope filter, logging through pino. */
export const startService = async (module: DynamicModule, transport: NatsOptions | CustomStrategy): Promise<INestMicroservice> => {
  const app = await NestFactory.createMicroservice(module, { ...transport, logger: nestLogger() });
  app.useGlobalFilters(new RpcErrorFilter());
  await app.listen();
  return app;
};

/**
 * Runs `shutdown` once on SIGTERM or SIGINT, then exits. Apps close first (in-flight requests finish,
 * projections store their checkpoints), stores last.
 */
export const onShutdownSignal = (shutdown: () => Promise<void>): void => {
  const logger = new Logger('Shutdown');
  let closing = false;
  const handle = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, shutting down`);
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
};

/** Entry point of a service running as its own process over NATS (distributed mode). */
export const runServiceProcess = async (service: ServiceName, register: (runtime: ServiceRuntime) => DynamicModule): Promise<void> => {
  const config = loadConfigOrExit({ WHARF_TRANSPORT: 'nats' });
  if (config.transport.kind !== 'nats') {
    console.error('WHARF_TRANSPORT must be nats when a service runs as its own process');
    process.exit(2);
  }
  const runtime = openProcessRuntime({ ...config, transport: config.transport }, service);
  const app = await startService(register(runtime), natsServerOptions(config.transport.url, service));
  new Logger(service).log(`${service} listening on ${config.transport.url}`);
  const metrics = config.metricsPort !== undefined ? await startMetricsServer(config.metricsPort, config.host) : undefined;
  if (metrics) new Logger(service).log(`Metrics on http://${config.host}:${config.metricsPort}/metrics`);
  onShutdownSignal(async () => {
    metrics?.close();
    metrics?.closeAllConnections();
    await app.close();
    await closeServiceRuntime(runtime);
  });
};

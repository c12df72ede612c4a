import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { closeServiceRuntime, httpScheme, loadConfigOrExit, onShutdownSignal, openProcessRuntime } from '@wharf/platform';
import { natsServerOptions } from '@wharf/transport';
import { startRegistry } from './registry.app';

const main = async () => {
  const config = loadConfigOrExit({ WHARF_TRANSPORT: 'nats' });
  if (config.transport.kind !== 'nats') throw new Error('WHARF_TRANSPORT must be nats when the registry runs as its own process');
  const runtime = openProcessRuntime({ ...config, transport: config.transport }, 'registry');
  const app = await startRegistry(runtime, natsServerOptions(config.transport.url, 'registry'));
  new Logger('registry').log(`Registry listening on ${httpScheme(config)}://${config.host}:${config.registryPort}`);
  onShutdownSignal(async () => {
    await app.close();
    await closeServiceRuntime(runtime);
  });
};

void main();

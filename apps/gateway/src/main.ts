import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { httpScheme, loadConfigOrExit, onShutdownSignal } from '@wharf/platform';
import { createNatsClient, ServiceClient } from '@wharf/transport';
import { startGateway } from './gateway.app';

const main = async () => {
  const config = loadConfigOrExit({ WHARF_TRANSPORT: 'nats' });
  if (config.transport.kind !== 'nats') throw new Error('WHARF_TRANSPORT must be nats when the gateway runs as its own process');
  const services = new ServiceClient(createNatsClient(config.transport.url, 'gateway'));
  const app = await startGateway(config, services);
  new Logger('gateway').log(`Gateway listening on ${httpScheme(config)}://${config.host}:${config.apiPort}`);
  onShutdownSignal(async () => {
    await app.close();
    await services.close();
  });
};

void main();

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { httpScheme, loadConfigOrExit, onShutdownSignal } from '@wharf/platform';
import { startEmbedded } from './embedded';

const main = async () => {
  const config = loadConfigOrExit();
  const wharf = await startEmbedded(config);
  const logger = new Logger('wharf');
  logger.log(`Data in ${config.dataDir}`);
  const scheme = httpScheme(config);
  logger.log(`Management API on ${scheme}://${config.host}:${config.apiPort}, registry on ${scheme}://${config.host}:${config.registryPort}`);
  onShutdownSignal(() => wharf.stop());
};

void main();

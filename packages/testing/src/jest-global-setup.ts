import type { StartedTestContainer } from 'testcontainers';
import { resolveServer, serverSpecs, skipReasonVariable } from './servers';

declare global {
  var wharfTestContainers: StartedTestContainer[] | undefined;
}

/** Jest globalSetup of the integration tier: finds or starts KurrentDB and MongoDB, or records why not. */
export default async function globalSetup(): Promise<void> {
  globalThis.wharfTestContainers = [];
  for (const spec of Object.values(serverSpecs)) {
    const resolution = await resolveServer(spec);
    if ('skip' in resolution) {
      process.env[skipReasonVariable(spec)] = resolution.skip;
      // Printed here, in jest's main process, because jest hides the console output of fully skipped files.
      process.stderr.write(`\n[wharf] ${spec.env.replace('_URL', '')} suites are skipped: ${resolution.skip}\n`);
      continue;
    }
    process.env[spec.env] = resolution.url;
    if (resolution.container) globalThis.wharfTestContainers.push(resolution.container);
  }
}

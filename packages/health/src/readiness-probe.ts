import 'reflect-metadata';
import { readinessRpc, SERVICES, type ServiceName } from '@wharf/contracts';
import { createNatsClient, ServiceClient } from '@wharf/transport';

/**
 * A container's readiness probe, for Compose health checks and Kubernetes exec probes:
 *   node packages/health/dist/readiness-probe.js http://127.0.0.1:8080/readyz   an HTTP port's /readyz answers 200
 *   node packages/health/dist/readiness-probe.js catalog                          the service answers ready over NATS_URL
 * Exits 0 when ready, 1 when not (printing why).
 */
const PROBE_TIMEOUT_MS = 5000;

const probeHttp = async (url: string): Promise<void> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
};

const probeService = async (service: ServiceName): Promise<void> => {
  const natsUrl = process.env.NATS_URL;
  if (!natsUrl) throw new Error('NATS_URL is required to probe a service');
  const client = new ServiceClient(createNatsClient(natsUrl, `${service}-probe`), PROBE_TIMEOUT_MS);
  try {
    const reply = await client.call(readinessRpc(service), {});
    if (!reply.ready) throw new Error(`${service} is not ready: ${JSON.stringify(reply.checks)}`);
  } finally {
    await client.close();
  }
};

const isService = (target: string): target is ServiceName => (SERVICES as readonly string[]).includes(target);

const main = async (target: string | undefined): Promise<void> => {
  if (target && /^https?:\/\//.test(target)) return probeHttp(target);
  if (target && isService(target)) return probeService(target);
  throw new Error(`usage: readiness-probe <http(s) URL of /readyz | ${SERVICES.join(' | ')}>`);
};

main(process.argv[2]).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);

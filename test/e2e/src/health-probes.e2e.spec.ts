import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { http } from './http';
import { WharfProcesses } from './wharf-processes';

interface TerminusBody {
  status: string;
  info?: Record<string, { status: string } & Record<string, unknown>>;
  error?: Record<string, { status: string } & Record<string, unknown>>;
  details: Record<string, { status: string } & Record<string, unknown>>;
}

const SERVICES = ['identity', 'catalog', 'access', 'lifecycle', 'registry'];

const probe = (url: string) => http<TerminusBody>(url);

/** The image's readiness probe (Compose health checks, Kubernetes exec probes): its exit code. */
const READINESS_PROBE = resolve(__dirname, '../../../packages/health/dist/readiness-probe.js');
const probeExit = (target: string, natsUrl?: string) =>
  spawnSync(process.execPath, [READINESS_PROBE, target], { env: { PATH: process.env.PATH, ...(natsUrl ? { NATS_URL: natsUrl } : {}) }, encoding: 'utf8' }).status;

/** Polls until `/readyz` answers `status`, at most `attempts` times. */
const readyzUntil = async (url: string, status: number, attempts = 300) => {
  let answer = await probe(`${url}/readyz`);
  for (let attempt = 1; answer.status !== status && attempt < attempts; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await probe(`${url}/readyz`);
  }
  if (answer.status !== status) throw new Error(`${url}/readyz still answers ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
};

describe('health probes', () => {
  it('embedded: /livez and /readyz answer 200 on both ports, readiness naming every dependency; /healthz stays', async () => {
    const wharf = await WharfProcesses.start('embedded');
    try {
      for (const url of [wharf.apiUrl, wharf.registryUrl]) {
        const live = await probe(`${url}/livez`);
        expect(live.status).toBe(200);
        expect(live.body.status).toBe('ok');

        const ready = await probe(`${url}/readyz`);
        expect(ready.status).toBe(200);
        expect(ready.body.status).toBe('ok');
        expect(ready.body.details.nats).toBeUndefined();
        for (const service of SERVICES) {
          const checks = ready.body.details[service]?.checks as Record<string, { status: string; projections?: unknown[] }>;
          expect(ready.body.details[service]?.status).toBe('up');
          expect(checks.eventStore?.status).toBe('up');
          expect(checks.readModels?.status).toBe('up');
          expect(Array.isArray(checks.readModels?.projections)).toBe(true);
        }
        for (const service of ['registry', 'lifecycle']) {
          expect((ready.body.details[service]?.checks as Record<string, { status: string }>).blobStore?.status).toBe('up');
        }
      }
      expect((await probe(`${wharf.registryUrl}/readyz`)).body.details.blobStore).toMatchObject({ status: 'up', driver: 'filesystem' });

      const health = await http<{ status: string; services: unknown[] }>(`${wharf.apiUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok' });
      expect(health.body.services).toHaveLength(SERVICES.length);
    } finally {
      await wharf.stop();
    }
  }, 120000);

  it('distributed: /readyz turns 503 on both ports once NATS is stopped, while /livez stays 200', async () => {
    const wharf = await WharfProcesses.start('distributed');
    try {
      for (const url of [wharf.apiUrl, wharf.registryUrl]) {
        const ready = await readyzUntil(url, 200);
        expect(ready.body.details.nats?.status).toBe('up');
        expect(probeExit(`${url}/readyz`)).toBe(0);
      }
      expect(probeExit('catalog', wharf.natsUrl)).toBe(0);

      await wharf.stopNats();

      for (const url of [wharf.apiUrl, wharf.registryUrl]) {
        const unready = await readyzUntil(url, 503);
        expect(unready.body.status).toBe('error');
        expect(unready.body.error?.nats?.status).toBe('down');
        expect(unready.body.details.catalog?.status).toBe('down');
        expect((await probe(`${url}/livez`)).status).toBe(200);
        expect(probeExit(`${url}/readyz`)).toBe(1);
      }
      expect(probeExit('catalog', wharf.natsUrl)).toBe(1);
    } finally {
      await wharf.stop();
    }
  }, 180000);
});

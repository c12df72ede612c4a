import { containersUsing, imageName, imagePatch, workloadPath } from './kubernetes-rollout';
import { loadConfig } from '@wharf/platform';
import { nextAttemptAt } from './webhook-settings';

const loadWebhookSettings = (env: NodeJS.ProcessEnv) => loadConfig(env).webhooks;

describe('webhook settings', () => {
  it('defaults to the Standard Webhooks schedule, a 15 s timeout and no private targets', () => {
    expect(loadWebhookSettings({})).toEqual({
      retrySchedule: [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
      timeoutMs: 15_000,
      allowPrivate: false,
    });
  });

  it('reads a shortened schedule, a timeout and the private-target switch; refuses bad values naming the variable', () => {
    expect(loadWebhookSettings({ WHARF_WEBHOOK_RETRY_SCHEDULE: '0ms, 200ms,1s', WHARF_WEBHOOK_TIMEOUT_SECONDS: '3', WHARF_WEBHOOK_ALLOW_PRIVATE: 'true' })).toEqual({
      retrySchedule: [0, 200, 1000],
      timeoutMs: 3000,
      allowPrivate: true,
    });
    expect(() => loadWebhookSettings({ WHARF_WEBHOOK_RETRY_SCHEDULE: '5 minutes' })).toThrow(/WHARF_WEBHOOK_RETRY_SCHEDULE/);
    expect(() => loadWebhookSettings({ WHARF_WEBHOOK_TIMEOUT_SECONDS: '0' })).toThrow(/WHARF_WEBHOOK_TIMEOUT_SECONDS/);
    expect(() => loadWebhookSettings({ WHARF_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/WHARF_WEBHOOK_ALLOW_PRIVATE/);
  });

  it('spaces attempts by the schedule with ±10 % jitter', () => {
    const settings = loadWebhookSettings({});
    const at = (attemptsMade: number, random: number) => Date.parse(nextAttemptAt(settings, attemptsMade, 0, () => random));
    expect([at(1, 0), at(1, 0.5), at(1, 1)]).toEqual([4_500, 5_000, 5_500]);
    expect(at(2, 0.5)).toBe(300_000);
    expect(at(7, 0.5)).toBe(36_000_000);
  });
});

describe('cce rollout requests', () => {
  it('addresses the workload under the apps/v1 API', () => {
    expect(workloadPath('default', 'deployments', 'web')).toBe('/apis/apps/v1/namespaces/default/deployments/web');
    expect(workloadPath('prod', 'statefulsets', 'db')).toBe('/apis/apps/v1/namespaces/prod/statefulsets/db');
  });

  it('finds the containers running the pushed repository, whatever tag or digest they run now', () => {
    expect(imageName('host:5000/team/app:v1@sha256:abc')).toBe('host:5000/team/app');
    expect(imageName('host:5000/team/app')).toBe('host:5000/team/app');
    const workload = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'web', image: 'host:5000/team/app:v0' },
              { name: 'sidecar', image: 'host:5000/team/proxy:v1' },
              { name: 'worker', image: 'host:5000/team/app@sha256:def' },
            ],
          },
        },
      },
    };
    expect(containersUsing(workload, 'host:5000/team/app')).toEqual(['web', 'worker']);
    expect(containersUsing({}, 'host:5000/team/app')).toEqual([]);
  });

  it('patches only those containers’ images (a strategic merge by container name)', () => {
    expect(JSON.parse(imagePatch(['web'], 'host:5000/team/app:v1@sha256:abc'))).toEqual({
      spec: { template: { spec: { containers: [{ name: 'web', image: 'host:5000/team/app:v1@sha256:abc' }] } } },
    });
  });
});

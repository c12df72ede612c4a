import { adminToken, http } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WebhookReceivers } from './webhook-receivers';
import { WharfProcesses } from './wharf-processes';

const PUSHES = 200;
/** Long enough that no delivery runs out of attempts while the receiver is down (20 attempts over about 35 s). */
const SCHEDULE = ['0ms', '500ms', '1s', ...Array<string>(17).fill('2s')].join(',');

/**
 * The outbox loses nothing: 200 pushes, Wharf killed with SIGKILL once while every delivery was failing and being
 * retried (after the pushes were acknowledged, before any delivery succeeded), and once in the middle of pushes and
 * deliveries. After each restart every acknowledged push is delivered at least once, verified, and the first
 * deliveries arrive in push order.
 */
describe('webhook deliveries across kill -9 (embedded)', () => {
  let wharf: WharfProcesses;
  let receivers: WebhookReceivers;
  let oci: OciHttp;

  beforeAll(async () => {
    receivers = await WebhookReceivers.start();
    wharf = await WharfProcesses.start('embedded', { WHARF_WEBHOOK_ALLOW_PRIVATE: 'true', WHARF_WEBHOOK_RETRY_SCHEDULE: SCHEDULE });
    oci = new OciHttp(wharf.registryUrl);
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
    await receivers?.stop();
  });

  it('delivers every acknowledged push of 200 at least once, in push order, across two SIGKILLs', async () => {
    const admin = await adminToken(wharf.apiUrl);
    await createNamespace(wharf.apiUrl, admin, 'durable');
    const call = <T = unknown>(method: string, path: string, json?: unknown) => http<T>(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': admin }, ...(json !== undefined ? { json } : {}) });
    expect((await call('POST', '/v2/manage/namespaces/durable/repos', { repository: 'app', is_public: false, category: 'other' })).status).toBe(201);
    const created = await call<{ webhook: { secret: string } }>('POST', '/v2/manage/namespaces/durable/repos/app/triggers', {
      name: 'all-pushes',
      enable: 'true',
      action: 'update',
      trigger_mode: 'webhook',
      trigger_type: 'all',
      condition: '.*',
      webhook: { url: receivers.hookUrl('durable'), format: 'cloudevents' },
    });
    expect(created.status).toBe(201);
    await receivers.script('durable', { secret: created.body.webhook.secret, status: 503 });

    const acknowledged: string[] = [];
    const tagOf = (i: number) => `p${String(i).padStart(3, '0')}`;
    let token = (await oci.token(['repository:durable/app:pull,push'])).token;
    const push = async (i: number) => {
      const { result } = await oci.pushImage('durable/app', tagOf(i), token, `layer ${i}`);
      if (result.status === 201) acknowledged.push(tagOf(i));
    };

    // 1. The receiver is down: 100 pushes are acknowledged, their deliveries fail and are retried; then SIGKILL.
    for (let i = 0; i < 100; i++) await push(i);
    await receivers.until('durable', (received) => received.length >= 3);
    await wharf.kill('wharf');
    await receivers.script('durable', { status: 200 });
    await wharf.restart('wharf');

    // 2. The receiver is up: 100 more pushes, with a SIGKILL while they and their deliveries are under way.
    token = (await oci.token(['repository:durable/app:pull,push'])).token;
    let killed: Promise<void> | undefined;
    for (let i = 100; i < PUSHES; i++) {
      if (i === 140) killed = wharf.kill('wharf');
      await push(i).catch(() => undefined);
      if (killed) {
        await killed;
        killed = undefined;
        await wharf.restart('wharf');
        token = (await oci.token(['repository:durable/app:pull,push'])).token;
      }
    }

    const delivered = (received: Awaited<ReturnType<WebhookReceivers['received']>>) =>
      new Set(received.filter((request) => request.answered === 200).map((request) => (request.cloudEvent!.data as { tag: string }).tag));
    const received = await receivers.until('durable', (list) => acknowledged.every((tag) => delivered(list).has(tag)), 240000);
    expect(acknowledged.length).toBeGreaterThanOrEqual(PUSHES - 2);
    expect(acknowledged.filter((tag) => !delivered(received).has(tag))).toEqual([]);
    for (const request of received) expect(request.verified).toEqual({ standard: true, hub: true, flux: true });
    // At least once: a redelivery carries the same id; in order: first deliveries follow the pushes.
    const firsts: string[] = [];
    for (const request of received.filter((r) => r.answered === 200)) {
      const tag = (request.cloudEvent!.data as { tag: string }).tag;
      if (!firsts.includes(tag)) firsts.push(tag);
    }
    expect(firsts).toEqual([...firsts].sort());
    const ids = new Map<string, string>();
    for (const request of received) {
      const tag = (request.cloudEvent!.data as { tag: string }).tag;
      expect(ids.get(tag) ?? request.headers['webhook-id']).toBe(request.headers['webhook-id']);
      ids.set(tag, request.headers['webhook-id']!);
    }
  }, 600000);
});

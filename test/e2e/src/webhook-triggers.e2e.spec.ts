import { ContainerTools } from './container-tools';
import { adminToken, http } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WebhookReceivers, type ReceivedRequest } from './webhook-receivers';
import { ADMIN_PASSWORD, WharfProcesses, type Mode } from './wharf-processes';

const FORMATS = ['cloudevents', 'cloudevents-binary', 'harbor', 'distribution', 'dockerhub', 'quay', 'cdevents'] as const;

interface Delivery {
  id: string;
  event_id: string;
  tag: string;
  status: string;
  attempts: number;
  response_code: number | null;
  latency_ms: number | null;
  request: { method: string; url: string; headers: Record<string, string>; body: string } | null;
}

/** What every delivery must be: signed three ways (each verifying), keyed by the CloudEvent id of its push. */
const expectVerified = (received: ReceivedRequest[]) => {
  for (const request of received) {
    expect(request.verified).toEqual({ standard: true, hub: true, flux: true });
    expect(request.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
  }
};

/** The tag a delivery announces, read as its format's consumer reads it. */
const tagOf = (format: (typeof FORMATS)[number], request: ReceivedRequest): string => {
  const body: unknown = JSON.parse(request.body);
  switch (format) {
    case 'cloudevents':
    case 'cloudevents-binary':
      return (request.cloudEvent!.data as { tag: string }).tag;
    case 'harbor':
      return (body as { event_data: { resources: { tag: string }[] } }).event_data.resources[0]!.tag;
    case 'distribution':
      return (body as { events: { target: { tag: string } }[] }).events[0]!.target.tag;
    case 'dockerhub':
      return (body as { push_data: { tag: string } }).push_data.tag;
    case 'quay':
      return (body as { updated_tags: string[] }).updated_tags[0]!;
    case 'cdevents':
      return decodeURIComponent(/[?&]tag=([^&]+)/.exec((body as { subject: { id: string } }).subject.id)![1]!);
  }
};

describe.each<Mode>(['embedded', 'distributed'])('webhook triggers (%s)', (mode) => {
  let wharf: WharfProcesses;
  let receivers: WebhookReceivers;
  let tools: ContainerTools;
  let oci: OciHttp;
  let host: string;
  let admin: string;
  let pushToken: string;
  const base = '/v2/manage/namespaces/hooks/repos/app/triggers';
  const call = <T = unknown>(method: string, path: string, json?: unknown) => http<T>(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': admin }, ...(json !== undefined ? { json } : {}) });
  /** A webhook trigger posting to the receiver's hook `name`; the receiver learns the secret Wharf answers once. */
  const webhookTrigger = async (name: string, settings: { format: string; condition: string; type?: string; headers?: Record<string, string> }) => {
    const created = await call<{ webhook: { secret: string } }>('POST', base, {
      name,
      enable: 'true',
      action: 'update',
      trigger_mode: 'webhook',
      trigger_type: settings.type ?? 'tag',
      condition: settings.condition,
      webhook: { url: receivers.hookUrl(name), format: settings.format, ...(settings.headers ? { headers: settings.headers } : {}) },
    });
    expect(created.status).toBe(201);
    expect(created.body.webhook.secret).toMatch(/^whsec_/);
    await receivers.script(name, { secret: created.body.webhook.secret });
    return created.body.webhook.secret;
  };
  const deliveries = async (name: string) => (await call<{ deliveries: Delivery[]; total: number }>('GET', `${base}/${name}/deliveries`)).body;
  const settled = async (name: string, count: number) => {
    for (let i = 0; i < 300; i++) {
      const { deliveries: list } = await deliveries(name);
      if (list.length >= count && list.every((delivery) => delivery.status === 'delivered' || delivery.status === 'failed')) return list;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return (await deliveries(name)).deliveries;
  };
  const pushTag = async (tag: string) => expect((await oci.pushImage('hooks/app', tag, pushToken, `layer ${tag}`)).result.status).toBe(201);

  beforeAll(async () => {
    receivers = await WebhookReceivers.start();
    wharf = await WharfProcesses.start(mode, { WHARF_WEBHOOK_ALLOW_PRIVATE: 'true', WHARF_WEBHOOK_RETRY_SCHEDULE: '0ms,300ms,300ms,300ms,300ms' });
    oci = new OciHttp(wharf.registryUrl);
    host = oci.service;
    admin = await adminToken(wharf.apiUrl);
    await createNamespace(wharf.apiUrl, admin, 'hooks');
    expect((await call('POST', '/v2/manage/namespaces/hooks/repos', { repository: 'app', is_public: false, category: 'other' })).status).toBe(201);
    pushToken = (await oci.token(['repository:hooks/app:pull,push'])).token;
    tools = new ContainerTools();
  }, 240000);
  afterAll(async () => {
    await wharf?.stop();
    await receivers?.stop();
    tools?.cleanup();
  });

  it('fires on a podman push: exactly one verified delivery per matching tag, in order, in every format', async () => {
    const missing = await ContainerTools.missing();
    if (missing.length > 0) throw new Error(`This test needs ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    for (const format of FORMATS) await webhookTrigger(format, { format, type: 'regular', condition: '^v[0-9]+$' });
    await tools.buildImage('app:1', 'pushed by podman');
    await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, host);
    for (const tag of ['v1', 'v2', 'latest']) await tools.podman('push', '--tls-verify=false', 'localhost/app:1', `${host}/hooks/app:${tag}`);

    for (const format of FORMATS) {
      const list = await settled(format, 2);
      expect([format, list.map((delivery) => [delivery.tag, delivery.status, delivery.attempts])]).toEqual([
        format,
        [
          ['v2', 'delivered', 1],
          ['v1', 'delivered', 1],
        ],
      ]);
      const received = await receivers.received(format);
      expect([format, received.map((request) => tagOf(format, request))]).toEqual([format, ['v1', 'v2']]);
      expectVerified(received);
      expect(received.map((request) => request.headers['webhook-id'])).toEqual([...list].reverse().map((delivery) => delivery.event_id));
      if (format.startsWith('cloudevents') || format === 'cdevents') {
        expect(received.every((request) => request.cloudEvent?.valid && request.cloudEvent.id === request.headers['webhook-id'])).toBe(true);
      }
    }
    const [cloudEvent] = await receivers.received('cloudevents');
    expect(cloudEvent!.cloudEvent).toMatchObject({ type: 'io.wharf.image.pushed.v1', subject: 'hooks/app:v1', data: { registry: host, repository: 'hooks/app', tag: 'v1' } });
    // The trigger's history shows each firing, success.
    const trigger = await call<{ trigger_history: { result: string; tag: string }[] }>('GET', `${base}/quay`);
    expect(trigger.body.trigger_history.map((entry) => [entry.tag, entry.result])).toEqual([
      ['v2', 'success'],
      ['v1', 'success'],
    ]);
  });

  it('retries: a receiver answering 500 three times gets the event on the fourth attempt; the history shows the attempts and the request as sent', async () => {
    await webhookTrigger('flaky', { format: 'harbor', condition: 'v10', headers: { Authorization: 'harbor-style-token' } });
    await receivers.script('flaky', { statuses: [500, 500, 500] });
    await pushTag('v10');
    const [delivery] = await settled('flaky', 1);
    expect(delivery).toMatchObject({ tag: 'v10', status: 'delivered', attempts: 4, response_code: 200 });
    expect(delivery!.latency_ms).toEqual(expect.any(Number));
    const received = await receivers.received('flaky');
    expect(received.map((request) => request.answered)).toEqual([500, 500, 500, 200]);
    expect(new Set(received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(received.map((request) => request.headers.authorization)).toEqual(Array(4).fill('harbor-style-token'));
    expectVerified(received);
    expect(delivery!.request).toMatchObject({ method: 'POST', url: receivers.hookUrl('flaky'), body: received[3]!.body });
    expect(delivery!.request!.headers).toMatchObject({ Authorization: '<redacted>', 'webhook-id': delivery!.event_id, 'Content-Type': 'application/json' });
    expect(JSON.stringify(delivery!.request)).not.toContain('harbor-style-token');
  });

  it('a slow target and a dead one hold up only their own triggers', async () => {
    await webhookTrigger('slow', { format: 'quay', condition: 'v30' });
    await webhookTrigger('dead', { format: 'quay', condition: 'v30' });
    await webhookTrigger('prompt', { format: 'quay', condition: 'v30' });
    await receivers.script('slow', { delayMs: 8000 });
    await receivers.script('dead', { status: 503 });
    await pushTag('v30');
    const [prompt] = await settled('prompt', 1);
    expect(prompt).toMatchObject({ tag: 'v30', status: 'delivered', attempts: 1 });
    // The slow target got its request and has not answered it yet; the dead one is being retried.
    expect((await receivers.received('slow')).map((request) => request.answered)).toEqual([200]);
    expect((await deliveries('slow')).deliveries).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);
    expect((await deliveries('dead')).deliveries[0]!.status).toMatch(/pending|retrying|failed/);
    expect((await receivers.received('dead')).every((request) => request.answered === 503)).toBe(true);
  });

  it('410 disables the webhook; later pushes do not fire until it is enabled again; a dead letter is redelivered through the API', async () => {
    await webhookTrigger('gone', { format: 'cloudevents', condition: 'v20;v21;v22' });
    await receivers.script('gone', { statuses: [410] });
    await pushTag('v20');
    const [dead] = await settled('gone', 1);
    expect(dead).toMatchObject({ tag: 'v20', status: 'failed', attempts: 1, response_code: 410 });
    const disabled = await call<{ enable: string; disabled_reason: string; trigger_history: { result: string; detail: string }[] }>('GET', `${base}/gone`);
    expect(disabled.body).toMatchObject({ enable: 'false', disabled_reason: `${receivers.hookUrl('gone')} answered 410 Gone` });
    expect(disabled.body.trigger_history).toEqual([expect.objectContaining({ result: 'failed', detail: expect.stringContaining('HTTP 410') })]);

    await pushTag('v21');
    expect((await call('PATCH', `${base}/gone`, { enable: 'true' })).status).toBe(201);
    const redelivered = await call<Delivery>('POST', `${base}/gone/deliveries/${dead!.id}/redeliver`);
    expect([redelivered.status, redelivered.body.status]).toEqual([202, 'pending']);
    expect((await call('POST', `${base}/gone/deliveries/no-such-delivery/redeliver`)).status).toBe(404);
    await pushTag('v22');
    await settled('gone', 2);
    const received = await receivers.until('gone', (list) => list.length >= 3);
    // v21 was pushed while the trigger was off: it never fired.
    expect(received.map((request) => [(request.cloudEvent!.data as { tag: string }).tag, request.answered])).toEqual([
      ['v20', 410],
      ['v20', 200],
      ['v22', 200],
    ]);
    expect(received[0]!.headers['webhook-id']).toBe(received[1]!.headers['webhook-id']);
    expect((await deliveries('gone')).deliveries.map((delivery) => [delivery.tag, delivery.status])).toEqual([
      ['v22', 'delivered'],
      ['v20', 'delivered'],
    ]);
  });
});

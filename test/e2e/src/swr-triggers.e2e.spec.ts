import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminToken, http, passwordLogin } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

type SwrError = [{ errorCode: string; errorMessage: string }];
interface HistoryEntry {
  result: 'success' | 'failed';
  detail: string;
  tag: string;
  created_at: string;
  app_type: string;
  application: string;
  cluster_ns: string;
}
interface SwrTrigger {
  name: string;
  enable: string;
  trigger_mode: string;
  trigger_type: string;
  condition: string;
  cluster_id: string;
  cluster_name: string;
  created_at: string;
  creator_name: string;
  trigger_history: HistoryEntry[];
  webhook?: { url: string; format: string; headers: Record<string, string> };
  disabled_reason?: string;
}

/**
 * A Kubernetes API server's two workload endpoints as a `cce` trigger uses them (read a deployment, strategic-merge
 * patch it), answering only to the cluster's bearer token, recording what it was sent.
 */
const kubernetesApi = async (token: string, image: string) => {
  const requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  // Real workloads are read with their managed fields, often many kilobytes.
  const metadata = { name: 'web', namespace: 'prod', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(20000) } };
  let deployment = { kind: 'Deployment', metadata, spec: { template: { spec: { containers: [{ name: 'web', image }, { name: 'proxy', image: 'nginx:1.27' }] } } } };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      const reply = (status: number, value: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
      if (request.headers.authorization !== `Bearer ${token}`) return reply(401, { kind: 'Status', message: 'Unauthorized' });
      if (request.url !== '/apis/apps/v1/namespaces/prod/deployments/web') return reply(404, { kind: 'Status', message: 'deployments.apps "x" not found' });
      if (request.method === 'GET') return reply(200, deployment);
      if (request.method === 'PATCH' && request.headers['content-type'] === 'application/strategic-merge-patch+json') {
        const patch = JSON.parse(body) as { spec: { template: { spec: { containers: { name: string; image: string }[] } } } };
        const containers = deployment.spec.template.spec.containers.map((c) => ({ ...c, ...patch.spec.template.spec.containers.find((p) => p.name === c.name) }));
        deployment = { ...deployment, spec: { template: { spec: { containers } } } };
        return reply(200, deployment);
      }
      reply(415, { kind: 'Status', message: 'unsupported' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, current: () => deployment, close: () => new Promise((resolve) => server.close(resolve)) };
};

/** SWR's trigger routes (§1.2.10) with Wharf's cce rollouts and cci refusals, in embedded mode. */
describe('SWR triggers', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let host: string;
  let admin: string;
  let other: string;
  const sessions: Record<string, string> = {};
  const base = '/v2/manage/namespaces/deploys/repos/web/triggers';
  const call = <T = unknown>(session: string, method: string, path: string, json?: unknown) =>
    http<T>(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session }, ...(json !== undefined ? { json } : {}) });
  const codeOf = (body: unknown) => (body as SwrError)[0]?.errorCode;
  let pushToken: string;
  const push = async (tag: string) => expect((await oci.pushImage('deploys/web', tag, pushToken, `layer ${tag}`)).result.status).toBe(201);
  const cce = { action: 'update', app_type: 'deployments', application: 'web', cluster_ns: 'prod', condition: '.*', container: '', enable: 'true', trigger_type: 'all' };
  const historyOf = async (name: string, done: (history: HistoryEntry[]) => boolean) => {
    for (let i = 0; i < 150; i++) {
      const { body } = await call<SwrTrigger>(admin, 'GET', `${base}/${name}`);
      if (done(body.trigger_history)) return body.trigger_history;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return (await call<SwrTrigger>(admin, 'GET', `${base}/${name}`)).body.trigger_history;
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded', { WHARF_WEBHOOK_ALLOW_PRIVATE: 'true', WHARF_WEBHOOK_RETRY_SCHEDULE: '0ms,200ms,200ms' });
    oci = new OciHttp(wharf.registryUrl);
    host = oci.service;
    admin = await adminToken(wharf.apiUrl);
    await createNamespace(wharf.apiUrl, admin, 'deploys');
    pushToken = (await oci.token(['repository:deploys/web:pull,push'])).token;
    await push('v0');
    for (const [name, auth] of [
      ['reader', 1],
      ['editor', 3],
    ] as const) {
      const user = (await call<{ user: { id: string } }>(admin, 'POST', '/v3/users', { user: { name, password: `${name}-password` } })).body.user;
      expect((await call(admin, 'POST', '/v2/manage/namespaces/deploys/repos/web/access', [{ user_id: user.id, user_name: name, auth }])).status).toBe(201);
      sessions[name] = (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(name, `${name}-password`, 'admin') })).headers.get('x-subject-token')!;
    }
    const account = (await call<{ domain: { id: string } }>(admin, 'POST', '/v3/domains', { domain: { name: 'elsewhere' } })).body.domain;
    await call(admin, 'POST', '/v3/users', { user: { name: 'elsewhere-admin', password: 'elsewhere-password', domain_id: account.id, account_admin: true } });
    other = (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('elsewhere-admin', 'elsewhere-password') })).headers.get('x-subject-token')!;
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('creates (201), lists as a bare array with trigger_history, gets, disables with the string "false" and deletes (204)', async () => {
    const created = await call(admin, 'POST', base, { ...cce, name: 'later', trigger_mode: 'cci' });
    expect([created.status, created.body]).toEqual([201, {}]);
    const listed = await call<SwrTrigger[]>(admin, 'GET', base);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      {
        name: 'later',
        enable: 'true',
        action: 'update',
        app_type: 'deployments',
        application: 'web',
        cluster_id: '',
        cluster_name: '',
        cluster_ns: 'prod',
        condition: '.*',
        container: '',
        trigger_mode: 'cci',
        trigger_type: 'all',
        created_at: expect.any(String),
        creator_name: 'admin',
        trigger_history: [],
      },
    ]);
    expect((await call<SwrTrigger>(admin, 'GET', `${base}/later`)).body).toEqual(listed.body[0]);
    const disabled = await call(admin, 'PATCH', `${base}/later`, { enable: 'false' });
    expect([disabled.status, disabled.body]).toEqual([201, {}]);
    expect((await call<SwrTrigger>(admin, 'GET', `${base}/later`)).body.enable).toBe('false');
    expect((await call(admin, 'PATCH', `${base}/later`, { enable: false })).status).toBe(400);
    expect((await call(admin, 'DELETE', `${base}/later`)).status).toBe(204);
    expect(codeOf((await call(admin, 'GET', `${base}/later`)).body)).toBe('SVCSTG.SWR.4040201');
    expect((await call(admin, 'DELETE', `${base}/later`)).status).toBe(404);
  });

  it('refuses invalid fields with SWR’s "Invalid API parameters" and a name taken in the repository with 409', async () => {
    const invalid: Record<string, unknown>[] = [
      { ...cce, name: 'x', enable: true },
      { ...cce, name: 'x', trigger_type: 'sometimes' },
      { ...cce, name: 'x', trigger_mode: 'cci', condition: 'v1' },
      { ...cce, name: 'x', trigger_mode: 'cci', trigger_type: 'regular', condition: '(' },
      { ...cce, name: 'x', trigger_mode: 'cci', trigger_type: 'tag', condition: 'bad tag' },
      { ...cce, name: 'x', trigger_mode: 'cci', app_type: 'daemonsets' },
      { ...cce, name: 'x', trigger_mode: 'cci', cluster_ns: '' },
      { ...cce, name: 'x', trigger_mode: 'cce' },
      { ...cce, name: 'x', trigger_mode: 'cce', cluster_name: 'no-such-cluster' },
      { ...cce, name: 'x', trigger_mode: 'webhook' },
      { ...cce, name: 'x', trigger_mode: 'webhook', webhook: { url: 'ftp://example.com', format: 'harbor' } },
      { ...cce, name: 'x', trigger_mode: 'webhook', webhook: { url: 'http://127.0.0.1:9/h', format: 'teams' } },
      { ...cce, name: 'x', trigger_mode: 'webhook', webhook: { url: 'http://127.0.0.1:9/h', format: 'harbor', secret: 'short' } },
      { ...cce, name: 'x', trigger_mode: 'webhook', webhook: { url: 'http://127.0.0.1:9/h', format: 'harbor', headers: { 'Content-Type': 'text/plain' } } },
      { ...cce, name: 'x', trigger_mode: 'cci', webhook: { url: 'http://127.0.0.1:9/h', format: 'harbor' } },
      { ...cce, name: '', trigger_mode: 'cci' },
    ];
    for (const body of invalid) {
      const answer = await call(admin, 'POST', base, body);
      expect([JSON.stringify(body), answer.status, codeOf(answer.body)]).toEqual([JSON.stringify(body), 400, 'SVCSTG.SWR.4000014']);
    }
    expect((await call(admin, 'POST', base, { ...cce, name: 'twice', trigger_mode: 'cci' })).status).toBe(201);
    const again = await call(admin, 'POST', base, { ...cce, name: 'twice', trigger_mode: 'cci' });
    expect([again.status, codeOf(again.body)]).toEqual([409, 'SVCSTG.SWR.4090201']);
    expect((await call(admin, 'DELETE', `${base}/twice`)).status).toBe(204);
  });

  it('lets any level read, only manage (7) change; other accounts see no repository', async () => {
    expect((await call(admin, 'POST', base, { ...cce, name: 'guarded', trigger_mode: 'cci' })).status).toBe(201);
    expect((await call<SwrTrigger[]>(sessions.reader!, 'GET', base)).body.map((trigger) => trigger.name)).toContain('guarded');
    expect((await call(sessions.reader!, 'GET', `${base}/guarded`)).status).toBe(200);
    for (const session of [sessions.reader!, sessions.editor!]) {
      const create = await call(session, 'POST', base, { ...cce, name: 'mine', trigger_mode: 'cci' });
      expect([create.status, codeOf(create.body)]).toEqual([403, 'SVCSTG.SWR.4037018']);
      expect((await call(session, 'PATCH', `${base}/guarded`, { enable: 'false' })).status).toBe(403);
      expect((await call(session, 'DELETE', `${base}/guarded`)).status).toBe(403);
    }
    expect((await call(other, 'GET', base)).status).toBe(404);
    expect((await call(other, 'POST', base, { ...cce, name: 'theirs', trigger_mode: 'cci' })).status).toBe(404);
    expect((await call(admin, 'GET', '/v2/manage/namespaces/deploys/repos/missing/triggers')).status).toBe(404);
    expect((await call(admin, 'DELETE', `${base}/guarded`)).status).toBe(204);
  });

  it('cce: a push updates the workload through the Kubernetes API registered on the cluster integration, recorded as success', async () => {
    const api = await kubernetesApi('cluster-bearer-token', `${host}/deploys/web:v0`);
    try {
      const registry = (await call<{ registries: { id: string; name: string }[] }>(admin, 'GET', '/api/v2/registries')).body.registries.find((r) => r.name === 'deploys')!;
      const cluster = await call<{ id: string; kubernetes: { apiServer: string } }>(admin, 'POST', `/api/v1/registries/${registry.id}/clusters`, {
        name: 'prod',
        pool: 'ru-9',
        kubernetes: { apiServer: api.url, token: 'cluster-bearer-token' },
      });
      expect([cluster.status, cluster.body.kubernetes]).toEqual([201, { apiServer: api.url }]);
      expect(JSON.stringify((await call(admin, 'GET', `/api/v1/registries/${registry.id}/clusters`)).body)).not.toContain('cluster-bearer-token');
      expect((await call(admin, 'POST', base, { ...cce, name: 'rollout', trigger_mode: 'cce', cluster_name: 'prod', trigger_type: 'tag', condition: 'v1' })).status).toBe(201);
      expect((await call<SwrTrigger>(admin, 'GET', `${base}/rollout`)).body).toMatchObject({ cluster_id: cluster.body.id, cluster_name: 'prod' });

      await push('v1');
      await push('v2');
      const [entry] = await historyOf('rollout', (history) => history.length > 0);
      expect(entry).toMatchObject({ result: 'success', tag: 'v1', app_type: 'deployments', application: 'web', cluster_ns: 'prod' });
      const digest = (await oci.request('HEAD', '/v2/deploys/web/manifests/v1', { token: pushToken })).headers.get('docker-content-digest');
      const image = `${host}/deploys/web:v1@${digest}`;
      expect(entry!.detail).toContain(`container web set to ${image}`);
      const patch = api.requests.find((request) => request.method === 'PATCH')!;
      expect(patch.headers).toMatchObject({ authorization: 'Bearer cluster-bearer-token', 'content-type': 'application/strategic-merge-patch+json' });
      expect(JSON.parse(patch.body)).toEqual({ spec: { template: { spec: { containers: [{ name: 'web', image }] } } } });
      expect(api.current().spec.template.spec.containers).toEqual([
        { name: 'web', image },
        { name: 'proxy', image: 'nginx:1.27' },
      ]);
      // v2 matched no condition: one rollout only.
      expect(api.requests.filter((request) => request.method === 'PATCH')).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('cce without a reachable API server, or without one registered, and cci fail visibly in trigger_history', async () => {
    const registry = (await call<{ registries: { id: string; name: string }[] }>(admin, 'GET', '/api/v2/registries')).body.registries.find((r) => r.name === 'deploys')!;
    const unreachable = await call<{ id: string }>(admin, 'POST', `/api/v1/registries/${registry.id}/clusters`, { name: 'down', pool: 'ru-9', kubernetes: { apiServer: 'http://127.0.0.1:1', token: 't' } });
    const bare = await call<{ id: string }>(admin, 'POST', `/api/v1/registries/${registry.id}/clusters`, { name: 'bare', pool: 'ru-9' });
    expect([unreachable.status, bare.status]).toEqual([201, 201]);
    for (const [name, body] of [
      ['to-down', { ...cce, trigger_mode: 'cce', cluster_id: unreachable.body.id, trigger_type: 'tag', condition: 'v3' }],
      ['to-bare', { ...cce, trigger_mode: 'cce', cluster_id: bare.body.id, trigger_type: 'tag', condition: 'v3' }],
      ['to-cci', { ...cce, trigger_mode: 'cci', trigger_type: 'tag', condition: 'v3' }],
    ] as const) {
      expect((await call(admin, 'POST', base, { ...body, name })).status).toBe(201);
    }
    await push('v3');
    // Three attempts (the shortened schedule), then the delivery is dead-lettered.
    for (let i = 0; i < 150; i++) {
      const { body } = await call<{ deliveries: { status: string }[] }>(admin, 'GET', `${base}/to-down/deliveries`);
      if (body.deliveries[0]?.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const deliveries = await call<{ deliveries: { status: string; attempts: number }[] }>(admin, 'GET', `${base}/to-down/deliveries`);
    expect(deliveries.body.deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 3 })]);
    const down = (await call<SwrTrigger>(admin, 'GET', `${base}/to-down`)).body.trigger_history;
    expect(down).toEqual([expect.objectContaining({ result: 'failed', tag: 'v3', detail: expect.stringMatching(/reading deployments\/web in namespace prod at http:\/\/127\.0\.0\.1:1: ECONNREFUSED/) })]);
    expect(await historyOf('to-bare', (history) => history.length > 0)).toEqual([
      expect.objectContaining({ result: 'failed', detail: expect.stringContaining('cluster bare has no Kubernetes API server registered') }),
    ]);
    expect(await historyOf('to-cci', (history) => history.length > 0)).toEqual([expect.objectContaining({ result: 'failed', detail: expect.stringContaining('there is no CCI in Wharf') })]);
    // Registering the API later: the next push deploys.
    const set = await call(admin, 'PATCH', `/api/v1/registries/${registry.id}/clusters/${bare.body.id}`, { kubernetes: { apiServer: 'https://10.0.0.1:6443', token: 'later' } });
    expect([set.status, set.body]).toEqual([200, { id: bare.body.id, name: 'bare', pool: 'ru-9', kubernetes: { apiServer: 'https://10.0.0.1:6443' } }]);
    expect((await call(admin, 'PATCH', `/api/v1/registries/${registry.id}/clusters/${bare.body.id}`, { kubernetes: { apiServer: 'ftp://x', token: 't' } })).status).toBe(400);
  });
});

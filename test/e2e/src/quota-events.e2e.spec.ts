import type { PublicCloudEvent } from '@wharf/contracts/events';
import { adminToken, http, passwordLogin } from './http';
import { createNamespace } from './oci-http';
import { WharfProcesses } from './wharf-processes';

/**
 * quota.warning and quota.exceeded on the public event feed: announced once per crossing (a warning at 85 % of the
 * limit, a refusal when it is full, each again only after the count came back), to the account's administrators.
 */
describe('quota events (embedded)', () => {
  let wharf: WharfProcesses;
  const call = (token: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': token }, ...(json !== undefined ? { json } : {}) });
  const quotaEvents = async (token: string) => {
    const page = await http<{ events: PublicCloudEvent[] }>(`${wharf.apiUrl}/v1/events?types=quota.warning,quota.exceeded&limit=1000`, { headers: { 'X-Auth-Token': token } });
    expect(page.status).toBe(200);
    return page.body.events;
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('announces the warning and each refusal once, to the account’s administrators only', async () => {
    const root = await adminToken(wharf.apiUrl);
    const accountId = ((await call(root, 'POST', '/v3/domains', { domain: { name: 'quota-events' } })).body as { domain: { id: string } }).domain.id;
    await call(root, 'POST', '/v3/users', { user: { name: 'qe-admin', password: 'qe-admin-password', domain_id: accountId, account_admin: true } });
    const member = ((await call(root, 'POST', '/v3/users', { user: { name: 'qe-member', password: 'qe-member-password', domain_id: accountId } })).body as { user: { id: string } }).user;
    const login = async (name: string) => (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(name, `${name}-password`) })).headers.get('x-subject-token')!;
    const owner = await login('qe-admin');
    expect((await call(root, 'PUT', `/v2/manage/projects/${accountId}/quotas`, { quotas: [{ quota_key: 'repository', quota_limit: 2 }] })).status).toBe(200);
    await createNamespace(wharf.apiUrl, owner, 'quoted');
    expect((await call(owner, 'POST', '/v2/manage/namespaces/quoted/access', [{ user_id: member.id, user_name: 'qe-member', auth: 7 }])).status).toBe(200);

    const create = async (name: string) => (await call(owner, 'POST', '/v2/manage/namespaces/quoted/repos', { repository: name, is_public: false, category: 'other' })).status;
    expect(await create('r1')).toBe(201);
    expect(await create('r2')).toBe(201);
    expect(await create('r3')).toBe(400);
    expect(await create('r4')).toBe(400);
    expect((await call(owner, 'DELETE', '/v2/manage/namespaces/quoted/repos/r1')).status).toBe(204);
    expect(await create('r5')).toBe(201);
    expect(await create('r6')).toBe(400);

    let events: PublicCloudEvent[] = [];
    for (let i = 0; i < 50 && events.length < 3; i++) {
      events = await quotaEvents(owner);
      if (events.length < 3) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(events.map((event) => [event.type, event.subject, event.data])).toEqual([
      ['io.wharf.quota.warning.v1', accountId, { accountId, key: 'repository', limit: 2, used: 2, name: 'quoted/r2' }],
      ['io.wharf.quota.exceeded.v1', accountId, { accountId, key: 'repository', limit: 2, used: 2, name: 'quoted/r3' }],
      ['io.wharf.quota.exceeded.v1', accountId, { accountId, key: 'repository', limit: 2, used: 2, name: 'quoted/r6' }],
    ]);
    expect(events.every((event) => event.source === '/wharf/catalog')).toBe(true);
    expect(await quotaEvents(await login('qe-member'))).toEqual([]);
    expect(await quotaEvents(root)).toEqual([]);
  });
});

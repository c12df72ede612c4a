import { adminToken, http, passwordLogin } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

type SwrError = [{ errorCode: string }];
type V3Repos = { repos: Array<Record<string, unknown> & { id: number; name: string }>; nextMarker?: number };
type V3Tags = { tags: Array<Record<string, unknown> & { tag: string; manifest: string }>; nextMarker: string; has_more: boolean };

/** SWR's shared-repository lists (v2 and v3) and the v3 marker-paged repository and tag lists. */
describe('SWR shared and v3 lists', () => {
  let wharf: WharfProcesses;
  let admin: string;
  let partner: string;
  let adminAccount: string;
  let shortDeadline: string;
  const call = (session: string, path: string, init: RequestInit & { json?: unknown } = {}) =>
    http(`${wharf.apiUrl}${path}`, { ...init, headers: { 'X-Auth-Token': session } });
  const codeOf = (body: unknown) => (body as SwrError)[0]?.errorCode;
  const share = (repository: string, deadline: string) =>
    call(admin, `/v2/manage/namespaces/lists/repositories/${repository}/access-domains`, { method: 'POST', json: { access_domain: 'partner-co', permit: 'read', deadline } });

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    admin = await adminToken(wharf.apiUrl);
    const account = (await call(admin, '/v3/domains', { method: 'POST', json: { domain: { name: 'partner-co' } } })).body as { domain: { id: string } };
    await call(admin, '/v3/users', { method: 'POST', json: { user: { name: 'partner-boss', password: 'partner-password', domain_id: account.domain.id, account_admin: true } } });
    partner = (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('partner-boss', 'partner-password') })).headers.get('x-subject-token')!;
    await createNamespace(wharf.apiUrl, admin, 'lists');
    for (const name of ['r1', 'r2', 'r3', 'r4', 'r5']) {
      expect((await call(admin, '/v2/manage/namespaces/lists/repos', { method: 'POST', json: { repository: name, is_public: false } })).status).toBe(201);
    }
    const oci = new OciHttp(wharf.registryUrl);
    const { token } = await oci.token(['repository:lists/r5:pull,push']);
    for (const tag of ['e', 'c', 'a', 'd', 'b']) expect((await oci.pushImage('lists/r5', tag, token)).result.status).toBe(201);
    adminAccount = ((await call(admin, '/v2/manage/repos')).body as Array<{ domain_name: string }>)[0]!.domain_name;
    expect((await share('r1', 'forever')).status).toBe(201);
    shortDeadline = new Date(Date.now() + 3000).toISOString();
    expect((await share('r2', shortDeadline)).status).toBe(201);
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('pages /v3/manage/repos by marker in id order, with the v3 fields', async () => {
    const seen: string[] = [];
    let marker: number | undefined;
    let pages = 0;
    do {
      const page = await call(admin, `/v3/manage/repos?namespace=lists&limit=2${marker !== undefined ? `&marker=${marker}` : ''}`);
      expect(page.status).toBe(200);
      const body = page.body as V3Repos;
      seen.push(...body.repos.map((r) => r.name));
      expect(body.repos.map((r) => r.id)).toEqual([...body.repos.map((r) => r.id)].sort((a, b) => a - b));
      marker = body.nextMarker;
      pages += 1;
    } while (marker !== undefined);
    expect([seen, pages]).toEqual([['r1', 'r2', 'r3', 'r4', 'r5'], 3]);

    const [r5] = ((await call(admin, '/v3/manage/repos?name=5')).body as V3Repos).repos;
    expect(r5).toEqual({
      id: expect.any(Number),
      name: 'r5',
      category: 'other',
      description: '',
      size: expect.any(Number),
      num_images: 5,
      num_download: 0,
      is_public: false,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      domain_name: adminAccount,
      namespace_name: 'lists',
    });
    expect(((await call(admin, '/v3/manage/repos?namespace=list')).body as V3Repos).repos).toEqual([]);
    for (const bad of ['limit=0', 'limit=1001', 'limit=ten', 'marker=-1', 'is_public=maybe']) {
      const refused = await call(admin, `/v3/manage/repos?${bad}`);
      expect([bad, refused.status, codeOf(refused.body)]).toEqual([bad, 400, bad.startsWith('is_public') ? 'SVCSTG.SWR.4001009' : 'SVCSTG.SWR.4000014']);
    }
  });

  it('pages v3 tags with an opaque marker and has_more, lowercase `tag`, the manifest only when asked', async () => {
    const path = '/v3/manage/namespaces/lists/repos/r5/tags?order_column=tag&order_type=asc&limit=2';
    const first = (await call(admin, path)).body as V3Tags;
    expect([first.tags.map((t) => t.tag), first.has_more, first.tags[0]!.manifest]).toEqual([['a', 'b'], true, '']);
    expect(first.tags[0]).not.toHaveProperty('Tag');
    const second = (await call(admin, `${path}&marker=${encodeURIComponent(first.nextMarker)}`)).body as V3Tags;
    expect([second.tags.map((t) => t.tag), second.has_more]).toEqual([['c', 'd'], true]);
    const last = (await call(admin, `${path}&marker=${encodeURIComponent(second.nextMarker)}&with_manifest=true`)).body as V3Tags;
    expect([last.tags.map((t) => t.tag), last.has_more, last.nextMarker]).toEqual([['e'], false, '']);
    expect(JSON.parse(last.tags[0]!.manifest)).toMatchObject({ schemaVersion: 2 });
    const newestFirst = (await call(admin, '/v3/manage/namespaces/lists/repos/r5/tags?limit=1')).body as V3Tags;
    expect(newestFirst.tags.map((t) => t.tag)).toEqual(['b']);
    for (const bad of ['marker=garbage', 'order_column=size', 'order_type=up', 'limit=0']) {
      const refused = await call(admin, `/v3/manage/namespaces/lists/repos/r5/tags?${bad}`);
      expect([bad, refused.status, codeOf(refused.body)]).toEqual([bad, 400, 'SVCSTG.SWR.4000014']);
    }
    expect((await call(partner, '/v3/manage/namespaces/lists/repos/r5/tags')).status).toBe(404);
  });

  it('lists shares out (self) and in (thirdparty), with the owner account and the share status', async () => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(shortDeadline) - Date.now() + 300)));
    const mine = await call(admin, '/v2/manage/shared-repositories?center=self&order_column=name&order_type=asc&offset=0&limit=10');
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-range')).toBe('0-2/2');
    expect((mine.body as Array<Record<string, unknown>>).map((r) => [r.name, r.namespace, r.domain_name, r.status, r.total_range])).toEqual([
      ['r1', 'lists', adminAccount, true, 2],
      ['r2', 'lists', adminAccount, false, 2],
    ]);
    const theirs = (await call(partner, '/v2/manage/shared-repositories?filter=center::thirdparty|status::true')).body as Array<Record<string, unknown>>;
    expect(theirs.map((r) => [r.name, r.domain_name, r.status])).toEqual([['r1', adminAccount, true]]);
    expect(((await call(partner, '/v2/manage/shared-repositories?center=thirdparty&domain_name=nobody')).body as unknown[])).toEqual([]);
    expect(((await call(partner, '/v2/manage/shared-repositories?center=self')).body as unknown[])).toEqual([]);
    const wrong = await call(admin, '/v2/manage/shared-repositories?center=everyone');
    expect([wrong.status, codeOf(wrong.body)]).toEqual([400, 'SVCSTG.SWR.4000014']);
    const unknownKey = await call(admin, '/v2/manage/shared-repositories?filter=center::self|colour::red');
    expect(unknownKey.status).toBe(400);

    const v3 = (await call(partner, '/v3/manage/shared-repositories?shared_by=thirdparty&limit=1')).body as V3Repos;
    expect([v3.repos.map((r) => [r.name, r.domain_name, r.namespace_name, r.status]), typeof v3.nextMarker]).toEqual([[['r1', adminAccount, 'lists', true]], 'number']);
    const v3Next = (await call(partner, `/v3/manage/shared-repositories?shared_by=thirdparty&limit=1&marker=${v3.nextMarker}`)).body as V3Repos;
    expect([v3Next.repos.map((r) => [r.name, r.status]), v3Next.nextMarker]).toEqual([[['r2', false]], undefined]);
    const v3Missing = await call(partner, '/v3/manage/shared-repositories');
    expect([v3Missing.status, codeOf(v3Missing.body)]).toEqual([400, 'SVCSTG.SWR.4001036']);
  });

  it('lists both sides without center, each row naming its owner account in domain_name', async () => {
    await createNamespace(wharf.apiUrl, partner, 'partner-lists');
    expect((await call(partner, '/v2/manage/namespaces/partner-lists/repos', { method: 'POST', json: { repository: 'p1', is_public: false } })).status).toBe(201);
    const sharedBack = await call(partner, '/v2/manage/namespaces/partner-lists/repositories/p1/access-domains', {
      method: 'POST',
      json: { access_domain: adminAccount, permit: 'read', deadline: 'forever' },
    });
    expect(sharedBack.status).toBe(201);
    const rows = (body: unknown) => (body as Array<Record<string, unknown>>).map((r) => [r.name, r.namespace, r.domain_name, r.status]);
    const both = await call(admin, '/v2/manage/shared-repositories?order_column=name&order_type=asc');
    expect([both.status, rows(both.body)]).toEqual([
      200,
      [
        ['p1', 'partner-lists', 'partner-co', true],
        ['r1', 'lists', adminAccount, true],
        ['r2', 'lists', adminAccount, false],
      ],
    ]);
    const filtered = await call(admin, '/v2/manage/shared-repositories?filter=name::1|status::true');
    expect([filtered.status, rows(filtered.body).sort()]).toEqual([
      200,
      [
        ['p1', 'partner-lists', 'partner-co', true],
        ['r1', 'lists', adminAccount, true],
      ],
    ]);
    expect(rows((await call(admin, '/v2/manage/shared-repositories?center=self')).body).map(([name]) => name).sort()).toEqual(['r1', 'r2']);
  });
});

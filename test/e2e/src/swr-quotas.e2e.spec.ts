import { adminToken, http, passwordLogin } from './http';
import { OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

type SwrError = [{ errorCode: string; errorMessage: string }];
type Quotas = { quotas: Array<{ quota_key: string; quota_limit: number; used: number; unit: string }> };

/** SWR quotas: limits per account on organizations, repositories and tags, set by the system administrator. */
describe('SWR quotas', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let root: string;
  let owner: string;
  let stranger: string;
  let accountId: string;
  const call = (token: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': token }, ...(json !== undefined ? { json } : {}) });
  const codeOf = (body: unknown) => (body as SwrError)[0]?.errorCode;
  const quotaPath = () => `/v2/manage/projects/${accountId}/quotas`;
  const usage = async () => Object.fromEntries(((await call(owner, 'GET', quotaPath())).body as Quotas).quotas.map((q) => [q.quota_key, [q.used, q.quota_limit]]));
  const pushToken = async (repository: string) =>
    (await oci.token([`repository:${repository}:pull,push`], { username: 'q-owner', password: 'q-owner-password' })).token;

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    oci = new OciHttp(wharf.registryUrl);
    root = await adminToken(wharf.apiUrl);
    const account = (await call(root, 'POST', '/v3/domains', { domain: { name: 'quota-team' } })).body as { domain: { id: string } };
    accountId = account.domain.id;
    const other = (await call(root, 'POST', '/v3/domains', { domain: { name: 'quota-other' } })).body as { domain: { id: string } };
    const login = async (user: string, domain: string) => {
      await call(root, 'POST', '/v3/users', { user: { name: user, password: `${user}-password`, domain_id: domain, account_admin: true } });
      return (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(user, `${user}-password`) })).headers.get('x-subject-token')!;
    };
    owner = await login('q-owner', accountId);
    stranger = await login('q-stranger', other.domain.id);
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it("shows the account's limits and usage in SWR's shape, starting from the installation's defaults", async () => {
    const shown = await call(owner, 'GET', quotaPath());
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      quotas: [
        { quota_key: 'namespace', quota_limit: 100, used: 0, unit: '' },
        { quota_key: 'repository', quota_limit: 10000, used: 0, unit: '' },
        { quota_key: 'tag', quota_limit: 1000000, used: 0, unit: '' },
      ],
    });
  });

  it('lets only the system administrator set limits, and only the account and the system administrator read them', async () => {
    const byOwner = await call(owner, 'PUT', quotaPath(), { quotas: [{ quota_key: 'namespace', quota_limit: 1000 }] });
    expect([byOwner.status, codeOf(byOwner.body)]).toEqual([403, 'SVCSTG.SWR.4039002']);
    const foreign = await call(stranger, 'GET', quotaPath());
    expect([foreign.status, codeOf(foreign.body)]).toEqual([403, 'SVCSTG.SWR.4039001']);
    expect((await call(root, 'GET', quotaPath())).status).toBe(200);
    const missing = await call(root, 'GET', '/v2/manage/projects/no-such-account/quotas');
    expect([missing.status, codeOf(missing.body)]).toEqual([404, 'SVCSTG.SWR.4040083']);
    for (const bad of [{}, { quotas: [] }, { quotas: [{ quota_key: 'disk', quota_limit: 1 }] }, { quotas: [{ quota_key: 'tag', quota_limit: -1 }] }, { quotas: [{ quota_key: 'tag', quota_limit: '5' }] }]) {
      const refused = await call(root, 'PUT', quotaPath(), bad);
      expect([JSON.stringify(bad), refused.status, codeOf(refused.body)]).toEqual([JSON.stringify(bad), 400, 'SVCSTG.SWR.4000014']);
    }
    expect((await http(`${wharf.apiUrl}${quotaPath()}`)).status).toBe(401);
  });

  it('refuses organizations, repositories and tags past the limits with the documented codes, through the API and pushes', async () => {
    const set = await call(root, 'PUT', quotaPath(), {
      quotas: [
        { quota_key: 'namespace', quota_limit: 1 },
        { quota_key: 'repository', quota_limit: 2 },
        { quota_key: 'tag', quota_limit: 2 },
      ],
    });
    expect([set.status, (set.body as Quotas).quotas.map((q) => q.quota_limit)]).toEqual([200, [1, 2, 2]]);

    expect((await call(owner, 'POST', '/v2/manage/namespaces', { namespace: 'quota-one' })).status).toBe(201);
    const secondOrg = await call(owner, 'POST', '/v2/manage/namespaces', { namespace: 'quota-two' });
    expect([secondOrg.status, codeOf(secondOrg.body)]).toEqual([400, 'SVCSTG.SWR.4000097']);

    expect((await call(owner, 'POST', '/v2/manage/namespaces/quota-one/repos', { repository: 'api-made', is_public: false })).status).toBe(201);
    const pushed = await oci.pushImage('quota-one/pushed', 'v1', await pushToken('quota-one/pushed'));
    expect(pushed.result.status).toBe(201);
    const thirdRepo = await call(owner, 'POST', '/v2/manage/namespaces/quota-one/repos', { repository: 'third', is_public: false });
    expect([thirdRepo.status, codeOf(thirdRepo.body)]).toEqual([400, 'SVCSTG.SWR.4000098']);
    const pushedThird = await oci.pushBlob('quota-one/third', 'a layer', await pushToken('quota-one/third'));
    expect([pushedThird.status, pushedThird.json<{ errors: [{ code: string }] }>().errors[0].code]).toEqual([403, 'DENIED']);

    const token = await pushToken('quota-one/pushed');
    expect((await oci.pushImage('quota-one/pushed', 'v2', token)).result.status).toBe(201);
    const thirdTag = await oci.pushImage('quota-one/pushed', 'v3', token);
    expect([thirdTag.result.status, thirdTag.result.json<{ errors: [{ code: string }] }>().errors[0].code]).toEqual([403, 'DENIED']);
    // Moving an existing tag to another image adds no tag.
    expect((await oci.pushImage('quota-one/pushed', 'v1', token, 'another layer')).result.status).toBe(201);
    expect(await usage()).toEqual({ namespace: [1, 1], repository: [2, 2], tag: [2, 2] });

    // Deleting frees room; limits never block deletion.
    expect((await call(owner, 'DELETE', '/v2/manage/namespaces/quota-one/repos/pushed/tags/v2')).status).toBe(204);
    expect((await oci.pushImage('quota-one/pushed', 'v3', token)).result.status).toBe(201);
    expect((await call(owner, 'DELETE', '/v2/manage/namespaces/quota-one/repos/api-made')).status).toBe(204);
    expect((await call(owner, 'POST', '/v2/manage/namespaces/quota-one/repos', { repository: 'third', is_public: false })).status).toBe(201);
    expect(await usage()).toEqual({ namespace: [1, 1], repository: [2, 2], tag: [2, 2] });
  });
});

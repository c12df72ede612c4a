import { adminToken, http, passwordLogin } from './http';
import { OciHttp } from './oci-http';
import { WharfProcesses, type Mode } from './wharf-processes';

type SwrError = [{ errorCode: string }];
type Quotas = { quotas: Array<{ quota_key: string; quota_limit: number; used: number }> };

const RACERS = 20;
const ROOM = 5;

const SETUPS: { setup: string; mode: Mode; catalogs: number }[] = [
  { setup: 'embedded', mode: 'embedded', catalogs: 1 },
  { setup: 'distributed', mode: 'distributed', catalogs: 1 },
  { setup: 'distributed, two catalog processes', mode: 'distributed', catalogs: 2 },
];

/** Concurrent creations never take an account past its limits: with room for 5, exactly 5 of 20 racing creations succeed. */
describe.each(SETUPS)('quotas under racing creations ($setup)', ({ mode, catalogs }) => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let root: string;
  let owner: string;
  let accountId: string;
  const call = (token: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': token }, ...(json !== undefined ? { json } : {}) });
  const quotaPath = () => `/v2/manage/projects/${accountId}/quotas`;
  const usage = async (key: string) => ((await call(owner, 'GET', quotaPath())).body as Quotas).quotas.find((q) => q.quota_key === key)!;
  /** Gives the account room for exactly ROOM more of `key`. */
  const leaveRoom = async (key: string) => {
    const { used } = await usage(key);
    const set = await call(root, 'PUT', quotaPath(), { quotas: [{ quota_key: key, quota_limit: used + ROOM }] });
    expect(set.status).toBe(200);
    return used + ROOM;
  };
  const pushToken = async (repositories: string[]) =>
    (await oci.token(repositories.map((repository) => `repository:${repository}:pull,push`), { username: 'race-owner', password: 'race-owner-password' })).token;
  const race = <T>(create: (i: number) => Promise<T>) => Promise.all(Array.from({ length: RACERS }, (_, i) => create(i)));
  const statuses = (results: { status: number }[]) => results.map((result) => result.status).sort();
  /** ROOM creations answered `created`, the others `refused`. */
  const onlyRoomFor = (created: number, refused: number) => [...Array<number>(ROOM).fill(created), ...Array<number>(RACERS - ROOM).fill(refused)].sort();

  beforeAll(async () => {
    wharf = await WharfProcesses.start(mode);
    if (catalogs === 2) await wharf.startReplica('catalog');
    oci = new OciHttp(wharf.registryUrl);
    root = await adminToken(wharf.apiUrl);
    accountId = ((await call(root, 'POST', '/v3/domains', { domain: { name: 'race-team' } })).body as { domain: { id: string } }).domain.id;
    await call(root, 'POST', '/v3/users', { user: { name: 'race-owner', password: 'race-owner-password', domain_id: accountId, account_admin: true } });
    owner = (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('race-owner', 'race-owner-password') })).headers.get('x-subject-token')!;
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('creates exactly as many organizations as there is room for, through the SWR API', async () => {
    const limit = await leaveRoom('namespace');
    const results = await race((i) => call(owner, 'POST', '/v2/manage/namespaces', { namespace: `race-org-${i}` }));
    expect(statuses(results)).toEqual(onlyRoomFor(201, 400));
    expect(results.filter((r) => r.status === 400).map((r) => (r.body as SwrError)[0].errorCode)).toEqual(Array(RACERS - ROOM).fill('SVCSTG.SWR.4000097'));
    expect(await usage('namespace')).toMatchObject({ used: limit, quota_limit: limit });
  });

  it("creates exactly as many Selectel registries as the project's 100 leave room for", async () => {
    expect((await call(root, 'PUT', quotaPath(), { quotas: [{ quota_key: 'namespace', quota_limit: 1000 }] })).status).toBe(200);
    for (let i = (await usage('namespace')).used; i < 100 - ROOM; i++) {
      expect((await call(owner, 'POST', '/api/v1/registries', { name: `crowd-${i}` })).status).toBe(201);
    }
    const results = await race((i) => call(owner, 'POST', '/api/v1/registries', { name: `race-registry-${i}` }));
    expect(statuses(results)).toEqual(onlyRoomFor(201, 400));
    expect(results.filter((r) => r.status === 400).map((r) => (r.body as { error: string }).error)).toEqual(Array(RACERS - ROOM).fill('A project may have at most 100 registries'));
    expect((await usage('namespace')).used).toBe(100);
  });

  it('creates exactly as many repositories as there is room for, through the SWR API', async () => {
    const [namespace] = ((await call(owner, 'GET', '/v2/manage/namespaces')).body as { namespaces: { name: string }[] }).namespaces.map((ns) => ns.name);
    const limit = await leaveRoom('repository');
    const results = await race((i) => call(owner, 'POST', `/v2/manage/namespaces/${namespace}/repos`, { repository: `api-${i}`, is_public: false }));
    expect(statuses(results)).toEqual(onlyRoomFor(201, 400));
    expect(results.filter((r) => r.status === 400).map((r) => (r.body as SwrError)[0].errorCode)).toEqual(Array(RACERS - ROOM).fill('SVCSTG.SWR.4000098'));
    expect(await usage('repository')).toMatchObject({ used: limit, quota_limit: limit });
  });

  it('creates exactly as many repositories as there is room for, through concurrent pushes', async () => {
    const [namespace] = ((await call(owner, 'GET', '/v2/manage/namespaces')).body as { namespaces: { name: string }[] }).namespaces.map((ns) => ns.name);
    const limit = await leaveRoom('repository');
    const names = Array.from({ length: RACERS }, (_, i) => `${namespace}/pushed-${i}`);
    const token = await pushToken(names);
    const pushes = await race((i) => oci.pushImage(names[i]!, 'v1', token));
    expect(statuses(pushes.map((push) => push.result))).toEqual(onlyRoomFor(201, 403));
    expect(await usage('repository')).toMatchObject({ used: limit, quota_limit: limit });
  });

  it('creates exactly as many tags as there is room for, through concurrent pushes', async () => {
    const [namespace] = ((await call(owner, 'GET', '/v2/manage/namespaces')).body as { namespaces: { name: string }[] }).namespaces.map((ns) => ns.name);
    await leaveRoom('repository');
    expect((await call(owner, 'POST', `/v2/manage/namespaces/${namespace}/repos`, { repository: 'tagged', is_public: false })).status).toBe(201);
    const repository = `${namespace}/tagged`;
    const limit = await leaveRoom('tag');
    const token = await pushToken([repository]);
    const pushes = await race((i) => oci.pushImage(repository, `t${i}`, token));
    expect(statuses(pushes.map((push) => push.result))).toEqual(onlyRoomFor(201, 403));
    expect(await usage('tag')).toMatchObject({ used: limit, quota_limit: limit });
  });
});

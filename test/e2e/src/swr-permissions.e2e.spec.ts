import { adminToken, http, passwordLogin } from './http';
import { OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

type SwrError = [{ errorCode: string }];

/** Organization and image permissions decide the management API and the token endpoint alike. */
describe('SWR permissions', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  const sessions = new Map<string, string>();
  const ids = new Map<string, string>();
  const password = (user: string) => `${user}-password`;
  const as = (user: string) => sessions.get(user)!;
  const call = (user: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': as(user) }, ...(json !== undefined ? { json } : {}) });
  const codeOf = (body: unknown) => (body as SwrError)[0]?.errorCode;
  const grant = (user: string, auth: number) => ({ user_id: ids.get(user)!, user_name: user, auth });
  const actionsFor = async (user: string | null, repository: string) => {
    const credentials = user ? { username: user, password: password(user) } : null;
    const { token } = await oci.token([`repository:${repository}:pull,push,delete`], credentials);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { access: Array<{ name: string; actions: string[] }> };
    return claims.access.find((entry) => entry.name === repository)?.actions ?? [];
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    oci = new OciHttp(wharf.registryUrl);
    sessions.set('admin', await adminToken(wharf.apiUrl));
    const login = async (user: string) => {
      const result = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(user, password(user)) });
      sessions.set(user, result.headers.get('x-subject-token')!);
    };
    const team = (await call('admin', 'POST', '/v3/domains', { domain: { name: 'team' } })).body as { domain: { id: string } };
    const other = (await call('admin', 'POST', '/v3/domains', { domain: { name: 'other' } })).body as { domain: { id: string } };
    for (const [user, domain, isAdmin] of [
      ['t-admin', team.domain.id, true],
      ['o-admin', other.domain.id, true],
    ] as const) {
      const created = await call('admin', 'POST', '/v3/users', { user: { name: user, password: password(user), domain_id: domain, account_admin: isAdmin } });
      ids.set(user, (created.body as { user: { id: string } }).user.id);
      await login(user);
    }
    for (const user of ['t-manage', 't-edit', 't-read', 't-none']) {
      const created = await call('t-admin', 'POST', '/v3/users', { user: { name: user, password: password(user) } });
      ids.set(user, (created.body as { user: { id: string } }).user.id);
      await login(user);
    }
    expect((await call('t-admin', 'POST', '/v2/manage/namespaces', { namespace: 'perm' })).status).toBe(201);
    const granted = await call('t-admin', 'POST', '/v2/manage/namespaces/perm/access', [grant('t-manage', 7), grant('t-edit', 3), grant('t-read', 1)]);
    expect([granted.status, granted.body]).toEqual([200, {}]);
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('lists the caller level and the others, and shows each caller its own auth on the organization', async () => {
    const listed = await call('t-read', 'GET', '/v2/manage/namespaces/perm/access');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      id: expect.any(Number),
      name: 'perm',
      creator_name: 't-admin',
      self_auth: { user_id: ids.get('t-read'), user_name: 't-read', auth: 1 },
      others_auths: [grant('t-edit', 3), grant('t-manage', 7)],
    });
    for (const [user, auth] of [['t-admin', 7], ['t-manage', 7], ['t-edit', 3], ['t-read', 1]] as const) {
      const namespaces = (await call(user, 'GET', '/v2/manage/namespaces')).body as { namespaces: Array<{ name: string; auth: number }> };
      expect([user, namespaces.namespaces]).toEqual([user, [expect.objectContaining({ name: 'perm', auth })]]);
    }
    expect(((await call('t-none', 'GET', '/v2/manage/namespaces')).body as { namespaces: unknown[] }).namespaces).toEqual([]);
    expect((await call('t-none', 'GET', '/v2/manage/namespaces/perm')).status).toBe(403);
    expect((await call('o-admin', 'GET', '/v2/manage/namespaces/perm')).status).toBe(404);
    expect((await call('o-admin', 'GET', '/v2/manage/namespaces/perm/access')).status).toBe(404);
  });

  it('grants registry actions by level: 7 pull push delete, 3 pull push, 1 pull, otherwise nothing', async () => {
    expect(await actionsFor('t-admin', 'perm/app')).toEqual(['pull', 'push', 'delete']);
    expect(await actionsFor('t-manage', 'perm/app')).toEqual(['pull', 'push', 'delete']);
    expect(await actionsFor('t-edit', 'perm/app')).toEqual(['pull', 'push']);
    expect(await actionsFor('t-read', 'perm/app')).toEqual(['pull']);
    expect(await actionsFor('t-none', 'perm/app')).toEqual([]);
    expect(await actionsFor('o-admin', 'perm/app')).toEqual([]);
    expect(await actionsFor(null, 'perm/app')).toEqual([]);
    const editToken = (await oci.token(['repository:perm/app:pull,push'], { username: 't-edit', password: password('t-edit') })).token;
    expect((await oci.pushImage('perm/app', 'v1', editToken)).result.status).toBe(201);
    const readToken = (await oci.token(['repository:perm/app:pull,push'], { username: 't-read', password: password('t-read') })).token;
    expect((await oci.request('GET', '/v2/perm/app/manifests/v1', { token: readToken })).status).toBe(200);
    expect((await oci.request('POST', '/v2/perm/app/blobs/uploads/', { token: readToken })).status).toBe(401);
  });

  it('enforces levels on every mutating management route', async () => {
    // create a repository: edit (3) or more
    expect((await call('t-read', 'POST', '/v2/manage/namespaces/perm/repos', { repository: 'by-read', is_public: false })).status).toBe(403);
    expect((await call('t-edit', 'POST', '/v2/manage/namespaces/perm/repos', { repository: 'by-edit', is_public: false })).status).toBe(201);
    // update: edit or more; delete: manage
    expect((await call('t-read', 'PATCH', '/v2/manage/namespaces/perm/repos/by-edit', { is_public: true })).status).toBe(403);
    expect((await call('t-edit', 'PATCH', '/v2/manage/namespaces/perm/repos/by-edit', { is_public: true })).status).toBe(201);
    expect((await call('t-edit', 'DELETE', '/v2/manage/namespaces/perm/repos/by-edit')).status).toBe(403);
    expect((await call('t-manage', 'DELETE', '/v2/manage/namespaces/perm/repos/by-edit')).status).toBe(204);
    // untag: manage
    expect((await call('t-edit', 'DELETE', '/v2/manage/namespaces/perm/repos/app/tags/v1')).status).toBe(403);
    // organization permissions: manage only, never for oneself
    expect((await call('t-edit', 'POST', '/v2/manage/namespaces/perm/access', [grant('t-none', 1)])).status).toBe(403);
    expect((await call('t-manage', 'PATCH', '/v2/manage/namespaces/perm/access', [grant('t-manage', 1)])).status).toBe(403);
    // deleting the organization: manage; other accounts do not see it
    expect(codeOf((await call('t-read', 'DELETE', '/v2/manage/namespaces/perm')).body)).toBe('SVCSTG.SWR.4037017');
    expect((await call('o-admin', 'DELETE', '/v2/manage/namespaces/perm')).status).toBe(404);
    expect((await http(`${wharf.apiUrl}/v2/manage/namespaces/perm/access`, { method: 'POST', json: [grant('t-none', 1)] })).status).toBe(401);
  });

  it('answers duplicate, missing, malformed and foreign grants with the SWR codes', async () => {
    const duplicate = await call('t-admin', 'POST', '/v2/manage/namespaces/perm/access', [grant('t-read', 3)]);
    expect([duplicate.status, codeOf(duplicate.body)]).toEqual([409, 'SVCSTG.SWR.4090076']);
    const missing = await call('t-admin', 'PATCH', '/v2/manage/namespaces/perm/access', [grant('t-none', 3)]);
    expect([missing.status, codeOf(missing.body)]).toEqual([404, 'SVCSTG.SWR.4040078']);
    const badLevel = await call('t-admin', 'POST', '/v2/manage/namespaces/perm/access', [grant('t-none', 5)]);
    expect([badLevel.status, codeOf(badLevel.body)]).toEqual([400, 'SVCSTG.SWR.4001091']);
    const foreign = await call('t-admin', 'POST', '/v2/manage/namespaces/perm/access', [{ user_id: ids.get('o-admin'), user_name: 'o-admin', auth: 1 }]);
    expect([foreign.status, codeOf(foreign.body)]).toEqual([400, 'SVCSTG.SWR.4001066']);
    const notArray = await call('t-admin', 'POST', '/v2/manage/namespaces/perm/access', { user_id: 'x' });
    expect([notArray.status, codeOf(notArray.body)]).toEqual([400, 'SVCSTG.SWR.4000014']);
  });

  it('grants on one repository only, lets edit on the organization grant there, and revokes at once', async () => {
    expect((await call('t-edit', 'POST', '/v2/manage/namespaces/perm/repos/app/access', [grant('t-none', 1)])).status).toBe(201);
    expect(await actionsFor('t-none', 'perm/app')).toEqual(['pull']);
    expect(await actionsFor('t-none', 'perm/elsewhere')).toEqual([]);
    const repoAccess = await call('t-none', 'GET', '/v2/manage/namespaces/perm/repos/app/access');
    expect(repoAccess.body).toEqual({ id: expect.any(Number), name: 'app', self_auth: grant('t-none', 1), others_auths: [] });
    const dup = await call('t-edit', 'POST', '/v2/manage/namespaces/perm/repos/app/access', [grant('t-none', 3)]);
    expect([dup.status, codeOf(dup.body)]).toEqual([409, 'SVCSTG.SWR.4090089']);
    expect((await call('t-manage', 'PATCH', '/v2/manage/namespaces/perm/repos/app/access', [grant('t-none', 3)])).status).toBe(201);
    expect(await actionsFor('t-none', 'perm/app')).toEqual(['pull', 'push']);
    // A repository grant alone does not list the organization, except in `mode::visible`, with that level.
    const plainList = (await call('t-none', 'GET', '/v2/manage/namespaces')).body as { namespaces: unknown[] };
    expect(plainList.namespaces).toEqual([]);
    const visibleList = await call('t-none', 'GET', '/v2/manage/namespaces?filter=mode::visible');
    expect([visibleList.status, visibleList.body]).toEqual([200, { namespaces: [{ id: expect.any(Number), name: 'perm', creator_name: 't-admin', auth: 3 }] }]);
    const filtered = (await call('t-none', 'GET', '/v2/manage/namespaces?filter=namespace::nothing|mode::visible')).body as { namespaces: unknown[] };
    expect(filtered.namespaces).toEqual([]);
    expect((await call('t-read', 'DELETE', '/v2/manage/namespaces/perm/repos/app/access', [ids.get('t-none')])).status).toBe(403);
    expect((await call('t-manage', 'DELETE', '/v2/manage/namespaces/perm/repos/app/access', [ids.get('t-none')])).status).toBe(204);
    expect(await actionsFor('t-none', 'perm/app')).toEqual([]);
    expect(((await call('t-none', 'GET', '/v2/manage/namespaces?filter=mode::visible')).body as { namespaces: unknown[] }).namespaces).toEqual([]);
    expect((await call('t-admin', 'DELETE', '/v2/manage/namespaces/perm/access', [ids.get('t-read')])).status).toBe(204);
    expect(await actionsFor('t-read', 'perm/app')).toEqual([]);
    const gone = await call('t-admin', 'DELETE', '/v2/manage/namespaces/perm/access', [ids.get('t-read')]);
    expect([gone.status, codeOf(gone.body)]).toEqual([404, 'SVCSTG.SWR.4040078']);
  });

  it('lets nobody grant above their own level, and only manage change or revoke grants', async () => {
    const repoAccess = '/v2/manage/namespaces/perm/repos/app/access';
    const escalated = await call('t-edit', 'POST', repoAccess, [grant('t-none', 7)]);
    expect([escalated.status, codeOf(escalated.body)]).toEqual([403, 'SVCSTG.SWR.4039002']);
    expect(await actionsFor('t-none', 'perm/app')).toEqual([]);
    expect((await call('t-edit', 'POST', repoAccess, [grant('t-none', 3)])).status).toBe(201);
    // Edit on the image alone grants nothing, so the grantee cannot hand manage back.
    expect((await call('t-none', 'POST', repoAccess, [grant('t-edit', 7)])).status).toBe(403);
    expect((await call('t-edit', 'PATCH', repoAccess, [grant('t-none', 7)])).status).toBe(403);
    expect((await call('t-edit', 'DELETE', repoAccess, [ids.get('t-none')])).status).toBe(403);
    expect(await actionsFor('t-none', 'perm/app')).toEqual(['pull', 'push']);
    expect(await actionsFor('t-edit', 'perm/app')).toEqual(['pull', 'push']);
    expect((await call('t-manage', 'DELETE', repoAccess, [ids.get('t-none')])).status).toBe(204);
  });

  it('drops grants with the organization and repository they were made on: recreated under the same names, they start with none', async () => {
    const create = async () => {
      expect((await call('t-admin', 'POST', '/v2/manage/namespaces', { namespace: 'again' })).status).toBe(201);
      expect((await call('t-admin', 'POST', '/v2/manage/namespaces/again/repos', { repository: 'app', is_public: false })).status).toBe(201);
    };
    await create();
    expect((await call('t-admin', 'POST', '/v2/manage/namespaces/again/access', [grant('t-none', 7)])).status).toBe(200);
    expect((await call('t-admin', 'POST', '/v2/manage/namespaces/again/repos/app/access', [grant('t-read', 3)])).status).toBe(201);
    expect(await actionsFor('t-none', 'again/app')).toEqual(['pull', 'push', 'delete']);
    expect(await actionsFor('t-read', 'again/app')).toEqual(['pull', 'push']);
    expect((await call('t-admin', 'DELETE', '/v2/manage/namespaces/again/repos/app')).status).toBe(204);
    expect((await call('t-admin', 'DELETE', '/v2/manage/namespaces/again')).status).toBe(204);

    await create();
    expect(await actionsFor('t-none', 'again/app')).toEqual([]);
    expect(await actionsFor('t-read', 'again/app')).toEqual([]);
    expect((await call('t-none', 'GET', '/v2/manage/namespaces/again')).status).toBe(403);
    expect(((await call('t-read', 'GET', '/v2/manage/namespaces?filter=mode::visible')).body as { namespaces: Array<{ name: string }> }).namespaces.map((n) => n.name)).not.toContain('again');
    expect(((await call('t-admin', 'GET', '/v2/manage/namespaces/again/access')).body as { others_auths: unknown[] }).others_auths).toEqual([]);
    expect(((await call('t-admin', 'GET', '/v2/manage/namespaces/again/repos/app/access')).body as { others_auths: unknown[] }).others_auths).toEqual([]);
    const stale = await call('t-admin', 'PATCH', '/v2/manage/namespaces/again/access', [grant('t-none', 1)]);
    expect([stale.status, codeOf(stale.body)]).toEqual([404, 'SVCSTG.SWR.4040078']);
    expect((await call('t-admin', 'POST', '/v2/manage/namespaces/again/access', [grant('t-none', 1)])).status).toBe(200);
    expect(await actionsFor('t-none', 'again/app')).toEqual(['pull']);
  });
});

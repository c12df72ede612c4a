import { adminToken, http, passwordLogin } from './http';
import { ADMIN_PASSWORD, WharfProcesses, type Mode } from './wharf-processes';

type SwrError = [{ errorCode: string; errorMessage: string; detail: string }];
interface SwrNamespace {
  id: number;
  name: string;
  creator_name: string;
  auth: number;
}

/** The SWR organization slice end to end, through the gateway, in both run modes. */
describe.each<Mode>(['embedded', 'distributed'])('SWR organizations (%s mode)', (mode) => {
  let wharf: WharfProcesses;
  let token: string;
  let api: (path: string, init?: RequestInit & { json?: unknown }) => ReturnType<typeof http>;
  const unique = () => `org-${Math.random().toString(36).slice(2, 10)}`;

  beforeAll(async () => {
    wharf = await WharfProcesses.start(mode);
    token = await adminToken(wharf.apiUrl);
    api = (path, init = {}) => http(`${wharf.apiUrl}${path}`, { ...init, headers: { 'X-Auth-Token': token, ...(init.headers as object) } });
  }, 120000);

  afterAll(async () => {
    await wharf?.stop();
  });

  it('lists API versions without authentication', async () => {
    const all = await http<{ versions: Array<Record<string, unknown>> }>(`${wharf.apiUrl}/`);
    expect(all.status).toBe(200);
    expect(all.body.versions).toEqual([
      expect.objectContaining({ id: 'v2', status: 'CURRENT', min_version: '2.0', links: { href: `${wharf.apiUrl}/v2/`, rel: 'self' } }),
    ]);
    const one = await http<{ version: Record<string, unknown> }>(`${wharf.apiUrl}/v2`);
    expect(one.status).toBe(200);
    expect(one.body.version).toEqual(all.body.versions[0]);
  });

  it('issues a token for the right password in X-Subject-Token, and refuses a wrong one in Keystone format', async () => {
    const ok = await http<{ token: { user: { name: string; domain: { name: string } }; expires_at: string } }>(`${wharf.apiUrl}/v3/auth/tokens`, {
      method: 'POST',
      json: passwordLogin('admin', ADMIN_PASSWORD, 'admin'),
    });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('x-subject-token')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(ok.body.token.user).toMatchObject({ name: 'admin', domain: { name: 'admin' } });
    expect(Date.parse(ok.body.token.expires_at)).toBeGreaterThan(Date.now());

    const wrong = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('admin', 'not-the-password') });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 401, title: 'Unauthorized', message: expect.any(String) } });
    expect(wrong.headers.get('x-subject-token')).toBeNull();

    const otherDomain = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('admin', ADMIN_PASSWORD, 'elsewhere') });
    expect(otherDomain.status).toBe(401);

    const malformed = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: { auth: { identity: { methods: ['password'] } } } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 400 } });
  });

  it('refuses management calls without a token or with a bad one (401, SWR body)', async () => {
    for (const headers of [{}, { 'X-Auth-Token': 'forged' }, { Authorization: 'Bearer forged' }]) {
      const result = await http<SwrError>(`${wharf.apiUrl}/v2/manage/namespaces`, { headers });
      expect(result.status).toBe(401);
      expect(result.body).toEqual([{ errorCode: 'SVCSTG.SWR.4010000', errorMessage: expect.any(String), detail: expect.any(String) }]);
    }
    const bearer = await http(`${wharf.apiUrl}/v2/manage/namespaces`, { headers: { Authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
  });

  it('creates an organization, finds it by fuzzy filter, shows it, and deletes it', async () => {
    const name = unique();
    const created = await api('/v2/manage/namespaces', { method: 'POST', json: { namespace: name } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({});

    const found = await api(`/v2/manage/namespaces?filter=namespace::${name.slice(4)}`);
    expect(found.status).toBe(200);
    const list = (found.body as { namespaces: SwrNamespace[] }).namespaces;
    expect(list).toEqual([{ id: expect.any(Number), name, creator_name: 'admin', auth: 7 }]);
    expect(Number.isInteger(list[0]!.id)).toBe(true);

    const shown = await api(`/v2/manage/namespaces/${name}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual(list[0]);

    const removed = await api(`/v2/manage/namespaces/${name}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    const gone = await api(`/v2/manage/namespaces/${name}`);
    expect(gone.status).toBe(404);
    expect((gone.body as SwrError)[0].errorCode).toBe('SVCSTG.SWR.4040058');
    const again = await api(`/v2/manage/namespaces/${name}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('numbers organizations with increasing integers and matches the plain parameter exactly', async () => {
    const [a, b] = [unique(), unique()];
    await api('/v2/manage/namespaces', { method: 'POST', json: { namespace: a } });
    await api('/v2/manage/namespaces', { method: 'POST', json: { namespace: b } });
    const exact = await api(`/v2/manage/namespaces?namespace=${a}`);
    const only = (exact.body as { namespaces: SwrNamespace[] }).namespaces;
    expect(only.map((n) => n.name)).toEqual([a]);
    const all = ((await api('/v2/manage/namespaces')).body as { namespaces: SwrNamespace[] }).namespaces;
    const ids = all.filter((n) => n.name === a || n.name === b).map((n) => n.id);
    expect(ids).toHaveLength(2);
    expect(ids[1]!).toBeGreaterThan(ids[0]!);
    // the filter wins over the plain parameter
    const both = await api(`/v2/manage/namespaces?namespace=${a}&filter=namespace::${b}`);
    expect((both.body as { namespaces: SwrNamespace[] }).namespaces.map((n) => n.name)).toEqual([b]);
  });

  it('answers 409 for a taken name and 400 for invalid names and bodies, storing nothing', async () => {
    const name = unique();
    expect((await api('/v2/manage/namespaces', { method: 'POST', json: { namespace: name } })).status).toBe(201);
    const taken = await api('/v2/manage/namespaces', { method: 'POST', json: { namespace: name } });
    expect(taken.status).toBe(409);
    expect((taken.body as SwrError)[0].errorCode).toBe('SVCSTG.SWR.4090060');

    for (const invalid of ['Upper', '1st', 'end-', 'a..b', 'x'.repeat(65), '../etc']) {
      const result = await api('/v2/manage/namespaces', { method: 'POST', json: { namespace: invalid } });
      expect(result.status).toBe(400);
      expect((result.body as SwrError)[0].errorCode).toBe('SVCSTG.SWR.4001028');
    }
    for (const body of [{}, { namespace: 42 }, [], 'text']) {
      const result = await api('/v2/manage/namespaces', { method: 'POST', json: body });
      expect(result.status).toBe(400);
      expect((result.body as SwrError)[0].errorCode).toBe('SVCSTG.SWR.4000014');
    }
    const unparsable = await api('/v2/manage/namespaces', { method: 'POST', body: '{"namespace":', headers: { 'Content-Type': 'application/json' } });
    expect(unparsable.status).toBe(400);
    expect((unparsable.body as SwrError)[0].errorCode).toBe('SVCSTG.SWR.4000014');

    const names = ((await api('/v2/manage/namespaces')).body as { namespaces: SwrNamespace[] }).namespaces.map((n) => n.name);
    expect(names.filter((n) => n === name)).toHaveLength(1);
    expect(names).not.toContain('Upper');
  });

  it('refuses malformed filters with 4001035', async () => {
    for (const filter of ['', 'namespace', 'color::red', 'mode::hidden']) {
      const result = await api(`/v2/manage/namespaces?filter=${encodeURIComponent(filter)}`);
      expect(result.status).toBe(400);
      expect((result.body as SwrError)[0].errorCode).toMatch(filter === 'mode::hidden' ? /^SVCSTG\.SWR\.400/ : /^SVCSTG\.SWR\.4001035$/);
    }
    const visible = await api(`/v2/manage/namespaces?filter=mode::visible`);
    expect(visible.status).toBe(200);
  });

  it('reads its own writes: every acknowledged create is listed by the very next request', async () => {
    for (let i = 0; i < 15; i++) {
      const name = unique();
      expect((await api('/v2/manage/namespaces', { method: 'POST', json: { namespace: name } })).status).toBe(201);
      const listed = await api(`/v2/manage/namespaces?namespace=${name}`);
      expect((listed.body as { namespaces: SwrNamespace[] }).namespaces).toHaveLength(1);
    }
  });

  it('answers unknown routes in the API gateway format, and reports health', async () => {
    const missing = await api('/v2/manage/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error_code: 'APIGW.0101', error_msg: expect.any(String) });
    const health = await http<{ status: string; services: Array<{ service: string; status: string }> }>(`${wharf.apiUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(health.body.services.map((s) => s.service).sort()).toEqual(['access', 'catalog', 'identity', 'lifecycle', 'registry']);
  });
});

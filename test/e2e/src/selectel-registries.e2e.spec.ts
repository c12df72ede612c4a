import { adminToken, http, passwordLogin } from './http';
import { OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

interface Registry {
  id: string;
  name: string;
  createdAt: string;
  status: string;
  size: number;
  sizeLimit: number;
  used: number;
}
type SwrError = [{ errorCode: string }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MISSING = '00000000-0000-4000-8000-000000000000';

/** Selectel registries (API v2.2) through the gateway, and the same registries seen as SWR organizations. */
describe('Selectel registries', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  const sessions = new Map<string, string>();
  const ids = new Map<string, string>();
  const password = (user: string) => `${user}-password`;
  const call = (user: string, method: string, path: string, init: { json?: unknown; body?: string; headers?: Record<string, string> } = {}) =>
    http(`${wharf.apiUrl}${path}`, { method, ...init, headers: { 'X-Auth-Token': sessions.get(user)!, ...init.headers } });
  const create = async (user: string, name: string): Promise<Registry> => {
    const created = await call(user, 'POST', '/api/v1/registries', { json: { name } });
    if (created.status !== 201) throw new Error(`creating registry ${name}: ${created.status} ${created.text}`);
    return created.body as Registry;
  };
  const registryNamed = async (user: string, name: string): Promise<Registry | undefined> =>
    ((await call(user, 'GET', `/api/v2/registries?search=${name}&limit=1000`)).body as { registries: Registry[] }).registries.find((r) => r.name === name);
  /** Pushes one image (config + one layer of `layer` bytes) with the admin's registry token. */
  const push = async (repository: string, tag: string, layer: string) => {
    const { token } = await oci.token([`repository:${repository}:pull,push`]);
    const pushed = await oci.pushImage(repository, tag, token, layer);
    expect(pushed.result.status).toBe(201);
    return pushed;
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    oci = new OciHttp(wharf.registryUrl);
    sessions.set('admin', await adminToken(wharf.apiUrl));
    const login = async (user: string) => {
      const result = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(user, password(user)) });
      sessions.set(user, result.headers.get('x-subject-token')!);
    };
    const domain = async (name: string) => ((await call('admin', 'POST', '/v3/domains', { json: { domain: { name } } })).body as { domain: { id: string } }).domain.id;
    const [team, other, crowded] = [await domain('sel-team'), await domain('sel-other'), await domain('sel-crowded')];
    for (const [user, domainId, isAdmin] of [
      ['s-admin', team, true],
      ['s-other', other, true],
      ['s-crowded', crowded, true],
    ] as const) {
      const created = await call('admin', 'POST', '/v3/users', { json: { user: { name: user, password: password(user), domain_id: domainId, account_admin: isAdmin } } });
      ids.set(user, (created.body as { user: { id: string } }).user.id);
      await login(user);
    }
    for (const user of ['s-read', 's-none']) {
      const created = await call('s-admin', 'POST', '/v3/users', { json: { user: { name: user, password: password(user) } } });
      ids.set(user, (created.body as { user: { id: string } }).user.id);
      await login(user);
    }
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('answers an account without registries with 204 and no body on v1, an empty page on v2', async () => {
    const v1 = await call('s-other', 'GET', '/api/v1/registries');
    expect([v1.status, v1.text]).toEqual([204, '']);
    const v2 = await call('s-other', 'GET', '/api/v2/registries');
    expect([v2.status, v2.body]).toEqual([200, { registries: [], totalCount: 0 }]);
  });

  it('creates, shows, lists and deletes a registry, with the fields and status codes of the reference', async () => {
    const created = await call('admin', 'POST', '/api/v1/registries', { json: { name: 'crud' } });
    expect(created.status).toBe(201);
    const registry = created.body as Registry;
    expect(registry).toEqual({ id: expect.stringMatching(UUID), name: 'crud', createdAt: expect.any(String), status: 'ACTIVE', size: 0, sizeLimit: 21474836480, used: 0 });
    expect(new Date(registry.createdAt).toISOString()).toBe(registry.createdAt);

    const shown = await call('admin', 'GET', `/api/v1/registries/${registry.id}`);
    expect([shown.status, shown.body]).toEqual([200, registry]);
    expect((await call('admin', 'GET', `/api/v1/registries/${registry.id.toUpperCase()}`)).body).toEqual(registry);
    const listed = await call('admin', 'GET', '/api/v1/registries?search=crud');
    expect([listed.status, listed.body]).toEqual([200, [registry]]);
    const paged = await call('admin', 'GET', '/api/v2/registries?search=crud');
    expect([paged.status, paged.body]).toEqual([200, { registries: [registry], totalCount: 1 }]);

    const deleted = await call('admin', 'DELETE', `/api/v1/registries/${registry.id}`);
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    const gone = await call('admin', 'GET', `/api/v1/registries/${registry.id}`);
    expect([gone.status, gone.body]).toEqual([404, { error: 'Registry not found.' }]);
    expect((await call('admin', 'DELETE', `/api/v1/registries/${registry.id}`)).status).toBe(404);
    expect((await call('admin', 'GET', '/api/v1/registries?search=crud')).status).toBe(204);
  });

  it('refuses taken names with 409 and bad names and bodies with 400, in Selectel error bodies', async () => {
    await create('admin', 'taken');
    const taken = await call('admin', 'POST', '/api/v1/registries', { json: { name: 'taken' } });
    expect([taken.status, taken.body]).toEqual([409, { error: 'A registry with this name already exists', message: 'A registry with this name already exists' }]);
    // Names are unique in the installation (they are part of image paths): another account cannot take it either.
    expect((await call('s-other', 'POST', '/api/v1/registries', { json: { name: 'taken' } })).status).toBe(409);
    for (const name of ['Taken', '1abc', 'abc-', 'a..b', 'a/b', '', 'x'.repeat(65), 'ünï']) {
      const bad = await call('admin', 'POST', '/api/v1/registries', { json: { name } });
      expect([name, bad.status, typeof (bad.body as { error: unknown }).error]).toEqual([name, 400, 'string']);
    }
    for (const body of [{}, { name: 7 }, [], 'just a string']) {
      expect((await call('admin', 'POST', '/api/v1/registries', { json: body })).status).toBe(400);
    }
    const badJson = await call('admin', 'POST', '/api/v1/registries', { body: '{"name": ', headers: { 'Content-Type': 'application/json' } });
    expect([badJson.status, typeof (badJson.body as { error: unknown }).error]).toEqual([400, 'string']);
  });

  it('answers malformed ids with 400, unknown ids with 404, and never 500 for bad list parameters', async () => {
    for (const path of ['/api/v1/registries/not-a-uuid', `/api/v1/registries/${MISSING}x`]) {
      const bad = await call('admin', 'GET', path);
      expect([path, bad.status, (bad.body as { error: string }).error]).toEqual([path, 400, expect.stringContaining('must be a UUID')]);
    }
    expect((await call('admin', 'DELETE', '/api/v1/registries/not-a-uuid')).status).toBe(400);
    const missing = await call('admin', 'GET', `/api/v1/registries/${MISSING}`);
    expect([missing.status, missing.body]).toEqual([404, { error: 'Registry not found.' }]);
    for (const query of ['limit=0', 'limit=abc', 'limit=1001', 'offset=-1', 'sort_field=updatedAt', 'sort_field=NAME', 'sort_type=up', 'limit=1&limit=2']) {
      for (const version of ['v1', 'v2']) {
        const bad = await call('admin', 'GET', `/api/${version}/registries?${query}`);
        expect([query, bad.status, typeof (bad.body as { error: unknown }).error]).toEqual([query, 400, 'string']);
      }
    }
    expect((await http(`${wharf.apiUrl}/api/v1/registries`)).status).toBe(401);
    expect((await call('admin', 'GET', '/api/v1/registries', { headers: { 'X-Auth-Token': 'not-a-token' } })).status).toBe(401);
  });

  it('pages, filters and sorts by name, creation time and size', async () => {
    const sorted = ['pg-c', 'pg-a', 'pg-d', 'pg-b'];
    for (const name of sorted) await create('admin', name);
    // Sizes: pg-a holds a large image, pg-d a small one, pg-b and pg-c none.
    await push('pg-a/app', 'v1', 'x'.repeat(5000));
    await push('pg-d/app', 'v1', 'y'.repeat(100));
    const names = async (query: string) => {
      const page = await call('admin', 'GET', `/api/v2/registries?search=pg-&${query}`);
      expect(page.status).toBe(200);
      const body = page.body as { registries: Registry[]; totalCount: number };
      expect(body.totalCount).toBe(4);
      return body.registries.map((r) => r.name);
    };
    expect(await names('')).toEqual(['pg-a', 'pg-b', 'pg-c', 'pg-d']);
    expect(await names('sort_field=name&sort_type=desc')).toEqual(['pg-d', 'pg-c', 'pg-b', 'pg-a']);
    expect(await names('sort_field=createdAt')).toEqual(sorted);
    expect(await names('sort_field=createdAt&sort_type=desc')).toEqual([...sorted].reverse());
    expect(await names('sort_field=size&sort_type=desc')).toEqual(['pg-a', 'pg-d', 'pg-c', 'pg-b']);
    expect(await names('sort_field=size')).toEqual(['pg-b', 'pg-c', 'pg-d', 'pg-a']);
    expect(await names('limit=2')).toEqual(['pg-a', 'pg-b']);
    expect(await names('limit=2&offset=1')).toEqual(['pg-b', 'pg-c']);
    expect(await names('limit=2&offset=3')).toEqual(['pg-d']);
    expect(await names('offset=4')).toEqual([]);
    expect(await names('offset=1000000')).toEqual([]);
    // v1: the default page is 10; past the end there is nothing, which v1 answers with 204.
    const v1 = await call('admin', 'GET', '/api/v1/registries?search=pg-&sort_field=size&sort_type=desc&limit=3');
    expect((v1.body as Registry[]).map((r) => r.name)).toEqual(['pg-a', 'pg-d', 'pg-c']);
    expect((await call('admin', 'GET', '/api/v1/registries?search=pg-&offset=4')).status).toBe(204);
    // The search is a substring of the name, case-insensitively.
    expect(((await call('admin', 'GET', '/api/v1/registries?search=G-B')).body as Registry[]).map((r) => r.name)).toEqual(['pg-b']);
    expect((await call('admin', 'GET', '/api/v1/registries?search=no-such-registry')).status).toBe(204);
  });

  it('reports size as the distinct content of its repositories, and used as its share of the limit', async () => {
    const registry = await create('admin', 'sized');
    const layer = 'z'.repeat(3000);
    const first = await push('sized/one', 'v1', layer);
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const single = Buffer.byteLength(config) + Buffer.byteLength(layer) + Buffer.byteLength(first.bytes);
    const shown = (await call('admin', 'GET', `/api/v1/registries/${registry.id}`)).body as Registry;
    expect(shown.size).toBe(single);
    expect(shown.used).toBe(Math.round((single / 21474836480) * 10000) / 100);
    // The same image in a second repository: the same blobs and manifest, stored once, counted once.
    await push('sized/two', 'v1', layer);
    expect(((await call('admin', 'GET', `/api/v1/registries/${registry.id}`)).body as Registry).size).toBe(single);
    // A different layer adds exactly its bytes and the new manifest's.
    const third = await push('sized/two', 'v2', 'w'.repeat(700));
    expect(((await call('admin', 'GET', `/api/v1/registries/${registry.id}`)).body as Registry).size).toBe(single + 700 + Buffer.byteLength(third.bytes));
    expect(await registryNamed('admin', 'sized')).toMatchObject({ size: single + 700 + Buffer.byteLength(third.bytes) });
  });

  it('is the same registry as the SWR organization of that name, whichever dialect creates or deletes it', async () => {
    // Created here, read and deleted there.
    const selectel = await create('admin', 'from-selectel');
    const org = await call('admin', 'GET', '/v2/manage/namespaces/from-selectel');
    expect([org.status, org.body]).toEqual([200, { id: expect.any(Number), name: 'from-selectel', creator_name: 'admin', auth: 7 }]);
    await push('from-selectel/app', 'v1', 'pushed through the registry');
    const repos = await call('admin', 'GET', '/v2/manage/repos?filter=namespace::from-selectel');
    expect((repos.body as Array<{ name: string }>).map((r) => r.name)).toEqual(['app']);
    expect((await call('admin', 'DELETE', '/v2/manage/namespaces/from-selectel/repos/app')).status).toBe(204);
    expect((await call('admin', 'DELETE', '/v2/manage/namespaces/from-selectel')).status).toBe(204);
    expect((await call('admin', 'GET', `/api/v1/registries/${selectel.id}`)).status).toBe(404);

    // Created there, read and deleted here.
    expect((await call('admin', 'POST', '/v2/manage/namespaces', { json: { namespace: 'from-swr' } })).status).toBe(201);
    const listed = await registryNamed('admin', 'from-swr');
    expect(listed).toEqual({ id: expect.stringMatching(UUID), name: 'from-swr', createdAt: expect.any(String), status: 'ACTIVE', size: 0, sizeLimit: 21474836480, used: 0 });
    expect((await call('admin', 'GET', `/api/v1/registries/${listed!.id}`)).body).toEqual(listed);
    await push('from-swr/app', 'v1', 'pushed into an SWR organization');
    expect((await call('admin', 'DELETE', `/api/v1/registries/${listed!.id}`)).status).toBe(204);
    const swrGone = await call('admin', 'GET', '/v2/manage/namespaces/from-swr');
    expect([swrGone.status, (swrGone.body as SwrError)[0].errorCode]).toEqual([404, 'SVCSTG.SWR.4040058']);
    const repoGone = await call('admin', 'GET', '/v2/manage/namespaces/from-swr/repos/app');
    expect(repoGone.status).toBe(404);
  });

  it('deletes a registry with its repositories and content, and the name starts afresh', async () => {
    const registry = await create('admin', 'doomed');
    await push('doomed/app', 'v1', 'one');
    await push('doomed/tools/cli', 'v1', 'two');
    const { token } = await oci.token(['repository:doomed/app:pull']);
    expect((await oci.request('GET', '/v2/doomed/app/manifests/v1', { token })).status).toBe(200);
    expect((await call('admin', 'DELETE', `/api/v1/registries/${registry.id}`)).status).toBe(204);
    // A token issued before the delete is refused with a challenge (it may not carry over to a registry created
    // later under the name); a token asked for afterwards finds nothing there.
    const stale = await oci.request('GET', '/v2/doomed/app/manifests/v1', { token });
    expect([stale.status, stale.headers.get('www-authenticate')]).toEqual([401, expect.stringContaining('repository:doomed/app:pull')]);
    const fresh = await oci.token(['repository:doomed/app:pull']);
    expect((await oci.request('GET', '/v2/doomed/app/manifests/v1', { token: fresh.token })).status).toBe(404);
    expect((await call('admin', 'GET', '/v2/manage/repos?filter=namespace::doomed')).body).toEqual([]);

    const again = await create('admin', 'doomed');
    expect(again.id).not.toBe(registry.id);
    expect(again.size).toBe(0);
    expect((await call('admin', 'GET', `/api/v1/registries/${again.id}/repositories`)).status).toBe(204);
    expect((await call('admin', 'GET', `/api/v1/registries/${registry.id}`)).status).toBe(404);
  });

  it('leaves nothing of pushes racing a delete once the delete has answered', async () => {
    const registry = await create('admin', 'racing');
    await push('racing/app', 'v0', 'before the delete');
    const { token } = await oci.token(['repository:racing/app:pull,push', 'repository:racing/late:pull,push']);
    const pushes = Array.from({ length: 6 }, (_, i) =>
      oci.pushImage(i % 2 ? 'racing/app' : 'racing/late', `v${i + 1}`, token, `racing layer ${i}`).then((pushed) => pushed.result.status),
    );
    const deleted = call('admin', 'DELETE', `/api/v1/registries/${registry.id}`);
    expect((await deleted).status).toBe(204);
    const statuses = await Promise.all(pushes);
    // Each push either landed before its repository was deleted, or was refused (its token outlived by the delete
    // answers 401); none outlives the registry.
    for (const status of statuses) expect([201, 401, 403, 404]).toContain(status);
    expect((await call('admin', 'GET', `/api/v1/registries/${registry.id}`)).status).toBe(404);
    expect((await call('admin', 'GET', '/v2/manage/repos?filter=namespace::racing')).body).toEqual([]);
    const after = (await oci.token(['repository:racing/app:pull,push', 'repository:racing/late:pull,push'])).token;
    for (const repository of ['racing/app', 'racing/late']) {
      expect((await oci.request('GET', `/v2/${repository}/tags/list`, { token: after })).status).toBe(404);
    }
    // After the delete, a push finds no registry: DENIED, naming the organization that no longer exists.
    const late = (await oci.pushImage('racing/app', 'after', after, 'after the delete')).result;
    expect([late.status, late.json<{ errors: Array<{ code: string; message: string }> }>().errors[0]]).toEqual([
      403,
      expect.objectContaining({ code: 'DENIED', message: expect.stringContaining('organization "racing" does not exist') }),
    ]);
  });

  it('shows each caller the registries it has a level on; deleting needs manage; other accounts see nothing', async () => {
    const registry = await create('s-admin', 'perm-reg');
    const grant = await call('s-admin', 'POST', '/v2/manage/namespaces/perm-reg/access', { json: [{ user_id: ids.get('s-read'), user_name: 's-read', auth: 1 }] });
    expect(grant.status).toBe(200);
    expect((await call('s-read', 'GET', '/api/v1/registries')).body).toEqual([expect.objectContaining({ id: registry.id, name: 'perm-reg' })]);
    expect((await call('s-read', 'GET', `/api/v1/registries/${registry.id}`)).status).toBe(200);
    const readDelete = await call('s-read', 'DELETE', `/api/v1/registries/${registry.id}`);
    expect([readDelete.status, typeof (readDelete.body as { error: unknown }).error]).toEqual([403, 'string']);
    // A user of the account without a level: not listed, 403 when named.
    expect((await call('s-none', 'GET', '/api/v1/registries')).status).toBe(204);
    expect((await call('s-none', 'GET', '/api/v2/registries')).body).toEqual({ registries: [], totalCount: 0 });
    expect((await call('s-none', 'GET', `/api/v1/registries/${registry.id}`)).status).toBe(403);
    // Another account: the registry does not exist for it.
    for (const method of ['GET', 'DELETE']) {
      const foreign = await call('s-other', method, `/api/v1/registries/${registry.id}`);
      expect([method, foreign.status, foreign.body]).toEqual([method, 404, { error: 'Registry not found.' }]);
    }
    expect((await call('s-other', 'GET', `/api/v1/registries/${registry.id}/repositories`)).status).toBe(404);
    expect((await call('s-admin', 'DELETE', `/api/v1/registries/${registry.id}`)).status).toBe(204);
  });

  it('allows at most 100 registries per project', async () => {
    for (let i = 0; i < 100; i++) await create('s-crowded', `crowd-${i}`);
    const refused = await call('s-crowded', 'POST', '/api/v1/registries', { json: { name: 'crowd-100' } });
    expect([refused.status, (refused.body as { error: string }).error]).toEqual([400, 'A project may have at most 100 registries']);
    expect(((await call('s-crowded', 'GET', '/api/v2/registries')).body as { totalCount: number }).totalCount).toBe(100);
    const v1 = (await call('s-crowded', 'GET', '/api/v1/registries')).body as Registry[];
    expect(v1.map((r) => r.name)).toEqual(['crowd-0', 'crowd-1', 'crowd-10', 'crowd-11', 'crowd-12', 'crowd-13', 'crowd-14', 'crowd-15', 'crowd-16', 'crowd-17']);
    // Deleting one makes room again.
    expect((await call('s-crowded', 'DELETE', `/api/v1/registries/${v1[0]!.id}`)).status).toBe(204);
    expect((await call('s-crowded', 'POST', '/api/v1/registries', { json: { name: 'crowd-100' } })).status).toBe(201);
  }, 120000);
});

/** The same calls across processes: gateway, catalog, access, identity and registry over a real nats-server. */
describe('Selectel registries (distributed mode)', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let token: string;
  const api = (method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': token }, ...(json !== undefined ? { json } : {}) });

  beforeAll(async () => {
    wharf = await WharfProcesses.start('distributed');
    oci = new OciHttp(wharf.registryUrl);
    token = await adminToken(wharf.apiUrl);
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('creates a registry, shows what was pushed into it, and deletes it with its repositories', async () => {
    const registry = (await api('POST', '/api/v1/registries', { name: 'spread' })).body as Registry;
    expect(registry).toMatchObject({ name: 'spread', status: 'ACTIVE', size: 0 });
    expect((await api('GET', '/v2/manage/namespaces/spread')).status).toBe(200);
    const { token: push } = await oci.token(['repository:spread/tools/app:pull,push']);
    const pushed = await oci.pushImage('spread/tools/app', 'v1', push, 'a layer pushed across processes');
    expect(pushed.result.status).toBe(201);
    const images = await api('GET', `/api/v1/registries/${registry.id}/repositories/tools%2Fapp/images`);
    expect(images.body).toEqual([
      {
        digest: pushed.digest,
        createdAt: expect.any(String),
        tags: ['v1'],
        size: 'a layer pushed across processes'.length,
        layers: [{ digest: pushed.layerDigest, size: 'a layer pushed across processes'.length }],
        architecture: 'amd64',
        os: 'linux',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      },
    ]);
    const shown = (await api('GET', `/api/v1/registries/${registry.id}`)).body as Registry;
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    expect(shown.size).toBe(Buffer.byteLength(config) + 'a layer pushed across processes'.length + Buffer.byteLength(pushed.bytes));
    expect((await api('DELETE', `/api/v1/registries/${registry.id}`)).status).toBe(204);
    expect((await api('GET', `/api/v1/registries/${registry.id}`)).status).toBe(404);
    expect((await api('GET', '/v2/manage/namespaces/spread')).status).toBe(404);
  });
});

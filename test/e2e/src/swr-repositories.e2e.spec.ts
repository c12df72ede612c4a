import { adminToken, http } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

type SwrError = [{ errorCode: string; errorMessage: string; detail: string }];

/** SWR repositories and tags through the gateway, over content pushed through the registry (embedded mode). */
describe('SWR repositories and tags', () => {
  let wharf: WharfProcesses;
  let token: string;
  let oci: OciHttp;
  let registryHost: string;
  const api = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    http(`${wharf.apiUrl}${path}`, { ...init, headers: { 'X-Auth-Token': token, ...(init.headers as object) } });
  const codeOf = (body: unknown) => (body as SwrError)[0].errorCode;

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    token = await adminToken(wharf.apiUrl);
    oci = new OciHttp(wharf.registryUrl);
    registryHost = new URL(wharf.registryUrl).host;
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it("follows the API's own walkthrough: organization, filter, repository by query parameters, summary", async () => {
    expect((await api('/v2/manage/namespaces', { method: 'POST', json: { namespace: 'group' } })).status).toBe(201);
    const found = await api('/v2/manage/namespaces?filter=namespace::group');
    expect(found.body).toEqual({ namespaces: [{ id: expect.any(Number), name: 'group', creator_name: 'admin', auth: 7 }] });
    const created = await api('/v2/manage/namespaces/group/repos?repository=test&category=linux&description=test&is_public=false', { method: 'POST' });
    expect(created.status).toBe(201);
    const summary = await api('/v2/manage/namespaces/group/repos/test');
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      id: expect.any(Number),
      ns_id: (found.body as { namespaces: [{ id: number }] }).namespaces[0].id,
      name: 'test',
      category: 'linux',
      description: 'test',
      creator_id: expect.any(String),
      creator_name: 'admin',
      size: 0,
      is_public: false,
      num_images: 0,
      num_download: 0,
      url: '',
      path: `${registryHost}/group/test`,
      internal_path: `${registryHost}/group/test`,
      created: expect.any(String),
      updated: expect.any(String),
      domain_id: expect.any(String),
      priority: 0,
    });
  });

  it('creates with the JSON body, refuses duplicates and bad input with SWR codes, updates and deletes', async () => {
    await createNamespace(wharf.apiUrl, token, 'crud');
    const body = { repository: 'tools/busybox', category: 'linux', description: 'a busybox', is_public: true };
    expect((await api('/v2/manage/namespaces/crud/repos', { method: 'POST', json: body })).status).toBe(201);
    const duplicate = await api('/v2/manage/namespaces/crud/repos', { method: 'POST', json: body });
    expect([duplicate.status, codeOf(duplicate.body)]).toEqual([409, 'SVCSTG.SWR.4090006']);
    const badName = await api('/v2/manage/namespaces/crud/repos', { method: 'POST', json: { ...body, repository: 'Bad Name' } });
    expect([badName.status, codeOf(badName.body)]).toEqual([400, 'SVCSTG.SWR.4001029']);
    const badPublic = await api('/v2/manage/namespaces/crud/repos', { method: 'POST', json: { repository: 'x', is_public: 'maybe' } });
    expect([badPublic.status, codeOf(badPublic.body)]).toEqual([400, 'SVCSTG.SWR.4001009']);
    const badCategory = await api('/v2/manage/namespaces/crud/repos', { method: 'POST', json: { repository: 'x', is_public: true, category: 'games' } });
    expect([badCategory.status, codeOf(badCategory.body)]).toEqual([400, 'SVCSTG.SWR.4000014']);
    const noNamespace = await api('/v2/manage/namespaces/nowhere/repos', { method: 'POST', json: body });
    expect([noNamespace.status, codeOf(noNamespace.body)]).toEqual([404, 'SVCSTG.SWR.4040058']);

    const shown = await api('/v2/manage/namespaces/crud/repos/tools$busybox');
    expect(shown.body).toMatchObject({ name: 'tools/busybox', category: 'linux', is_public: true, path: `${registryHost}/crud/tools/busybox` });
    const patched = await api('/v2/manage/namespaces/crud/repos/tools$busybox', { method: 'PATCH', json: { is_public: false, description: 'private now', category: 'arms' } });
    expect(patched.status).toBe(201);
    expect((await api('/v2/manage/namespaces/crud/repos/tools$busybox')).body).toMatchObject({ is_public: false, description: 'private now', category: 'arm' });
    const patchWithoutPublic = await api('/v2/manage/namespaces/crud/repos/tools$busybox', { method: 'PATCH', json: { description: 'x' } });
    expect([patchWithoutPublic.status, codeOf(patchWithoutPublic.body)]).toEqual([400, 'SVCSTG.SWR.4001009']);
    const notEmpty = await api('/v2/manage/namespaces/crud', { method: 'DELETE' });
    expect([notEmpty.status, codeOf(notEmpty.body)]).toEqual([406, 'SVCSTG.SWR.4060074']);
    expect((await api('/v2/manage/namespaces/crud/repos/tools$busybox', { method: 'DELETE' })).status).toBe(204);
    const gone = await api('/v2/manage/namespaces/crud/repos/tools$busybox');
    expect([gone.status, codeOf(gone.body)]).toEqual([404, 'SVCSTG.SWR.4040010']);
    expect((await api('/v2/manage/namespaces/crud/repos', { method: 'POST', json: body })).status).toBe(201);
  });

  it('shows pushed repositories and tags with the sizes and counts the registry stored, and counts pulls', async () => {
    await createNamespace(wharf.apiUrl, token, 'pushed');
    const registryToken = (await oci.token(['repository:pushed/app:pull,push,delete'])).token;
    const v1 = await oci.pushImage('pushed/app', 'v1', registryToken, 'layer one');
    await oci.pushManifest('pushed/app', 'latest', JSON.parse(v1.bytes), registryToken);
    const summary = (await api('/v2/manage/namespaces/pushed/repos/app')).body as { size: number; num_images: number; num_download: number };
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    expect(summary.size).toBe(Buffer.byteLength(config) + Buffer.byteLength('layer one') + Buffer.byteLength(v1.bytes));
    expect(summary.num_images).toBe(2);

    const tags = await api('/v2/manage/namespaces/pushed/repos/app/tags?offset=0&limit=1&order_column=tag&order_type=asc');
    expect(tags.status).toBe(200);
    expect(tags.headers.get('content-range')).toBe('0-1/2');
    const [first] = tags.body as Array<Record<string, unknown>>;
    expect(first).toEqual({
      id: expect.any(Number),
      repo_id: expect.any(Number),
      Tag: 'latest',
      image_id: v1.configDigest.slice('sha256:'.length),
      manifest: v1.bytes,
      digest: v1.digest,
      schema: 2,
      path: `${registryHost}/pushed/app:latest`,
      internal_path: `${registryHost}/pushed/app:latest`,
      size: summary.size,
      is_trusted: false,
      created: expect.any(String),
      updated: expect.any(String),
      domain_id: expect.any(String),
      tag_type: 0,
      deleted: null,
      scanned: false,
    });
    const single = await api('/v2/manage/namespaces/pushed/repos/app/tags/v1');
    expect(single.body).toMatchObject({ tag: 'v1', digest: v1.digest });
    expect((single.body as Record<string, unknown>).Tag).toBeUndefined();

    for (let i = 0; i < 3; i++) expect((await oci.request('GET', '/v2/pushed/app/manifests/v1', { token: registryToken })).status).toBe(200);
    let downloads = 0;
    for (let attempt = 0; attempt < 50 && downloads < 3; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      downloads = ((await api('/v2/manage/namespaces/pushed/repos/app')).body as { num_download: number }).num_download;
    }
    expect(downloads).toBe(3);

    expect((await api('/v2/manage/namespaces/pushed/repos/app/tags/latest', { method: 'DELETE' })).status).toBe(204);
    expect((await oci.request('GET', '/v2/pushed/app/manifests/v1', { token: registryToken })).status).toBe(200);
    const missingTag = await api('/v2/manage/namespaces/pushed/repos/app/tags/latest', { method: 'DELETE' });
    expect([missingTag.status, codeOf(missingTag.body)]).toEqual([404, 'SVCSTG.SWR.4040048']);
  });

  it('lets anyone pull a public repository, anonymously too, and never push', async () => {
    await createNamespace(wharf.apiUrl, token, 'opensource');
    const pusher = (await oci.token(['repository:opensource/tool:pull,push'])).token;
    await oci.pushImage('opensource/tool', 'v1', pusher);
    const anonymousPull = async () => {
      const anonymous = (await oci.token(['repository:opensource/tool:pull,push'], null)).token;
      return {
        pull: (await oci.request('GET', '/v2/opensource/tool/manifests/v1', { token: anonymous })).status,
        push: (await oci.request('POST', '/v2/opensource/tool/blobs/uploads/', { token: anonymous })).status,
      };
    };
    expect(await anonymousPull()).toEqual({ pull: 401, push: 401 });
    expect((await api('/v2/manage/namespaces/opensource/repos/tool', { method: 'PATCH', json: { is_public: true } })).status).toBe(201);
    expect(await anonymousPull()).toEqual({ pull: 200, push: 401 });
    expect((await api('/v2/manage/namespaces/opensource/repos/tool', { method: 'PATCH', json: { is_public: false } })).status).toBe(201);
    expect(await anonymousPull()).toEqual({ pull: 401, push: 401 });
  });

  it('lists repositories with filters, sorting, paging and Content-Range, refusing bad parameters', async () => {
    await createNamespace(wharf.apiUrl, token, 'listing');
    for (const name of ['alpha', 'beta', 'gamma-db']) {
      await api('/v2/manage/namespaces/listing/repos', { method: 'POST', json: { repository: name, is_public: name === 'beta', category: name.endsWith('db') ? 'database' : 'other' } });
    }
    const names = (body: unknown) => (body as Array<{ name: string }>).map((r) => r.name);
    const page = await api('/v2/manage/repos?namespace=listing&offset=0&limit=2&order_column=name&order_type=asc');
    expect(names(page.body)).toEqual(['alpha', 'beta']);
    expect(page.headers.get('content-range')).toBe('0-2/3');
    expect((page.body as Array<{ total_range: number; namespace: string; domain_name: string }>)[0]).toMatchObject({ total_range: 3, namespace: 'listing', domain_name: 'admin' });
    const next = await api('/v2/manage/repos?namespace=listing&offset=2&limit=2&order_column=name&order_type=asc');
    expect(names(next.body)).toEqual(['gamma-db']);
    const fuzzy = await api('/v2/manage/repos?filter=namespace::listin|name::mm|order_column::name|order_type::asc');
    expect(names(fuzzy.body)).toEqual(['gamma-db']);
    const exactDoesNotFuzz = await api('/v2/manage/repos?namespace=listin');
    expect(names(exactDoesNotFuzz.body)).toEqual([]);
    expect(names((await api('/v2/manage/repos?namespace=listing&category=database')).body)).toEqual(['gamma-db']);
    expect(names((await api('/v2/manage/repos?namespace=listing&is_public=true')).body)).toEqual(['beta']);
    const filterWins = await api('/v2/manage/repos?namespace=nothing&filter=namespace::listing|name::alpha');
    expect(names(filterWins.body)).toEqual(['alpha']);
    for (const [query, code] of [
      ['limit=0&offset=0', 'SVCSTG.SWR.4000014'],
      ['limit=1001&offset=0', 'SVCSTG.SWR.4000014'],
      ['limit=10', 'SVCSTG.SWR.4001036'],
      ['order_column=size&order_type=asc', 'SVCSTG.SWR.4000014'],
      ['order_column=name', 'SVCSTG.SWR.4001036'],
      ['filter=color::red', 'SVCSTG.SWR.4001035'],
      ['filter=', 'SVCSTG.SWR.4001035'],
    ]) {
      const result = await api(`/v2/manage/repos?${query}`);
      expect([query, result.status, codeOf(result.body)]).toEqual([query, 400, code]);
    }
  });

  it('refuses unauthenticated management calls', async () => {
    const result = await http(`${wharf.apiUrl}/v2/manage/repos`);
    expect([result.status, codeOf(result.body)]).toEqual([401, 'SVCSTG.SWR.4010000']);
    expect((await http(`${wharf.apiUrl}/v2/manage/namespaces/group/repos/test/triggers`)).status).toBe(401);
  });
});

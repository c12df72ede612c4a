import { createHash } from 'node:crypto';
import { adminToken } from './http';
import { createNamespace, OciHttp, sha256 } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

type Errors = { errors: Array<{ code: string; message: string; detail: unknown }> };

/** The OCI distribution API over HTTP, endpoint by endpoint, with its errors and token scopes (embedded mode). */
describe('OCI distribution API', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let full: string;
  const repo = 'dist/app';
  const scopeAll = (name: string) => `repository:${name}:pull,push,delete`;
  const codeOf = (result: { json: <T>() => T }) => result.json<Errors>().errors[0]?.code;

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'dist');
    oci = new OciHttp(wharf.registryUrl);
    full = (await oci.token([scopeAll(repo), scopeAll('dist/other'), scopeAll('dist/mounted'), 'registry:catalog:*'])).token;
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  describe('authentication', () => {
    it('challenges /v2/ without a token and answers it with one', async () => {
      const anonymous = await oci.request('GET', '/v2/');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer realm="${wharf.registryUrl}/auth/token",service="${oci.service}"`);
      expect(codeOf(anonymous)).toBe('UNAUTHORIZED');
      const ok = await oci.request('GET', '/v2/', { token: full });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    });

    it('issues tokens for Basic credentials by GET and for the OAuth2 password form by POST', async () => {
      const byGet = await oci.token([`repository:${repo}:pull`]);
      expect(byGet.status).toBe(200);
      expect(byGet.token).toBe(byGet.access_token);
      expect(byGet.expires_in).toBe(300);
      expect(Date.parse(byGet.issued_at)).not.toBeNaN();
      const form = new URLSearchParams({ grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD, service: oci.service, scope: `repository:${repo}:pull`, client_id: 'test' });
      const byPost = await fetch(`${wharf.registryUrl}/auth/token`, { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(byPost.status).toBe(200);
      const { token } = (await byPost.json()) as { token: string };
      expect((await oci.request('GET', '/v2/', { token })).status).toBe(200);
    });

    it('refuses wrong credentials with 401 and gives anonymous callers nothing on a private repository', async () => {
      const wrong = await oci.token([`repository:${repo}:pull`], { username: 'admin', password: 'wrong' });
      expect(wrong.status).toBe(401);
      await oci.pushImage(repo, 'private', full);
      const anonymous = await oci.token([`repository:${repo}:pull`], null);
      expect(anonymous.status).toBe(200);
      const pull = await oci.request('GET', `/v2/${repo}/manifests/private`, { token: anonymous.token });
      expect(pull.status).toBe(401);
      expect(pull.headers.get('www-authenticate')).toContain(`scope="repository:${repo}:pull"`);
    });

    it('does not let a pull-only token push, and denies refused scopes with 403', async () => {
      const pullOnly = (await oci.token([`repository:${repo}:pull`])).token;
      const push = await oci.request('POST', `/v2/${repo}/blobs/uploads/`, { token: pullOnly });
      expect(push.status).toBe(401);
      expect(push.headers.get('www-authenticate')).toContain(`scope="repository:${repo}:pull,push"`);
      const refused = (await oci.token(['repository:nonexistent-ns/app:pull,push'])).token;
      const denied = await oci.request('POST', '/v2/nonexistent-ns/app/blobs/uploads/', { token: refused });
      expect(denied.status).toBe(403);
      expect(codeOf(denied)).toBe('DENIED');
    });

    it('does not serve repository B a blob it does not link, even with a digest and a token for B', async () => {
      const { layerDigest } = await oci.pushImage(repo, 'for-b-test', full, 'only in dist/app');
      const tokenForOther = (await oci.token([`repository:dist/other:pull`])).token;
      await oci.pushImage('dist/other', 'x', full, 'other layer');
      const viaOther = await oci.request('GET', `/v2/dist/other/blobs/${layerDigest}`, { token: tokenForOther });
      expect(viaOther.status).toBe(404);
      expect(codeOf(viaOther)).toBe('BLOB_UNKNOWN');
      const wrongRepoToken = await oci.request('GET', `/v2/${repo}/blobs/${layerDigest}`, { token: tokenForOther });
      expect(wrongRepoToken.status).toBe(401);
    });

    it('refuses forged and tampered tokens', async () => {
      const [header, payload, signature] = full.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { access: unknown[] };
      claims.access = [{ type: 'repository', name: 'dist/secret', actions: ['pull'] }];
      const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      expect((await oci.request('GET', '/v2/dist/secret/tags/list', { token: tampered })).status).toBe(401);
      expect((await oci.request('GET', '/v2/', { token: 'not.a.jwt' })).status).toBe(401);
    });
  });

  describe('blob uploads', () => {
    it('uploads monolithically with POST ?digest=', async () => {
      const content = 'monolithic blob';
      const result = await oci.pushBlob(repo, content, full);
      expect(result.status).toBe(201);
      expect(result.headers.get('location')).toBe(`/v2/${repo}/blobs/${sha256(content)}`);
      expect(result.headers.get('docker-content-digest')).toBe(sha256(content));
    });

    it('uploads with POST then PUT, and with ordered PATCH chunks, reporting progress', async () => {
      const start = await oci.request('POST', `/v2/${repo}/blobs/uploads/`, { token: full });
      expect(start.status).toBe(202);
      const location = start.headers.get('location')!;
      expect(location).toMatch(new RegExp(`^/v2/${repo}/blobs/uploads/[0-9a-f-]{36}$`));
      expect(start.headers.get('docker-upload-uuid')).toBe(location.split('/').pop());
      const content = Buffer.from('0123456789abcdefghij');
      const first = await oci.request('PATCH', location, { token: full, body: content.subarray(0, 10), headers: { 'Content-Range': '0-9', 'Content-Type': 'application/octet-stream' } });
      expect(first.status).toBe(202);
      expect(first.headers.get('range')).toBe('0-9');
      const status = await oci.request('GET', location, { token: full });
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-9');
      const outOfOrder = await oci.request('PATCH', location, { token: full, body: content.subarray(15), headers: { 'Content-Range': '15-19' } });
      expect(outOfOrder.status).toBe(416);
      const overlapping = await oci.request('PATCH', location, { token: full, body: content.subarray(5, 15), headers: { 'Content-Range': '5-14' } });
      expect(overlapping.status).toBe(416);
      expect(overlapping.headers.get('range')).toBe('0-9');
      const second = await oci.request('PATCH', location, { token: full, body: content.subarray(10), headers: { 'Content-Range': '10-19' } });
      expect(second.headers.get('range')).toBe('0-19');
      const done = await oci.request('PUT', `${location}?digest=${sha256(content)}`, { token: full });
      expect(done.status).toBe(201);
      expect(done.headers.get('docker-content-digest')).toBe(sha256(content));
      const whole = await oci.request('POST', `/v2/${repo}/blobs/uploads/`, { token: full });
      const put = await oci.request('PUT', `${whole.headers.get('location')}?digest=${sha256('put body')}`, { token: full, body: 'put body' });
      expect(put.status).toBe(201);
    });

    it('refuses a wrong digest, keeps nothing, and verifies sha512', async () => {
      const wrong = await oci.request('POST', `/v2/${repo}/blobs/uploads/?digest=${sha256('something else')}`, { token: full, body: 'actual content' });
      expect(wrong.status).toBe(400);
      expect(codeOf(wrong)).toBe('DIGEST_INVALID');
      expect((await oci.request('HEAD', `/v2/${repo}/blobs/${sha256('actual content')}`, { token: full })).status).toBe(404);
      const sha512 = `sha512:${createHash('sha512').update('sha512 content').digest('hex')}`;
      const ok = await oci.request('POST', `/v2/${repo}/blobs/uploads/?digest=${sha512}`, { token: full, body: 'sha512 content' });
      expect(ok.status).toBe(201);
      expect((await oci.request('GET', `/v2/${repo}/blobs/${sha512}`, { token: full })).body.toString()).toBe('sha512 content');
      const malformed = await oci.request('POST', `/v2/${repo}/blobs/uploads/?digest=sha256:xyz`, { token: full, body: 'x' });
      expect(malformed.status).toBe(400);
      expect(codeOf(malformed)).toBe('DIGEST_INVALID');
    });

    it('cancels an upload, after which it is unknown', async () => {
      const start = await oci.request('POST', `/v2/${repo}/blobs/uploads/`, { token: full });
      const location = start.headers.get('location')!;
      expect((await oci.request('DELETE', location, { token: full })).status).toBe(204);
      const gone = await oci.request('GET', location, { token: full });
      expect(gone.status).toBe(404);
      expect(codeOf(gone)).toBe('BLOB_UPLOAD_UNKNOWN');
      expect((await oci.request('GET', `/v2/${repo}/blobs/uploads/not-a-uuid`, { token: full })).status).toBe(404);
    });

    it('mounts a blob from another repository the token may pull, else falls back to an upload', async () => {
      const content = 'mountable layer';
      await oci.pushBlob(repo, content, full);
      const mounted = await oci.request('POST', `/v2/dist/mounted/blobs/uploads/?mount=${sha256(content)}&from=${repo}`, { token: full });
      expect(mounted.status).toBe(201);
      expect(mounted.headers.get('location')).toBe(`/v2/dist/mounted/blobs/${sha256(content)}`);
      expect((await oci.request('GET', `/v2/dist/mounted/blobs/${sha256(content)}`, { token: full })).body.toString()).toBe(content);
      // A token that never asked about the source is challenged for pull on it; one refused it uploads instead.
      const targetOnly = (await oci.token(['repository:dist/mounted:pull,push'])).token;
      const challenged = await oci.request('POST', `/v2/dist/mounted/blobs/uploads/?mount=${sha256('monolithic blob')}&from=${repo}`, { token: targetOnly });
      expect(challenged.status).toBe(401);
      expect(challenged.headers.get('www-authenticate')).toContain(`scope="repository:dist/mounted:pull,push repository:${repo}:pull"`);
      const noPullOnSource = (await oci.token(['repository:dist/mounted:pull,push', 'repository:nonexistent-ns/app:pull'])).token;
      const fallback = await oci.request('POST', `/v2/dist/mounted/blobs/uploads/?mount=${sha256('monolithic blob')}&from=nonexistent-ns/app`, { token: noPullOnSource });
      expect(fallback.status).toBe(202);
      expect(fallback.headers.get('location')).toContain('/blobs/uploads/');
    });
  });

  describe('blob reads', () => {
    it('serves HEAD and GET with digest headers, and byte ranges with 206', async () => {
      const content = 'range me: 0123456789';
      await oci.pushBlob(repo, content, full);
      const head = await oci.request('HEAD', `/v2/${repo}/blobs/${sha256(content)}`, { token: full });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(content.length));
      expect(head.headers.get('docker-content-digest')).toBe(sha256(content));
      const range = await oci.request('GET', `/v2/${repo}/blobs/${sha256(content)}`, { token: full, headers: { Range: 'bytes=10-14' } });
      expect(range.status).toBe(206);
      expect(range.body.toString()).toBe('01234');
      expect(range.headers.get('content-range')).toBe(`bytes 10-14/${content.length}`);
      const suffix = await oci.request('GET', `/v2/${repo}/blobs/${sha256(content)}`, { token: full, headers: { Range: 'bytes=-3' } });
      expect(suffix.body.toString()).toBe('789');
      const unsatisfiable = await oci.request('GET', `/v2/${repo}/blobs/${sha256(content)}`, { token: full, headers: { Range: 'bytes=100-200' } });
      expect(unsatisfiable.status).toBe(416);
    });

    it('answers unknown and malformed digests and names with the spec codes', async () => {
      const unknown = await oci.request('GET', `/v2/${repo}/blobs/${sha256('never pushed')}`, { token: full });
      expect([unknown.status, codeOf(unknown)]).toEqual([404, 'BLOB_UNKNOWN']);
      const malformed = await oci.request('GET', `/v2/${repo}/blobs/sha256:not-hex`, { token: full });
      expect([malformed.status, codeOf(malformed)]).toEqual([400, 'DIGEST_INVALID']);
      const badName = await oci.request('GET', `/v2/Dist/App/blobs/${sha256('x')}`, { token: full });
      expect([badName.status, codeOf(badName)]).toEqual([400, 'NAME_INVALID']);
      const traversal = await oci.request('GET', `/v2/dist/..%2F..%2Fetc/blobs/${sha256('x')}`, { token: full });
      expect(traversal.status).toBe(400);
    });

    it('unlinks a blob from a repository with DELETE', async () => {
      await oci.pushBlob(repo, 'to unlink', full);
      expect((await oci.request('DELETE', `/v2/${repo}/blobs/${sha256('to unlink')}`, { token: full })).status).toBe(202);
      expect((await oci.request('HEAD', `/v2/${repo}/blobs/${sha256('to unlink')}`, { token: full })).status).toBe(404);
    });
  });

  describe('manifests', () => {
    it('stores a manifest by tag and serves it by tag and digest, with HEAD', async () => {
      const { result, digest, bytes } = await oci.pushImage(repo, 'v1', full);
      expect(result.status).toBe(201);
      expect(result.headers.get('docker-content-digest')).toBe(digest);
      expect(result.headers.get('location')).toBe(`/v2/${repo}/manifests/${digest}`);
      for (const reference of ['v1', digest]) {
        const get = await oci.request('GET', `/v2/${repo}/manifests/${reference}`, { token: full });
        expect(get.status).toBe(200);
        expect(get.body.toString()).toBe(bytes);
        expect(get.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
        expect(get.headers.get('docker-content-digest')).toBe(digest);
      }
      const head = await oci.request('HEAD', `/v2/${repo}/manifests/v1`, { token: full });
      expect([head.status, head.headers.get('content-length'), head.body.length]).toEqual([200, String(bytes.length), 0]);
    });

    it('refuses manifests whose blobs are missing, malformed ones, oversized ones and digest mismatches', async () => {
      const missing = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('no such config'), size: 14 },
        layers: [],
      };
      const blobUnknown = await oci.pushManifest(repo, 'broken', missing, full);
      expect([blobUnknown.status, codeOf(blobUnknown)]).toEqual([400, 'MANIFEST_BLOB_UNKNOWN']);
      const malformed = await oci.request('PUT', `/v2/${repo}/manifests/bad`, { token: full, body: '{"schemaVersion":', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
      expect([malformed.status, codeOf(malformed)]).toEqual([400, 'MANIFEST_INVALID']);
      const huge = await oci.request('PUT', `/v2/${repo}/manifests/huge`, { token: full, body: Buffer.alloc(4 * 1024 * 1024 + 10, 32), headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
      expect(huge.status).toBe(413);
      const { bytes } = await oci.pushImage(repo, 'mismatch-source', full);
      const mismatch = await oci.request('PUT', `/v2/${repo}/manifests/${sha256('other')}`, { token: full, body: bytes, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
      expect([mismatch.status, codeOf(mismatch)]).toEqual([400, 'DIGEST_INVALID']);
      const badTag = await oci.request('PUT', `/v2/${repo}/manifests/-bad-tag`, { token: full, body: bytes, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' } });
      expect([badTag.status, codeOf(badTag)]).toEqual([400, 'TAG_INVALID']);
      expect((await oci.request('GET', `/v2/${repo}/manifests/broken`, { token: full })).status).toBe(404);
    });

    it('stores indexes whose children exist, and refuses to delete a child an index references (409)', async () => {
      const child = await oci.pushImage(repo, 'child', full, 'child layer');
      const index = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: child.digest, size: child.bytes.length, platform: { architecture: 'amd64', os: 'linux' } }],
      };
      const pushed = await oci.pushManifest(repo, 'index', index, full, 'application/vnd.oci.image.index.v1+json');
      expect(pushed.status).toBe(201);
      const refused = await oci.request('DELETE', `/v2/${repo}/manifests/${child.digest}`, { token: full });
      expect([refused.status, codeOf(refused)]).toEqual([409, 'DENIED']);
      const orphanIndex = { ...index, manifests: [{ ...index.manifests[0], digest: sha256('absent child') }] };
      const orphan = await oci.pushManifest(repo, 'orphan', orphanIndex, full, 'application/vnd.oci.image.index.v1+json');
      expect([orphan.status, codeOf(orphan)]).toEqual([400, 'MANIFEST_BLOB_UNKNOWN']);
    });

    it('deletes a tag alone, and a manifest by digest with all its tags', async () => {
      const image = await oci.pushImage(repo, 'keep', full, 'delete test');
      await oci.pushManifest(repo, 'drop', JSON.parse(image.bytes), full);
      expect((await oci.request('DELETE', `/v2/${repo}/manifests/drop`, { token: full })).status).toBe(202);
      expect((await oci.request('GET', `/v2/${repo}/manifests/drop`, { token: full })).status).toBe(404);
      expect((await oci.request('GET', `/v2/${repo}/manifests/keep`, { token: full })).status).toBe(200);
      expect((await oci.request('DELETE', `/v2/${repo}/manifests/${image.digest}`, { token: full })).status).toBe(202);
      const gone = await oci.request('GET', `/v2/${repo}/manifests/keep`, { token: full });
      expect([gone.status, codeOf(gone)]).toEqual([404, 'MANIFEST_UNKNOWN']);
      expect((await oci.request('DELETE', `/v2/${repo}/manifests/never-existed`, { token: full })).status).toBe(404);
    });

    it('serves referrers with the artifactType filter, and answers OCI-Subject on push', async () => {
      const subject = await oci.pushImage(repo, 'subject', full, 'subject layer');
      const empty = '{}';
      await oci.pushBlob(repo, empty, full);
      const artifact = (artifactType: string, note: string) => ({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(empty), size: 2 },
        layers: [],
        subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject.digest, size: subject.bytes.length },
        annotations: { note },
      });
      const sbom = await oci.pushManifest(repo, sha256(JSON.stringify(artifact('application/vnd.example.sbom', 'a'))), artifact('application/vnd.example.sbom', 'a'), full);
      expect(sbom.status).toBe(201);
      expect(sbom.headers.get('oci-subject')).toBe(subject.digest);
      await oci.pushManifest(repo, sha256(JSON.stringify(artifact('application/vnd.example.sig', 'b'))), artifact('application/vnd.example.sig', 'b'), full);
      const all = await oci.request('GET', `/v2/${repo}/referrers/${subject.digest}`, { token: full });
      expect(all.status).toBe(200);
      expect(all.headers.get('content-type')).toContain('application/vnd.oci.image.index.v1+json');
      const index = all.json<{ manifests: Array<{ artifactType: string; annotations: Record<string, string> }> }>();
      expect(index.manifests.map((m) => m.artifactType).sort()).toEqual(['application/vnd.example.sbom', 'application/vnd.example.sig']);
      const filtered = await oci.request('GET', `/v2/${repo}/referrers/${subject.digest}?artifactType=application/vnd.example.sig`, { token: full });
      expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
      expect(filtered.json<{ manifests: Array<{ annotations: Record<string, string> }> }>().manifests.map((m) => m.annotations.note)).toEqual(['b']);
      const none = await oci.request('GET', `/v2/${repo}/referrers/${sha256('nothing refers')}`, { token: full });
      expect(none.json<{ manifests: unknown[] }>().manifests).toEqual([]);
    });
  });

  describe('listings', () => {
    it('lists tags sorted, paged with n and last and a Link header', async () => {
      const name = 'dist/other';
      for (const tag of ['c', 'a', 'b', 'd']) await oci.pushImage(name, tag, full, `tag ${tag}`);
      const all = await oci.request('GET', `/v2/${name}/tags/list`, { token: full });
      expect(all.json()).toEqual({ name, tags: ['a', 'b', 'c', 'd', 'x'] });
      const first = await oci.request('GET', `/v2/${name}/tags/list?n=2`, { token: full });
      expect(first.json()).toEqual({ name, tags: ['a', 'b'] });
      expect(first.headers.get('link')).toBe(`</v2/${name}/tags/list?n=2&last=b>; rel="next"`);
      const next = await oci.request('GET', `/v2/${name}/tags/list?n=2&last=b`, { token: full });
      expect(next.json()).toEqual({ name, tags: ['c', 'd'] });
      const last = await oci.request('GET', `/v2/${name}/tags/list?n=2&last=d`, { token: full });
      expect(last.json()).toEqual({ name, tags: ['x'] });
      expect(last.headers.get('link')).toBeNull();
      expect((await oci.request('GET', `/v2/${name}/tags/list?n=0`, { token: full })).json()).toEqual({ name, tags: [] });
      expect((await oci.request('GET', `/v2/${name}/tags/list?n=-1`, { token: full })).status).toBe(400);
      const unknown = await oci.request('GET', '/v2/dist/nothing/tags/list', { token: (await oci.token(['repository:dist/nothing:pull'])).token });
      expect([unknown.status, codeOf(unknown)]).toEqual([404, 'NAME_UNKNOWN']);
    });

    it('lists the catalog of repositories the token may pull, paged', async () => {
      const page = await oci.request('GET', '/v2/_catalog?n=2', { token: full });
      expect(page.status).toBe(200);
      const { repositories } = page.json<{ repositories: string[] }>();
      expect(repositories).toEqual(['dist/app', 'dist/mounted']);
      expect(page.headers.get('link')).toBe('</v2/_catalog?n=2&last=dist%2Fmounted>; rel="next"');
      const rest = await oci.request('GET', '/v2/_catalog?n=10&last=dist/mounted', { token: full });
      expect(rest.json<{ repositories: string[] }>().repositories).toEqual(['dist/other']);
      // Every signed-in caller's token lists the catalog, asked for or not (podman search asks for nothing);
      // an anonymous token does not.
      const withoutCatalogScope = (await oci.token([`repository:${repo}:pull`])).token;
      expect((await oci.request('GET', '/v2/_catalog', { token: withoutCatalogScope })).status).toBe(200);
      const anonymous = (await oci.token(['registry:catalog:*'], null)).token;
      expect((await oci.request('GET', '/v2/_catalog', { token: anonymous })).status).toBe(401);
    });
  });
});

import { createHash } from 'node:crypto';
import { adminToken } from './http';
import { createNamespace, OciHttp, sha256, type OciResult } from './oci-http';
import { WharfProcesses, type Mode } from './wharf-processes';

type Errors = { errors: Array<{ code: string; message: string; detail: Record<string, unknown> }> };

const sha512 = (content: string): string => `sha512:${createHash('sha512').update(content).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar';

/**
 * The cases the OCI distribution-spec conformance suites check that Wharf once got wrong, and the other
 * data-plane hardening items, over raw HTTP with token auth, in both run modes.
 */
describe.each<Mode>(['embedded', 'distributed'])('OCI conformance cases (%s mode)', (mode) => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let token: string;
  const repo = 'conf/app';
  const source = 'conf/source';
  const scope = (name: string) => `repository:${name}:pull,push,delete`;
  const error = (result: OciResult) => result.json<Errors>().errors[0]!;

  /** Pushes a config blob and returns its descriptor. */
  const pushConfig = async (name: string, text = '{}') => {
    expect((await oci.pushBlob(name, text, token)).status).toBe(201);
    return { mediaType: CONFIG_TYPE, digest: sha256(text), size: Buffer.byteLength(text) };
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start(mode);
    await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'conf');
    oci = new OciHttp(wharf.registryUrl);
    token = (await oci.token([scope(repo), scope(source)])).token;
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('answers upload ids that are not ids with 404 BLOB_UPLOAD_UNKNOWN on GET, PATCH, PUT and DELETE', async () => {
    const path = `/v2/${repo}/blobs/uploads/${'-'.repeat(36)}`;
    const results = [
      await oci.request('GET', path, { token }),
      await oci.request('PATCH', path, { token, body: 'abc', headers: { 'Content-Type': 'application/octet-stream' } }),
      await oci.request('PUT', `${path}?digest=${sha256('abc')}`, { token, body: 'abc', headers: { 'Content-Type': 'application/octet-stream' } }),
      await oci.request('DELETE', path, { token }),
    ];
    for (const result of results) {
      expect(result.status).toBe(404);
      expect(error(result).code).toBe('BLOB_UPLOAD_UNKNOWN');
    }
  });

  it('refuses a manifest whose descriptors claim sizes other than the stored blobs and manifests have', async () => {
    const config = await pushConfig(repo, '{"size":"check"}');
    const layer = 'x'.repeat(100);
    await oci.pushBlob(repo, layer, token);
    const claiming = (size: number) => ({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [{ mediaType: LAYER_TYPE, digest: sha256(layer), size }] });
    for (const size of [2 ** 53 - 1, 2 ** 53, 99]) {
      const refused = await oci.pushManifest(repo, 'wrong-size', claiming(size), token);
      expect(refused.status).toBe(400);
      expect(error(refused).code).toBe('MANIFEST_INVALID');
    }
    expect((await oci.request('GET', `/v2/${repo}/manifests/wrong-size`, { token })).status).toBe(404);

    const right = claiming(100);
    expect((await oci.pushManifest(repo, 'right-size', right, token)).status).toBe(201);
    const child = { mediaType: OCI_MANIFEST, digest: sha256(JSON.stringify(right)), size: JSON.stringify(right).length + 1 };
    const index = await oci.pushManifest(repo, 'wrong-index', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [child] }, token, OCI_INDEX);
    expect(index.status).toBe(400);
    expect(error(index).code).toBe('MANIFEST_INVALID');
  });

  it('serves referrers as exactly application/vnd.oci.image.index.v1+json', async () => {
    const { digest } = await oci.pushImage(repo, 'subject', token, 'subject layer');
    const response = await oci.request('GET', `/v2/${repo}/referrers/${digest}`, { token });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(OCI_INDEX);
    expect(response.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
  });

  it('checks the closing PUT of a chunked upload against its Content-Range: out of order is 416 and appends nothing', async () => {
    const start = await oci.request('POST', `/v2/${repo}/blobs/uploads/`, { token });
    expect(start.status).toBe(202);
    const location = start.headers.get('location')!;
    const octets = { 'Content-Type': 'application/octet-stream' };
    const first = await oci.request('PATCH', location, { token, body: '0123456789', headers: { ...octets, 'Content-Range': '0-9' } });
    expect(first.status).toBe(202);
    const whole = '0123456789abcdefghij';
    const outOfOrder = await oci.request('PUT', `${location}?digest=${sha256(whole)}`, { token, body: 'klmnopqrst', headers: { ...octets, 'Content-Range': '20-29' } });
    expect(outOfOrder.status).toBe(416);
    expect(outOfOrder.headers.get('range')).toBe('0-9');
    const status = await oci.request('GET', location, { token });
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-9');
    const closing = await oci.request('PUT', `${location}?digest=${sha256(whole)}`, { token, body: 'abcdefghij', headers: { ...octets, 'Content-Range': '10-19' } });
    expect(closing.status).toBe(201);
    const blob = await oci.request('GET', `/v2/${repo}/blobs/${sha256(whole)}`, { token });
    expect(blob.body.toString()).toBe(whole);
  });

  it('accepts, tags and serves a manifest with a non-distributable layer the registry does not hold', async () => {
    const config = await pushConfig(repo, '{"foreign":true}');
    const foreign = {
      mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
      digest: sha256('a layer that lives elsewhere'),
      size: 1234,
      urls: ['https://layers.example.com/foreign.tar.gz'],
    };
    const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [foreign] };
    const pushed = await oci.pushManifest(repo, 'foreign', manifest, token);
    expect(pushed.status).toBe(201);
    const served = await oci.request('GET', `/v2/${repo}/manifests/foreign`, { token, headers: { Accept: OCI_MANIFEST } });
    expect(served.status).toBe(200);
    expect(served.body.toString()).toBe(JSON.stringify(manifest));
    expect((await oci.request('GET', `/v2/${repo}/tags/list`, { token })).json<{ tags: string[] }>().tags).toContain('foreign');
    expect((await oci.request('GET', `/v2/${repo}/blobs/${foreign.digest}`, { token })).status).toBe(404);

    // Without URLs the layer is an ordinary blob the repository must hold.
    const { urls: _none, ...withoutUrls } = foreign;
    const refused = await oci.pushManifest(repo, 'foreign-no-urls', { ...manifest, layers: [withoutUrls] }, token);
    expect(refused.status).toBe(400);
    expect(error(refused).code).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('tags a manifest pushed by digest with every ?tag= parameter and says so in OCI-Tag', async () => {
    const config = await pushConfig(repo, '{"sha512":true}');
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] });
    const digest = sha512(manifest);
    const pushed = await oci.request('PUT', `/v2/${repo}/manifests/${digest}?tag=first&tag=second`, { token, body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
    expect(pushed.status).toBe(201);
    expect(pushed.headers.get('docker-content-digest')).toBe(digest);
    expect(pushed.headers.get('oci-tag')).toBe('first, second');
    for (const tag of ['first', 'second']) {
      const served = await oci.request('GET', `/v2/${repo}/manifests/${tag}`, { token, headers: { Accept: OCI_MANIFEST } });
      expect(served.status).toBe(200);
      expect(served.headers.get('docker-content-digest')).toBe(digest);
      expect(served.body.toString()).toBe(manifest);
    }
    const invalid = await oci.request('PUT', `/v2/${repo}/manifests/${digest}?tag=-bad`, { token, body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
    expect(invalid.status).toBe(400);
    expect(error(invalid).code).toBe('TAG_INVALID');
  });

  it('asks for pull on the source in a mount challenge, and mounts with the token that challenge leads to', async () => {
    const blob = 'a blob to mount';
    await oci.pushBlob(source, blob, token);
    const mountPath = `/v2/conf/mounted/blobs/uploads/?mount=${sha256(blob)}&from=${source}`;
    const targetOnly = (await oci.token(['repository:conf/mounted:pull,push'])).token;
    const challenged = await oci.request('POST', mountPath, { token: targetOnly });
    expect(challenged.status).toBe(401);
    const challenge = challenged.headers.get('www-authenticate')!;
    const scopes = /scope="([^"]+)"/.exec(challenge)![1]!.split(' ');
    expect(scopes).toEqual(['repository:conf/mounted:pull,push', `repository:${source}:pull`]);
    const mounted = await oci.request('POST', mountPath, { token: (await oci.token(scopes)).token });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('docker-content-digest')).toBe(sha256(blob));

    // A token refused the source uploads instead of being challenged again.
    const refusedSource = (await oci.token(['repository:conf/mounted:pull,push', 'repository:nowhere/source:pull'])).token;
    const fallback = await oci.request('POST', `/v2/conf/mounted/blobs/uploads/?mount=${sha256(blob)}&from=nowhere/source`, { token: refusedSource });
    expect(fallback.status).toBe(202);
  });

  it('denies a push into an organization that does not exist with a message naming it and how to create it, and finds no repository there', async () => {
    const refused = (await oci.token(['repository:missing-org/app:pull,push'])).token;
    const denied = await oci.request('POST', '/v2/missing-org/app/blobs/uploads/', { token: refused });
    expect(denied.status).toBe(403);
    const { code, message, detail } = error(denied);
    expect(code).toBe('DENIED');
    expect(message).toContain('organization "missing-org" does not exist');
    expect(message).toContain('POST /v2/manage/namespaces');
    expect(detail.organization).toBe('missing-org');
    // Looking for a blob there first (as podman does before uploading) finds no repository, with the same message.
    const lookup = await oci.request('GET', `/v2/missing-org/app/blobs/${sha256('anything')}`, { token: refused });
    expect(lookup.status).toBe(404);
    expect(error(lookup).code).toBe('NAME_UNKNOWN');
    expect(error(lookup).message).toContain('organization "missing-org" does not exist');
  });
});

import { ContainerTools } from './container-tools';
import { adminToken, http } from './http';
import { OciHttp, sha256 } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

interface Repository {
  name: string;
  size: number;
  type: string;
  updatedAt: string;
}
interface Image {
  digest: string;
  createdAt: string;
  tags: string[];
  size: number;
  layers: Array<{ digest: string; size: number }>;
  architecture: string;
  os: string;
  mediaType: string;
}
interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}
interface RawManifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  manifests?: Array<Descriptor & { platform: { architecture: string } }>;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/**
 * Selectel repositories, images, tags and layers of a registry, over images pushed by real clients (skopeo,
 * podman) and by hand (Helm charts, other artifacts), checked against the manifests the registry serves.
 */
describe('Selectel repositories and images', () => {
  let wharf: WharfProcesses;
  let tools: ContainerTools;
  let oci: OciHttp;
  let token: string;
  let host: string;
  let registryId: string;
  const creds = `admin:${ADMIN_PASSWORD}`;
  const api = (method: string, path: string) => http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': token } });
  const repo = (name: string, rest = '') => `/api/v1/registries/${registryId}/repositories/${encodeURIComponent(name)}${rest}`;
  /** The manifest the registry serves for a reference, as bytes and JSON. */
  const served = async (repository: string, reference: string) => {
    const { token: pull } = await oci.token([`repository:${repository}:pull`]);
    const result = await oci.request('GET', `/v2/${repository}/manifests/${reference}`, { token: pull, headers: { Accept: MANIFEST_TYPES } });
    expect(result.status).toBe(200);
    return { bytes: result.body, json: result.json<RawManifest>(), digest: result.headers.get('docker-content-digest')! };
  };

  beforeAll(async () => {
    const missing = await ContainerTools.missing();
    if (missing.length > 0) throw new Error(`These tests need ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    wharf = await WharfProcesses.start('embedded');
    token = await adminToken(wharf.apiUrl);
    oci = new OciHttp(wharf.registryUrl);
    host = new URL(wharf.registryUrl).host;
    const created = await http(`${wharf.apiUrl}/api/v1/registries`, { method: 'POST', headers: { 'X-Auth-Token': token }, json: { name: 'imgs' } });
    registryId = (created.body as { id: string }).id;
    tools = new ContainerTools();
    await tools.buildImage('hello:1', 'hello from a Selectel registry');
    await tools.buildImage('arm:1', 'an arm64 build', 'arm64');
  }, 240000);
  afterAll(async () => {
    await wharf?.stop();
    tools?.cleanup();
  });

  it('shows an image pushed with skopeo: its repository (name with /), layers, sizes, platform and tags', async () => {
    const digestFile = tools.digestFile('hello');
    await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', creds, '--digestfile', digestFile, tools.local('hello:1'), `docker://${host}/imgs/tools/hello:v1`);
    const digest = tools.read(digestFile);
    const manifest = await served('imgs/tools/hello', 'v1');
    expect(manifest.digest).toBe(digest);
    const layerBytes = manifest.json.layers.reduce((sum, layer) => sum + layer.size, 0);
    const repositorySize = manifest.json.config.size + layerBytes + manifest.bytes.length;

    const listed = await api('GET', `/api/v1/registries/${registryId}/repositories`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([{ name: 'tools/hello', size: repositorySize, type: 'image', updatedAt: expect.any(String) }]);
    const one = await api('GET', repo('tools/hello'));
    expect([one.status, one.body]).toEqual([200, (listed.body as Repository[])[0]]);

    const image: Image = {
      digest,
      createdAt: expect.any(String) as unknown as string,
      tags: ['v1'],
      size: layerBytes,
      layers: manifest.json.layers.map(({ digest: d, size }) => ({ digest: d, size })),
      architecture: 'amd64',
      os: 'linux',
      mediaType: manifest.json.mediaType,
    };
    const images = await api('GET', repo('tools/hello', '/images'));
    expect([images.status, images.body]).toEqual([200, [image]]);
    expect((await api('GET', repo('tools/hello', '/tags'))).body).toEqual(['v1']);
    const byTag = await api('GET', repo('tools/hello', '/v1'));
    expect([byTag.status, byTag.body]).toEqual([200, image]);
    expect((await api('GET', repo('tools/hello', `/${digest}`))).body).toEqual(image);
  });

  it('shows the platform podman pushed, untagged images with [] and tags that moved', async () => {
    const first = tools.digestFile('arm-first');
    await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, host);
    await tools.podman('push', '--tls-verify=false', '--digestfile', first, 'localhost/arm:1', `${host}/imgs/arm:latest`);
    const armDigest = tools.read(first);
    await tools.podman('push', '--tls-verify=false', 'localhost/hello:1', `${host}/imgs/arm:latest`);
    const amdDigest = (await served('imgs/arm', 'latest')).digest;
    expect(amdDigest).not.toBe(armDigest);
    const images = (await api('GET', repo('arm', '/images'))).body as Image[];
    expect(images.map(({ digest, tags, architecture, os }) => ({ digest, tags, architecture, os }))).toEqual([
      { digest: amdDigest, tags: ['latest'], architecture: 'amd64', os: 'linux' },
      { digest: armDigest, tags: [], architecture: 'arm64', os: 'linux' },
    ]);
  });

  it('describes an image index by its children and refuses to delete a child while the index lists it', async () => {
    const source = await tools.buildIndex('multi');
    const digestFile = tools.digestFile('multi');
    await tools.skopeo('copy', '--all', '--dest-tls-verify=false', '--dest-creds', creds, '--digestfile', digestFile, source, `docker://${host}/imgs/multi:v1`);
    const indexDigest = tools.read(digestFile);
    const index = await served('imgs/multi', indexDigest);
    const children = await Promise.all(index.json.manifests!.map((child) => served('imgs/multi', child.digest)));
    const childSize = (child: { json: RawManifest }) => child.json.layers.reduce((sum, layer) => sum + layer.size, 0);

    const images = (await api('GET', repo('multi', '/images'))).body as Image[];
    expect(images).toHaveLength(3);
    const shownIndex = images.find((image) => image.digest === indexDigest)!;
    expect(shownIndex).toEqual({
      digest: indexDigest,
      createdAt: expect.any(String),
      tags: ['v1'],
      size: children.reduce((sum, child) => sum + childSize(child), 0),
      layers: [],
      architecture: 'amd64,arm64',
      os: 'linux',
      mediaType: 'application/vnd.oci.image.index.v1+json',
    });
    for (const child of children) {
      expect(images.find((image) => image.digest === child.digest)).toMatchObject({ tags: [], size: childSize(child), layers: child.json.layers.map(({ digest, size }) => ({ digest, size })) });
    }
    expect((await api('GET', repo('multi', '/v1'))).body).toEqual(shownIndex);

    const child = children[0]!.digest;
    const refused = await api('DELETE', repo('multi', `/${child}`));
    expect([refused.status, typeof (refused.body as { error: unknown }).error]).toEqual([409, 'string']);
    expect((await api('DELETE', repo('multi', `/${indexDigest}`))).status).toBe(204);
    expect((await api('DELETE', repo('multi', `/${child}`))).status).toBe(204);
    const left = (await api('GET', repo('multi', '/images'))).body as Image[];
    expect(left.map((image) => image.digest)).toEqual([children[1]!.digest]);
    expect((await api('GET', repo('multi', '/tags'))).body).toEqual([]);
    const again = await api('DELETE', repo('multi', `/${child}`));
    expect([again.status, again.body]).toEqual([404, { error: 'Image not found.' }]);
    const byTag = await api('DELETE', repo('multi', '/v1'));
    expect([byTag.status, (byTag.body as { error: string }).error]).toEqual([400, expect.stringContaining('not a valid digest')]);
  });

  it("tells Helm charts and other artifacts from images by their manifests' config media types", async () => {
    const { token: push } = await oci.token(['repository:imgs/charts/demo:pull,push', 'repository:imgs/bundles:pull,push']);
    const artifact = async (repository: string, configType: string, layerType: string, content: string) => {
      const config = '{}';
      await oci.pushBlob(repository, config, push);
      await oci.pushBlob(repository, content, push);
      const manifest = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: configType, digest: sha256(config), size: config.length },
        layers: [{ mediaType: layerType, digest: sha256(content), size: content.length }],
      };
      expect((await oci.pushManifest(repository, '0.1.0', manifest, push)).status).toBe(201);
    };
    await artifact('imgs/charts/demo', 'application/vnd.cncf.helm.config.v1+json', 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', 'a chart archive');
    await artifact('imgs/bundles', 'application/vnd.example.bundle.config.v1+json', 'application/vnd.example.bundle.layer', 'a bundle');
    expect((await api('GET', repo('charts/demo'))).body).toMatchObject({ name: 'charts/demo', type: 'helm_chart' });
    expect((await api('GET', repo('bundles'))).body).toMatchObject({ name: 'bundles', type: 'artifact' });
    expect(((await api('GET', repo('charts/demo', '/images'))).body as Image[])[0]).toMatchObject({ architecture: '', os: '', size: 'a chart archive'.length });
    // A repository created through SWR's API holds nothing yet: an image repository, 0 bytes, no images.
    expect((await http(`${wharf.apiUrl}/v2/manage/namespaces/imgs/repos`, { method: 'POST', headers: { 'X-Auth-Token': token }, json: { repository: 'empty', is_public: false } })).status).toBe(201);
    expect((await api('GET', repo('empty'))).body).toEqual({ name: 'empty', size: 0, type: 'image', updatedAt: expect.any(String) });
    expect((await api('GET', repo('empty', '/images'))).body).toEqual([]);
    expect((await api('GET', repo('empty', '/tags'))).body).toEqual([]);
  });

  it('pages, searches and sorts repositories in both shapes, and lists names only with short=true', async () => {
    const list = async (query: string) => {
      const page = await api('GET', `/api/v2/registries/${registryId}/repositories?${query}`);
      expect([query, page.status]).toEqual([query, 200]);
      return page.body as { filteredCount: number; repositories: Repository[]; totalCount: number };
    };
    const all = await list('limit=1000');
    expect(all.repositories.map((r) => r.name)).toEqual(['arm', 'bundles', 'charts/demo', 'empty', 'multi', 'tools/hello']);
    expect([all.filteredCount, all.totalCount]).toEqual([6, 6]);
    expect((await list('')).repositories).toHaveLength(6);
    expect((await list('sort_type=desc&limit=2')).repositories.map((r) => r.name)).toEqual(['tools/hello', 'multi']);
    expect((await list('limit=2&offset=2')).repositories.map((r) => r.name)).toEqual(['charts/demo', 'empty']);
    const bySize = (await list('sort_field=size')).repositories;
    expect(bySize.map((r) => r.size)).toEqual([...bySize.map((r) => r.size)].sort((a, b) => a - b));
    expect(bySize[0]!.name).toBe('empty');
    const byUpdate = (await list('sort_field=updatedAt&sort_type=desc')).repositories;
    expect(byUpdate[0]!.name).toBe('empty');
    expect(byUpdate.map((r) => r.updatedAt)).toEqual([...byUpdate.map((r) => r.updatedAt)].sort().reverse());
    const searched = await list('search=O&limit=1');
    expect([searched.repositories.map((r) => r.name), searched.filteredCount, searched.totalCount]).toEqual([['charts/demo'], 2, 6]);
    const past = await list('offset=6');
    expect([past.repositories, past.filteredCount, past.totalCount]).toEqual([[], 6, 6]);

    const short = await list('short=true&sort_type=desc&limit=3');
    expect(short.repositories).toEqual([{ name: 'tools/hello' }, { name: 'multi' }, { name: 'empty' }]);
    expect((await api('GET', `/api/v1/registries/${registryId}/repositories?short=true&search=charts`)).body).toEqual([{ name: 'charts/demo' }]);
    expect((await api('GET', `/api/v1/registries/${registryId}/repositories?search=nothing-like-this`)).status).toBe(204);
    expect((await api('GET', `/api/v1/registries/${registryId}/repositories?limit=2`)).body).toHaveLength(2);
    for (const query of ['short=true&sort_field=size', 'short=maybe', 'sort_field=createdAt', 'limit=0', 'offset=x', 'sort_type=sideways']) {
      for (const version of ['v1', 'v2']) {
        const bad = await api('GET', `/api/${version}/registries/${registryId}/repositories?${query}`);
        expect([query, bad.status, typeof (bad.body as { error: unknown }).error]).toEqual([query, 400, 'string']);
      }
    }
  });

  it('pages and searches images (v2), newest first, and answers a registry without repositories with 204', async () => {
    const images = async (query: string) => (await api('GET', `/api/v2/registries/${registryId}/repositories/arm/images?${query}`)).body as { filteredCount: number; images: Image[]; totalCount: number };
    const all = await images('');
    expect([all.images.length, all.filteredCount, all.totalCount]).toEqual([2, 2, 2]);
    expect(all.images[0]!.tags).toEqual(['latest']);
    const second = await images('limit=1&offset=1');
    expect([second.images.map((i) => i.digest), second.filteredCount]).toEqual([[all.images[1]!.digest], 2]);
    const byTag = await images('search=lat');
    expect([byTag.images.map((i) => i.digest), byTag.filteredCount, byTag.totalCount]).toEqual([[all.images[0]!.digest], 1, 2]);
    const byDigest = await images(`search=${all.images[1]!.digest.slice(7, 19)}`);
    expect(byDigest.images.map((i) => i.digest)).toEqual([all.images[1]!.digest]);
    expect((await api('GET', `/api/v1/registries/${registryId}/repositories/arm/images?limit=1`)).body).toHaveLength(1);
    expect((await api('GET', `/api/v2/registries/${registryId}/repositories/arm/images?limit=-1`)).status).toBe(400);

    const empty = (await http(`${wharf.apiUrl}/api/v1/registries`, { method: 'POST', headers: { 'X-Auth-Token': token }, json: { name: 'imgs-empty' } })).body as { id: string };
    const v1 = await api('GET', `/api/v1/registries/${empty.id}/repositories`);
    expect([v1.status, v1.text]).toEqual([204, '']);
    expect((await api('GET', `/api/v2/registries/${empty.id}/repositories`)).body).toEqual({ filteredCount: 0, repositories: [], totalCount: 0 });
  });

  it('gathers more images than one catalog call holds (100): all of them on v1, any page size up to 1000 on v2', async () => {
    const { token: push } = await oci.token(['repository:imgs/many:pull,push']);
    const first = await oci.pushImage('imgs/many', 'i0', push, 'one shared layer');
    const manifest = JSON.parse(first.bytes) as Record<string, unknown>;
    for (let i = 1; i < 105; i++) {
      const pushed = await oci.pushManifest('imgs/many', `i${i}`, { ...manifest, annotations: { 'org.example.build': String(i) } }, push);
      expect(pushed.status).toBe(201);
    }
    const all = (await api('GET', repo('many', '/images'))).body as Image[];
    expect(all).toHaveLength(105);
    expect(new Set(all.map((image) => image.digest)).size).toBe(105);
    expect(all.flatMap((image) => image.tags).sort()).toEqual(Array.from({ length: 105 }, (_, i) => `i${i}`).sort());
    expect(all.every((image) => image.size === 'one shared layer'.length && image.architecture === 'amd64')).toBe(true);
    const page = await api('GET', `/api/v2/registries/${registryId}/repositories/many/images?limit=101&offset=3`);
    expect(page.body).toEqual({ filteredCount: 105, images: all.slice(3, 104), totalCount: 105 });
    const tail = await api('GET', `/api/v2/registries/${registryId}/repositories/many/images?limit=1000&offset=100`);
    expect(tail.body).toEqual({ filteredCount: 105, images: all.slice(100), totalCount: 105 });
    const tags = (await api('GET', repo('many', '/tags'))).body as string[];
    expect(tags).toEqual(Array.from({ length: 105 }, (_, i) => `i${i}`).sort());
    expect((await api('DELETE', repo('many'))).status).toBe(204);
  });

  it('takes repository names URL-encoded as one segment (%2F) and nothing else', async () => {
    expect((await api('GET', `/api/v1/registries/${registryId}/repositories/tools%2Fhello`)).status).toBe(200);
    expect((await api('GET', `/api/v1/registries/${registryId}/repositories/tools%2fhello/tags`)).body).toEqual(['v1']);
    // Unencoded, `tools/hello` is the repository `tools` and the reference `hello`.
    const unencoded = await api('GET', `/api/v1/registries/${registryId}/repositories/tools/hello`);
    expect([unencoded.status, unencoded.body]).toEqual([404, { error: 'Repository not found.' }]);
    // Encoded twice, the name holds a literal "%2F", which no repository has.
    expect((await api('GET', `/api/v1/registries/${registryId}/repositories/tools%252Fhello`)).status).toBe(404);
    const malformed = await api('GET', `/api/v1/registries/${registryId}/repositories/tools%E0%A4%A`);
    expect([malformed.status, typeof (malformed.body as { error: unknown }).error]).toEqual([400, 'string']);
  });

  it('answers missing things with 404 in Selectel shape and bad references with 400', async () => {
    const missingRepo = await api('GET', repo('nope'));
    expect([missingRepo.status, missingRepo.body]).toEqual([404, { error: 'Repository not found.' }]);
    for (const path of ['/images', '/tags', '/v1']) expect((await api('GET', repo('nope', path))).status).toBe(404);
    expect((await api('DELETE', repo('nope'))).status).toBe(404);
    const missingTag = await api('GET', repo('tools/hello', '/v9'));
    expect([missingTag.status, missingTag.body]).toEqual([404, { error: 'Image not found.' }]);
    const missingDigest = `sha256:${'0'.repeat(64)}`;
    expect((await api('GET', repo('tools/hello', `/${missingDigest}`))).status).toBe(404);
    expect((await api('DELETE', repo('tools/hello', `/${missingDigest}`))).status).toBe(404);
    for (const reference of ['sha256:short', 'bad%20tag', '-v1']) {
      const bad = await api('GET', repo('tools/hello', `/${reference}`));
      expect([reference, bad.status]).toEqual([reference, 400]);
    }
    const missingRegistry = await api('GET', `/api/v1/registries/00000000-0000-4000-8000-000000000000/repositories`);
    expect([missingRegistry.status, missingRegistry.body]).toEqual([404, { error: 'Registry not found.' }]);
    expect((await api('GET', '/api/v1/registries/nope/repositories/app/images')).status).toBe(400);
  });

  it('deletes a repository (204), after which it and its images are gone', async () => {
    expect((await api('DELETE', repo('bundles'))).status).toBe(204);
    expect((await api('GET', repo('bundles'))).status).toBe(404);
    expect((await api('GET', repo('bundles', '/images'))).status).toBe(404);
    const { token: pull } = await oci.token(['repository:imgs/bundles:pull']);
    expect((await oci.request('GET', '/v2/imgs/bundles/manifests/0.1.0', { token: pull })).status).toBe(404);
    const names = ((await api('GET', `/api/v1/registries/${registryId}/repositories?short=true&limit=100`)).body as Array<{ name: string }>).map((r) => r.name);
    expect(names).not.toContain('bundles');
  });
});

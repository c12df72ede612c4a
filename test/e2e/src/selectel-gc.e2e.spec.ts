import { adminToken, http, passwordLogin, type HttpResult } from './http';
import { OciHttp, sha256 } from './oci-http';
import { WharfProcesses } from './wharf-processes';

interface Registry {
  id: string;
  name: string;
  status: string;
  size: number;
}
interface GcRun {
  runId: string;
  status: 'running' | 'finished' | 'failed';
  deleteUntagged: boolean;
  predictedBytes?: number;
  freedBytes?: number;
  manifestsDeleted?: number;
  blobsUnlinked?: number;
  storageObjectsDeleted?: number;
  storageBytesDeleted?: number;
  followUpQueued: boolean;
  startedAt: string;
}
interface GarbageSize {
  sizeNonReferenced: number;
  sizeUntagged: number;
  sizeSummary: number;
}

const MISSING = '00000000-0000-4000-8000-000000000000';
const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Selectel's garbage collection (`…/garbage-collection/size`, `POST …/garbage-collection`) and repository cleanup
 * (`POST …/repositories/{name}/cleanup`) against the real processes, with a grace window of 0 so that everything
 * pushed before a run starts is collectable.
 */
describe('Selectel garbage collection and repository cleanup', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let registry: Registry;
  let push: string;
  const sessions = new Map<string, string>();
  const password = (user: string) => `${user}-password`;
  const api = (user: string, method: string, path: string, json?: unknown): Promise<HttpResult> =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': sessions.get(user)! }, ...(json !== undefined ? { json } : {}) });
  const base = () => `/api/v1/registries/${registry.id}`;
  const runs = async () => ((await api('g-admin', 'GET', `${base()}/garbage-collection`)).body as { runs: GcRun[] }).runs;
  const size = async () => ((await api('g-admin', 'GET', base())).body as Registry).size;
  const estimate = async () => (await api('g-admin', 'GET', `${base()}/garbage-collection/size`)).body as GarbageSize;
  /** Waits (bounded by jest's timeout) until no run of the registry is under way; answers the newest. */
  const settled = async (): Promise<GcRun> => {
    for (;;) {
      const all = await runs();
      if (all.length > 0 && all.every((run) => run.status !== 'running')) return all[0]!;
      await sleep(100);
    }
  };
  const manifest = (config: string, layers: string[]) => ({
    schemaVersion: 2,
    mediaType: IMAGE,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: layers.map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length })),
  });
  /** Pushes blobs and an image manifest under `reference` (a tag or its digest); answers its digest and length. */
  const pushImage = async (repository: string, reference: string | null, config: string, layers: string[]) => {
    for (const blob of [config, ...layers]) expect((await oci.pushBlob(repository, blob, push)).status).toBe(201);
    const body = manifest(config, layers);
    const digest = sha256(JSON.stringify(body));
    expect((await oci.pushManifest(repository, reference ?? digest, body, push)).status).toBe(201);
    return { digest, length: JSON.stringify(body).length };
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded', { WHARF_GC_GRACE_SECONDS: '0' });
    oci = new OciHttp(wharf.registryUrl);
    sessions.set('admin', await adminToken(wharf.apiUrl));
    const login = async (user: string) => {
      const result = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(user, password(user)) });
      sessions.set(user, result.headers.get('x-subject-token')!);
    };
    const ids = new Map<string, string>();
    for (const [user, domain] of [
      ['g-admin', 'gc-team'],
      ['o-admin', 'gc-other'],
    ] as const) {
      const created = (await api('admin', 'POST', '/v3/domains', { domain: { name: domain } })).body as { domain: { id: string } };
      await api('admin', 'POST', '/v3/users', { user: { name: user, password: password(user), domain_id: created.domain.id, account_admin: true } });
      await login(user);
    }
    for (const user of ['g-read', 'g-none']) {
      const created = await api('g-admin', 'POST', '/v3/users', { user: { name: user, password: password(user) } });
      ids.set(user, (created.body as { user: { id: string } }).user.id);
      await login(user);
    }
    registry = (await api('g-admin', 'POST', '/api/v1/registries', { name: 'gcreg' })).body as Registry;
    const granted = await api('g-admin', 'POST', '/v2/manage/namespaces/gcreg/access', [{ user_id: ids.get('g-read'), user_name: 'g-read', auth: 1 }]);
    expect(granted.status).toBe(200);
    push = (
      await oci.token(
        ['app', 'tools/app', 'tools/extra', 'plain', 'junk', 'clean/app'].map((name) => `repository:gcreg/${name}:pull,push,delete`),
        { username: 'g-admin', password: password('g-admin') },
      )
    ).token;
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('estimates nothing for an empty registry, and answers bad ids, other accounts and callers without a level as Selectel does', async () => {
    const empty = await api('g-admin', 'GET', `${base()}/garbage-collection/size`);
    expect([empty.status, empty.body]).toEqual([200, { sizeNonReferenced: 0, sizeUntagged: 0, sizeSummary: 0 }]);
    expect((await api('g-read', 'GET', `${base()}/garbage-collection/size`)).status).toBe(200);
    const forbidden = await api('g-none', 'GET', `${base()}/garbage-collection/size`);
    expect([forbidden.status, typeof (forbidden.body as { error: unknown }).error]).toEqual([403, 'string']);
    for (const user of ['g-admin', 'o-admin']) {
      const id = user === 'g-admin' ? MISSING : registry.id;
      const missing = await api(user, 'GET', `/api/v1/registries/${id}/garbage-collection/size`);
      expect([missing.status, missing.body]).toEqual([404, { error: 'Registry not found.' }]);
      expect((await api(user, 'POST', `/api/v1/registries/${id}/garbage-collection`)).status).toBe(404);
      expect((await api(user, 'GET', `/api/v1/registries/${id}/garbage-collection`)).status).toBe(404);
    }
    const malformed = await api('g-admin', 'GET', '/api/v1/registries/not-a-uuid/garbage-collection/size');
    expect([malformed.status, (malformed.body as { error: string }).error]).toEqual([400, expect.stringContaining('must be a UUID')]);
    expect((await api('g-admin', 'POST', '/api/v1/registries/not-a-uuid/garbage-collection')).status).toBe(400);
    expect((await http(`${wharf.apiUrl}${base()}/garbage-collection/size`)).status).toBe(401);
    expect((await http(`${wharf.apiUrl}${base()}/garbage-collection`, { method: 'POST' })).status).toBe(401);
    // Starting a run needs manage (7): read (1) is not enough, and no level is 403 too.
    for (const user of ['g-read', 'g-none']) expect((await api(user, 'POST', `${base()}/garbage-collection`)).status).toBe(403);
    for (const value of ['yes', '1', '']) {
      const bad = await api('g-admin', 'POST', `${base()}/garbage-collection?delete-untagged=${value}`);
      expect([value, bad.status, typeof (bad.body as { error: unknown }).error]).toEqual([value, 400, 'string']);
    }
    expect((await api('g-admin', 'GET', `${base()}/garbage-collection?limit=0`)).status).toBe(400);
    expect(await runs()).toEqual([]);
  });

  it('predicts exactly what a run frees, and the registry size drops by exactly that', async () => {
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const [kept, untaggedLayer, stray, sharedStray] = ['layer kept by v1', 'layer only the untagged image has', 'a blob no manifest uses', 'layer kept by v1'];
    await pushImage('gcreg/app', 'v1', config, [kept]);
    const untagged = await pushImage('gcreg/app', null, config, [untaggedLayer]);
    expect((await oci.pushBlob('gcreg/app', stray, push)).status).toBe(201);
    // Linked in another repository of the registry without a manifest: that link goes, but app still holds the bytes.
    expect((await oci.pushBlob('gcreg/tools/extra', sharedStray, push)).status).toBe(201);

    const predicted = await estimate();
    expect(predicted).toEqual({
      sizeNonReferenced: stray.length,
      sizeUntagged: untagged.length + untaggedLayer.length,
      sizeSummary: stray.length + untagged.length + untaggedLayer.length,
    });
    const before = await size();

    const started = await api('g-admin', 'POST', `${base()}/garbage-collection?delete-untagged=true`);
    expect([started.status, started.text]).toEqual([201, '']);
    const run = await settled();
    expect(run).toMatchObject({
      status: 'finished',
      deleteUntagged: true,
      predictedBytes: predicted.sizeSummary,
      freedBytes: predicted.sizeSummary,
      manifestsDeleted: 1,
      blobsUnlinked: 3,
      storageObjectsDeleted: 3,
      storageBytesDeleted: stray.length + untaggedLayer.length + untagged.length,
    });
    expect(await size()).toBe(before - predicted.sizeSummary);
    expect(await estimate()).toEqual({ sizeNonReferenced: 0, sizeUntagged: 0, sizeSummary: 0 });
    expect(((await api('g-admin', 'GET', base())).body as Registry).status).toBe('ACTIVE');

    // What is tagged still pulls; what was collected is gone.
    expect((await oci.request('GET', '/v2/gcreg/app/manifests/v1', { token: push, headers: { Accept: IMAGE } })).status).toBe(200);
    expect((await oci.request('GET', `/v2/gcreg/app/blobs/${sha256(kept)}`, { token: push })).status).toBe(200);
    expect((await oci.request('GET', `/v2/gcreg/app/manifests/${untagged.digest}`, { token: push, headers: { Accept: IMAGE } })).status).toBe(404);
    for (const blob of [stray, untaggedLayer]) expect((await oci.request('HEAD', `/v2/gcreg/app/blobs/${sha256(blob)}`, { token: push })).status).toBe(404);
    expect((await oci.request('HEAD', `/v2/gcreg/tools/extra/blobs/${sha256(sharedStray)}`, { token: push })).status).toBe(404);
  });

  it('without delete-untagged collects unreferenced blobs only', async () => {
    const config = JSON.stringify({ architecture: 'arm64', os: 'linux' });
    const untagged = await pushImage('gcreg/plain', null, config, ['plain layer']);
    expect((await oci.pushBlob('gcreg/plain', 'plain stray', push)).status).toBe(201);
    expect(await estimate()).toEqual({ sizeNonReferenced: 'plain stray'.length, sizeUntagged: untagged.length + 'plain layer'.length + config.length, sizeSummary: expect.any(Number) });
    const before = await size();
    expect((await api('g-admin', 'POST', `${base()}/garbage-collection?delete-untagged=false`)).status).toBe(201);
    expect(await settled()).toMatchObject({ status: 'finished', deleteUntagged: false, freedBytes: 'plain stray'.length, manifestsDeleted: 0, blobsUnlinked: 1 });
    expect(await size()).toBe(before - 'plain stray'.length);
    expect((await oci.request('GET', `/v2/gcreg/plain/manifests/${untagged.digest}`, { token: push, headers: { Accept: IMAGE } })).status).toBe(200);
  });

  it('refuses a second run with 409 while one runs, shows GARBAGE_COLLECTION meanwhile, and queues the run a cleanup asks for', async () => {
    // Enough garbage that a run lasts a while; each observation below counts only if the same run was under
    // way before and after it, and is repeated otherwise.
    const seed = async (round: number) => {
      const blobs = Array.from({ length: 600 }, (_, i) => `junk ${round}-${i}`);
      for (let i = 0; i < blobs.length; i += 20) await Promise.all(blobs.slice(i, i + 20).map((blob) => oci.pushBlob('gcreg/junk', blob, push)));
    };
    let seen = { conflict: false, status: false, queued: false };
    for (let round = 0; round < 5 && !(seen.conflict && seen.status && seen.queued); round++) {
      await seed(round);
      if (!seen.queued) await pushImage('gcreg/clean/app', 'target', JSON.stringify({ os: 'linux' }), ['cleanup target']);
      expect((await api('g-admin', 'POST', `${base()}/garbage-collection`)).status).toBe(201);
      const [first] = await runs();
      const second = await api('g-admin', 'POST', `${base()}/garbage-collection?delete-untagged=true`);
      const shown = ((await api('g-admin', 'GET', base())).body as Registry).status;
      const listed = ((await api('g-admin', 'GET', '/api/v1/registries?search=gcreg')).body as Registry[])[0]!.status;
      const cleanup = seen.queued ? null : await api('g-admin', 'POST', `${base()}/repositories/clean%2Fapp/cleanup`, { tags: ['target'], disable_gc: false });
      const [after] = await runs();
      if (first?.status === 'running' && after?.runId === first.runId && after.status === 'running') {
        expect([second.status, (second.body as { error: string }).error]).toEqual([409, 'Garbage collection is already in progress for this registry']);
        expect([shown, listed]).toEqual(['GARBAGE_COLLECTION', 'GARBAGE_COLLECTION']);
        seen = { conflict: true, status: true, queued: seen.queued };
        if (cleanup) {
          expect([cleanup.status, cleanup.body]).toEqual([200, { deleted: [{ digest: expect.any(String), tags: ['target'] }], failed: [] }]);
          expect(after.followUpQueued).toBe(true);
          seen.queued = true;
          // The queued run starts when this one ends, without delete-untagged.
          await settled();
          const [followUp, queuedBehind] = await runs();
          expect([queuedBehind!.runId, queuedBehind!.followUpQueued, followUp!.deleteUntagged, followUp!.status]).toEqual([first.runId, true, false, 'finished']);
        }
      }
      await settled();
    }
    expect(seen).toEqual({ conflict: true, status: true, queued: true });
    expect(((await api('g-admin', 'GET', base())).body as Registry).status).toBe('ACTIVE');
  }, 300000);

  describe('repository cleanup', () => {
    const cleanup = (user: string, body: unknown, repository = 'tools%2Fapp') => api(user, 'POST', `${base()}/repositories/${repository}/cleanup`, body);
    let images: Record<'tagged' | 'other' | 'child' | 'index', string>;

    beforeAll(async () => {
      const config = JSON.stringify({ os: 'linux', architecture: 'amd64' });
      const tagged = await pushImage('gcreg/tools/app', 't1', config, ['tools layer 1']);
      expect((await oci.pushManifest('gcreg/tools/app', 't2', manifest(config, ['tools layer 1']), push)).status).toBe(201);
      const other = await pushImage('gcreg/tools/app', 't3', config, ['tools layer 2']);
      const child = await pushImage('gcreg/tools/app', null, config, ['tools layer 3']);
      const index = { schemaVersion: 2, mediaType: INDEX, manifests: [{ mediaType: IMAGE, digest: child.digest, size: child.length, platform: { os: 'linux', architecture: 'amd64' } }] };
      expect((await oci.pushManifest('gcreg/tools/app', 'multi', index, push, INDEX)).status).toBe(201);
      images = { tagged: tagged.digest, other: other.digest, child: child.digest, index: sha256(JSON.stringify(index)) };
    });

    it('deletes images with their tags, removes tags, and reports what could not go and why', async () => {
      const runsBefore = (await runs()).length;
      const unknown = sha256('no such image');
      const result = await cleanup('g-admin', { digests: [images.tagged, images.child, unknown, images.tagged], tags: ['t3', 'nope', 't1'], disable_gc: true });
      expect(result.status).toBe(200);
      expect(result.body).toEqual({
        deleted: [
          { digest: images.tagged, tags: ['t1', 't2'] },
          { digest: images.other, tags: ['t3'] },
        ],
        failed: [
          { digest: images.child, error: expect.stringContaining('Image is referenced by another manifest') },
          { digest: unknown, error: 'Image not found' },
          { tags: ['nope'], error: 'Tag not found' },
        ],
      });
      const tags = await oci.request('GET', '/v2/gcreg/tools/app/tags/list', { token: push });
      expect(tags.json()).toEqual({ name: 'gcreg/tools/app', tags: ['multi'] });
      expect((await oci.request('HEAD', `/v2/gcreg/tools/app/manifests/${images.tagged}`, { token: push, headers: { Accept: IMAGE } })).status).toBe(404);
      // Untagged, not deleted: the image stays until a collection with delete-untagged.
      expect((await oci.request('HEAD', `/v2/gcreg/tools/app/manifests/${images.other}`, { token: push, headers: { Accept: IMAGE } })).status).toBe(200);
      // disable_gc: true started no collection.
      expect(await runs()).toHaveLength(runsBefore);
    });

    it('starts a collection afterwards unless disable_gc is true', async () => {
      const before = (await runs()).length;
      const result = await cleanup('g-admin', { digests: [images.other] });
      expect([result.status, result.body]).toEqual([200, { deleted: [{ digest: images.other }], failed: [] }]);
      const run = await settled();
      expect((await runs()).length).toBe(before + 1);
      expect(run).toMatchObject({ status: 'finished', deleteUntagged: false });
      // The image's own layer went with its link: nothing else in the registry holds it.
      expect((await oci.request('HEAD', `/v2/gcreg/tools/app/blobs/${sha256('tools layer 2')}`, { token: push })).status).toBe(404);
    });

    it('validates the body and the path, and needs manage (7) on the repository', async () => {
      for (const body of [[], 'text', { digests: 'sha256:abc' }, { digests: ['not-a-digest'] }, { tags: [7] }, { disable_gc: 'no' }, {}, { digests: [], tags: [] }]) {
        const bad = await cleanup('g-admin', body);
        expect([JSON.stringify(body), bad.status, typeof (bad.body as { error: unknown }).error]).toEqual([JSON.stringify(body), 400, 'string']);
      }
      const tooMany = await cleanup('g-admin', { tags: Array.from({ length: 1001 }, (_, i) => `t${i}`) });
      expect(tooMany.status).toBe(400);
      const missing = await cleanup('g-admin', { tags: ['x'] }, 'no%2Fsuch');
      expect([missing.status, (missing.body as { error: string }).error]).toEqual([404, 'Repository not found.']);
      expect((await api('g-admin', 'POST', `/api/v1/registries/${MISSING}/repositories/tools%2Fapp/cleanup`, { tags: ['x'] })).status).toBe(404);
      expect((await api('g-admin', 'POST', '/api/v1/registries/nope/repositories/tools%2Fapp/cleanup', { tags: ['x'] })).status).toBe(400);
      expect((await cleanup('o-admin', { tags: ['multi'] })).status).toBe(404);
      for (const user of ['g-read', 'g-none']) expect((await cleanup(user, { tags: ['multi'] })).status).toBe(403);
      expect((await http(`${wharf.apiUrl}${base()}/repositories/tools%2Fapp/cleanup`, { method: 'POST', json: { tags: ['multi'] } })).status).toBe(401);
      const tags = await oci.request('GET', '/v2/gcreg/tools/app/tags/list', { token: push });
      expect(tags.json()).toEqual({ name: 'gcreg/tools/app', tags: ['multi'] });
    });
  });
});

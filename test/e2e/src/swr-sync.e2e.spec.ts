import { randomBytes } from 'node:crypto';
import { ContainerTools } from './container-tools';
import { DistributionRegistry } from './distribution-registry';
import { adminToken, http, passwordLogin, type HttpResult } from './http';
import { createNamespace, OciHttp, sha256 } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

type SwrError = [{ errorCode: string }];
interface Job {
  id: number;
  status: string;
  tag: string;
  remoteRegionId: string;
  attempts: number;
  error?: string;
  items: { digest: string; kind: string; state: string; attempt?: number; bytesSent: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SWR image synchronization (§1.2.9) from one Wharf to another Wharf and to Debian's docker-registry, through
 * their OCI APIs, with podman, skopeo and the management API.
 */
describe('SWR image synchronization', () => {
  let source: WharfProcesses;
  let target: WharfProcesses;
  let distribution: DistributionRegistry;
  let tools: ContainerTools;
  let session: string;
  let sourceHost: string;
  const codeOf = (result: HttpResult) => (result.body as SwrError)[0]?.errorCode;
  const call = (method: string, path: string, json?: unknown, as = session) =>
    http(`${source.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': as }, ...(json !== undefined ? { json } : {}) });
  const repo = (name: string) => `/v2/manage/namespaces/src/repos/${name}`;
  const creds = `admin:${ADMIN_PASSWORD}`;

  /** The digest of a tag as skopeo sees it in a registry (the manifest's own digest, index or image). */
  const digestIn = async (host: string, reference: string, withCreds = true): Promise<string> => {
    const raw = await tools.skopeo('inspect', '--raw', '--tls-verify=false', ...(withCreds ? ['--creds', creds] : []), `docker://${host}/${reference}`);
    return sha256(raw);
  };
  const jobs = async (name: string): Promise<Job[]> => (await call('GET', `${repo(name)}/sync_job?filter=limit::100|offset::0|order::asc`)).body as Job[];
  const job = async (name: string, id: number): Promise<Job> => (await call('GET', `${repo(name)}/sync_job/${id}`)).body as Job;
  /** Waits until the repository's jobs satisfy `done`; answers them. */
  const until = async (name: string, done: (jobs: Job[]) => boolean, attempts = 600): Promise<Job[]> => {
    let seen: Job[] = [];
    for (let i = 0; i < attempts; i++) {
      seen = await jobs(name);
      if (done(seen)) return seen;
      await sleep(200);
    }
    throw new Error(`sync jobs of ${name} never got there: ${JSON.stringify(seen)}`);
  };
  const finished = (status = 'success') => (list: Job[]) => list.length > 0 && list.every((j) => j.status === status);

  beforeAll(async () => {
    target = await WharfProcesses.start('embedded');
    distribution = await DistributionRegistry.start();
    const regions = [
      { regionID: 'wharf-b', url: target.registryUrl, username: 'admin', password: ADMIN_PASSWORD },
      { regionID: 'distribution', url: distribution.url },
    ];
    source = await WharfProcesses.start('embedded', { WHARF_SYNC_REGIONS: JSON.stringify(regions), WHARF_SYNC_TIMEOUT_SECONDS: '600' });
    sourceHost = new URL(source.registryUrl).host;
    session = await adminToken(source.apiUrl);
    await createNamespace(source.apiUrl, session, 'src');
    await createNamespace(target.apiUrl, await adminToken(target.apiUrl), 'mirror');
    tools = new ContainerTools();
    await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, sourceHost);
    await tools.buildImage('app:1', 'the first build');
    await tools.buildImage('app:2', 'the second build');
  }, 240000);
  afterAll(async () => {
    await source?.stop();
    await target?.stop();
    await distribution?.stop();
    tools?.cleanup();
  });

  describe('routes and codes', () => {
    beforeAll(async () => {
      await tools.podman('push', '--tls-verify=false', 'localhost/app:1', `${sourceHost}/src/routes:v1`);
    }, 60000);

    it('lists the configured regions', async () => {
      const regions = await call('GET', '/v2/manage/regions');
      expect([regions.status, regions.body]).toEqual([200, [{ regionID: 'wharf-b' }, { regionID: 'distribution' }]]);
    });

    it('creates (200 {}), lists and deletes (DELETE with a body) sync tasks', async () => {
      const created = await call('POST', `${repo('routes')}/sync_repo`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror', syncAuto: 'true' });
      expect([created.status, created.body]).toEqual([200, {}]);
      const again = await call('POST', `${repo('routes')}/sync_repo`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror' });
      expect([again.status, codeOf(again)]).toEqual([409, 'SVCSTG.SWR.4091102']);
      const list = await call('GET', `${repo('routes')}/sync_repo`);
      expect(list.status).toBe(200);
      const [task] = list.body as Record<string, unknown>[];
      expect(Object.keys(task!).sort()).toEqual(['createdAt', 'domainID', 'domainName', 'id', 'namespace', 'override', 'remoteNamespace', 'remoteRegionId', 'repoName', 'syncAuto', 'updatedAt']);
      expect(task).toMatchObject({ domainName: 'admin', namespace: 'src', repoName: 'routes', remoteRegionId: 'wharf-b', remoteNamespace: 'mirror', syncAuto: true, override: false });
      const deleted = await call('DELETE', `${repo('routes')}/sync_repo`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror' });
      expect([deleted.status, deleted.body]).toEqual([200, {}]);
      const gone = await call('DELETE', `${repo('routes')}/sync_repo`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror' });
      expect([gone.status, codeOf(gone)]).toEqual([404, 'SVCSTG.SWR.4041102']);
      expect((await call('GET', `${repo('routes')}/sync_repo`)).body).toEqual([]);
    });

    it("ends a repository's tasks with the repository: one made later under the name starts with none", async () => {
      const create = () => call('POST', '/v2/manage/namespaces/src/repos', { repository: 'doomed', is_public: false, category: 'other' });
      expect((await create()).status).toBe(201);
      expect((await call('POST', `${repo('doomed')}/sync_repo`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror', syncAuto: true })).status).toBe(200);
      expect((await call('DELETE', repo('doomed'))).status).toBe(204);
      expect((await create()).status).toBe(201);
      let tasks: unknown[] = [{}];
      for (let i = 0; i < 100 && tasks.length > 0; i++) {
        tasks = (await call('GET', `${repo('doomed')}/sync_repo`)).body as unknown[];
        if (tasks.length > 0) await sleep(100);
      }
      expect(tasks).toEqual([]);
    });

    it('refuses bad input with 400, unknown repositories and jobs with 404', async () => {
      for (const [method, path, body, code] of [
        ['POST', `${repo('routes')}/sync_repo`, { remoteRegionId: 'elsewhere', remoteNamespace: 'mirror' }, 'SVCSTG.SWR.4001102'],
        ['POST', `${repo('routes')}/sync_repo`, { remoteRegionId: 'wharf-b' }, 'SVCSTG.SWR.4000014'],
        ['POST', `${repo('routes')}/sync_repo`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror', syncAuto: 'maybe' }, 'SVCSTG.SWR.4000014'],
        ['POST', `${repo('routes')}/sync_images`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror', imageTag: [] }, 'SVCSTG.SWR.4000014'],
        ['POST', `${repo('routes')}/sync_images`, { remoteRegionId: 'nowhere', remoteNamespace: 'mirror', imageTag: ['v1'] }, 'SVCSTG.SWR.4001102'],
        ['GET', `${repo('routes')}/sync_job`, undefined, 'SVCSTG.SWR.4001036'],
        ['GET', `${repo('routes')}/sync_job?filter=limit::10`, undefined, 'SVCSTG.SWR.4001036'],
        ['GET', `${repo('routes')}/sync_job?filter=limit::10|offset::0|order::up`, undefined, 'SVCSTG.SWR.4000014'],
        ['GET', `${repo('routes')}/sync_job?filter=limit::10|offset::0|colour::red`, undefined, 'SVCSTG.SWR.4001035'],
      ] as const) {
        const result = await call(method, path, body);
        expect([path, JSON.stringify(body), result.status, codeOf(result)]).toEqual([path, JSON.stringify(body), 400, code]);
      }
      for (const [path, code] of [
        [`${repo('missing')}/sync_repo`, 'SVCSTG.SWR.4040010'],
        [`${repo('routes')}/sync_job/99999`, 'SVCSTG.SWR.4041103'],
      ] as const) {
        const result = await call('GET', path);
        expect([path, result.status, codeOf(result)]).toEqual([path, 404, code]);
      }
      const paged = await call('GET', `${repo('routes')}/sync_job?filter=limit::10|offset::0|order::desc`);
      expect([paged.status, paged.body, paged.headers.get('content-range')]).toEqual([200, [], '0-0/0']);
    });

    it('keeps tasks and syncs for manage (7): read (1) lists, others get 403; 401 without a token', async () => {
      const user = (await call('POST', '/v3/users', { user: { name: 'watcher', password: 'watcher-password' } })).body as { user: { id: string } };
      await call('POST', `${repo('routes')}/access`, [{ user_id: user.user.id, user_name: 'watcher', auth: 1 }]);
      const login = await http(`${source.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('watcher', 'watcher-password') });
      const reader = login.headers.get('x-subject-token')!;
      expect((await call('GET', `${repo('routes')}/sync_repo`, undefined, reader)).status).toBe(200);
      expect((await call('GET', `${repo('routes')}/sync_job?filter=limit::10|offset::0`, undefined, reader)).status).toBe(200);
      for (const [path, body] of [
        [`${repo('routes')}/sync_repo`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror' }],
        [`${repo('routes')}/sync_images`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror', imageTag: ['v1'] }],
      ] as const) {
        const result = await call('POST', path, body, reader);
        expect([path, result.status, codeOf(result)]).toEqual([path, 403, 'SVCSTG.SWR.4037017']);
      }
      const anonymous = await http(`${source.apiUrl}/v2/manage/regions`);
      expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'SVCSTG.SWR.4010000']);
    });
  });

  it('syncs a podman push with syncAuto to another Wharf and to docker-registry, digests unchanged', async () => {
    // Tasks belong to a repository, which exists before its first push once created through the API.
    expect((await call('POST', '/v2/manage/namespaces/src/repos', { repository: 'auto', is_public: false, category: 'other' })).status).toBe(201);
    for (const remoteRegionId of ['wharf-b', 'distribution']) {
      expect((await call('POST', `${repo('auto')}/sync_repo`, { remoteRegionId, remoteNamespace: 'mirror', syncAuto: true, override: true })).status).toBe(200);
    }
    await tools.podman('push', '--tls-verify=false', 'localhost/app:1', `${sourceHost}/src/auto:v1`);
    const done = await until('auto', (list) => list.length === 2 && finished()(list));
    expect(done.map((j) => [j.tag, j.remoteRegionId]).sort()).toEqual([
      ['v1', 'distribution'],
      ['v1', 'wharf-b'],
    ]);
    const digest = await digestIn(sourceHost, 'src/auto:v1');
    expect(await digestIn(new URL(target.registryUrl).host, 'mirror/auto:v1')).toBe(digest);
    expect(await digestIn(distribution.host, 'mirror/auto:v1', false)).toBe(digest);
    // The target's own APIs see the synced image as any push: SWR's tag list and Selectel's repositories.
    const targetSession = await adminToken(target.apiUrl);
    const swrTags = await http(`${target.apiUrl}/v2/manage/namespaces/mirror/repos/auto/tags`, { headers: { 'X-Auth-Token': targetSession } });
    expect((swrTags.body as { Tag: string; digest: string }[]).map((t) => [t.Tag, t.digest])).toEqual([['v1', digest]]);
    const registries = (await http(`${target.apiUrl}/api/v1/registries`, { headers: { 'X-Auth-Token': targetSession } })).body as { id: string; name: string }[];
    const mirror = registries.find((r) => r.name === 'mirror')!;
    const selectel = await http(`${target.apiUrl}/api/v1/registries/${mirror.id}/repositories`, { headers: { 'X-Auth-Token': targetSession } });
    expect((selectel.body as { name: string }[]).map((r) => r.name)).toContain('auto');
    // Per-blob progress: every blob and the manifest, each copied once.
    const detail = await job('auto', done[0]!.id);
    expect(detail.items.map((item) => item.kind).sort()).toEqual(['blob', 'blob', 'manifest']);
    expect(detail.items.every((item) => item.state !== 'pending' && item.attempt === 1)).toBe(true);
  });

  it('syncs a two-platform index with its referrer whole, children first', async () => {
    const layout = await tools.buildIndex('multi');
    await tools.skopeo('copy', '--all', '--dest-tls-verify=false', '--dest-creds', creds, layout, `docker://${sourceHost}/src/multi:1`);
    const index = await digestIn(sourceHost, 'src/multi:1');
    // A signature-like referrer of the index.
    const oci = new OciHttp(source.registryUrl);
    const token = (await oci.token(['repository:src/multi:pull,push'])).token;
    const config = '{}';
    await oci.pushBlob('src/multi', config, token);
    const referrer = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.example.signature',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(config), size: 2 },
      layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(config), size: 2 }],
      subject: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: index, size: 0 },
    };
    const indexBytes = await tools.skopeo('inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${sourceHost}/src/multi:1`);
    referrer.subject.size = Buffer.byteLength(indexBytes);
    const pushed = await oci.pushManifest('src/multi', sha256(JSON.stringify(referrer)), referrer, token);
    expect(pushed.status).toBe(201);

    const sync = await call('POST', `${repo('multi')}/sync_images`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror', imageTag: ['1'] });
    expect([sync.status, sync.body]).toEqual([200, []]);
    const targetHost = new URL(target.registryUrl).host;
    expect(await digestIn(targetHost, 'mirror/multi:1')).toBe(index);
    for (const child of (JSON.parse(indexBytes) as { manifests: { digest: string }[] }).manifests) {
      expect(await digestIn(targetHost, `mirror/multi@${child.digest}`)).toBe(child.digest);
    }
    const targetOci = new OciHttp(target.registryUrl);
    const targetToken = (await targetOci.token(['repository:mirror/multi:pull'])).token;
    const referrers = await targetOci.request('GET', `/v2/mirror/multi/referrers/${index}`, { token: targetToken });
    expect(referrers.json<{ manifests: { digest: string }[] }>().manifests.map((m) => m.digest)).toEqual([sha256(JSON.stringify(referrer))]);
  });

  it('syncs existing tags with sync_images, answering the tags that failed; override=false leaves another image alone (existed)', async () => {
    await tools.podman('push', '--tls-verify=false', 'localhost/app:1', `${sourceHost}/src/manual:v1`);
    await tools.podman('push', '--tls-verify=false', 'localhost/app:2', `${sourceHost}/src/manual:v2`);
    const first = await call('POST', `${repo('manual')}/sync_images`, { remoteRegionId: 'distribution', remoteNamespace: 'mirror', imageTag: ['v1', 'v2', 'nope'] });
    expect([first.status, first.body]).toEqual([200, ['nope']]);
    expect(await digestIn(distribution.host, 'mirror/manual:v2', false)).toBe(await digestIn(sourceHost, 'src/manual:v2'));
    // v1 in the source now names the second build; the target's v1 is the first.
    await tools.podman('push', '--tls-verify=false', 'localhost/app:2', `${sourceHost}/src/manual:v1`);
    const kept = await call('POST', `${repo('manual')}/sync_images`, { remoteRegionId: 'distribution', remoteNamespace: 'mirror', imageTag: ['v1'], override: false });
    expect([kept.status, kept.body]).toEqual([200, ['v1']]);
    const list = await jobs('manual');
    expect(list.map((j) => [j.tag, j.status])).toEqual([
      ['v1', 'success'],
      ['v2', 'success'],
      ['v1', 'existed'],
    ]);
    const overridden = await call('POST', `${repo('manual')}/sync_images`, { remoteRegionId: 'distribution', remoteNamespace: 'mirror', imageTag: ['v1'], override: true });
    expect(overridden.body).toEqual([]);
    expect(await digestIn(distribution.host, 'mirror/manual:v1', false)).toBe(await digestIn(sourceHost, 'src/manual:v1'));
  });

  it('finishes a job whose target was stopped during the push once the target is back', async () => {
    await call('POST', '/v2/manage/namespaces/src/repos', { repository: 'outage', is_public: false, category: 'other' });
    expect((await call('POST', `${repo('outage')}/sync_repo`, { remoteRegionId: 'distribution', remoteNamespace: 'mirror', syncAuto: true })).status).toBe(200);
    await distribution.pause();
    await tools.podman('push', '--tls-verify=false', 'localhost/app:2', `${sourceHost}/src/outage:v1`);
    const [queued] = await until('outage', (list) => list.length === 1);
    const waiting = await (async () => {
      for (let i = 0; i < 300; i++) {
        const detail = await job('outage', queued!.id);
        if (detail.error && detail.attempts >= 1) return detail;
        await sleep(200);
      }
      throw new Error('the job never recorded a failed attempt');
    })();
    expect(waiting.status).toBe('waiting');
    expect(waiting.error).toMatch(/did not answer/);
    await distribution.resume();
    await until('outage', finished());
    expect(await digestIn(distribution.host, 'mirror/outage:v1', false)).toBe(await digestIn(sourceHost, 'src/outage:v1'));
  });

  it('resumes a job after kill -9 of the source, without sending again what it had copied', async () => {
    const oci = new OciHttp(source.registryUrl);
    const token = (await oci.token(['repository:src/big:pull,push'])).token;
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const small = randomBytes(96 * 1024 * 1024);
    const large = randomBytes(320 * 1024 * 1024);
    await oci.pushBlob('src/big', config, token);
    for (const layer of [small, large]) expect((await oci.pushBlob('src/big', layer, token)).status).toBe(201);
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [small, large].map((layer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length })),
    };
    expect((await call('POST', `${repo('big')}/sync_repo`, { remoteRegionId: 'wharf-b', remoteNamespace: 'mirror', syncAuto: true })).status).toBe(200);
    expect((await oci.pushManifest('src/big', 'v1', manifest, token)).status).toBe(201);

    // Kill the source once the small layer is in the target and the large one is not.
    const [queued] = await until('big', (list) => list.length === 1);
    let before: Job | undefined;
    for (let i = 0; i < 3000 && !before; i++) {
      const detail = await job('big', queued!.id);
      const state = (digest: string) => detail.items.find((item) => item.digest === digest)?.state;
      if (state(sha256(small)) === 'uploaded' && state(sha256(large)) === 'pending') before = detail;
      else await sleep(20);
    }
    expect(before).toBeDefined();
    await source.kill('wharf');
    await source.restart('wharf');
    session = await adminToken(source.apiUrl);

    const [after] = await until('big', finished());
    const detail = await job('big', after!.id);
    expect(detail.attempts).toBeGreaterThanOrEqual(2);
    const item = (digest: string) => detail.items.find((i) => i.digest === digest)!;
    expect(item(sha256(small))).toMatchObject({ state: 'uploaded', attempt: before!.items.find((i) => i.digest === sha256(small))!.attempt });
    expect(item(sha256(large)).attempt).toBeGreaterThan(item(sha256(small)).attempt!);
    const targetOci = new OciHttp(target.registryUrl);
    const targetToken = (await targetOci.token(['repository:mirror/big:pull'])).token;
    const head = await targetOci.request('HEAD', '/v2/mirror/big/manifests/v1', { token: targetToken });
    expect(head.headers.get('docker-content-digest')).toBe(sha256(JSON.stringify(manifest)));
  });
});

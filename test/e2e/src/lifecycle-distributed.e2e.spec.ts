import { DistributionRegistry } from './distribution-registry';
import { adminToken, http } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retention and synchronization with every app its own process over NATS: lifecycle reads the blobs the registry wrote. */
describe('retention and image synchronization in distributed mode', () => {
  let wharf: WharfProcesses;
  let distribution: DistributionRegistry;
  let session: string;
  const call = (method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session }, ...(json !== undefined ? { json } : {}) });

  beforeAll(async () => {
    distribution = await DistributionRegistry.start();
    wharf = await WharfProcesses.start('distributed', { WHARF_SYNC_REGIONS: JSON.stringify([{ regionID: 'dr', url: distribution.url }]) });
    session = await adminToken(wharf.apiUrl);
    await createNamespace(wharf.apiUrl, session, 'team');
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
    await distribution?.stop();
  });

  it('syncs a push to docker-registry and untags by policy, through the lifecycle process', async () => {
    const repo = '/v2/manage/namespaces/team/repos/app';
    expect((await call('POST', '/v2/manage/namespaces/team/repos', { repository: 'app', is_public: false, category: 'other' })).status).toBe(201);
    expect((await call('POST', `${repo}/sync_repo`, { remoteRegionId: 'dr', remoteNamespace: 'mirror', syncAuto: true })).status).toBe(200);
    const oci = new OciHttp(wharf.registryUrl);
    const token = (await oci.token(['repository:team/app:pull,push'])).token;
    const old = await oci.pushImage('team/app', 'old', token, 'the old build');
    const current = await oci.pushImage('team/app', 'current', token, 'the current build');

    let jobs: { tag: string; status: string }[] = [];
    for (let i = 0; i < 300 && !(jobs.length === 2 && jobs.every((j) => j.status === 'success')); i++) {
      await sleep(200);
      jobs = (await call('GET', `${repo}/sync_job?filter=limit::10|offset::0|order::asc`)).body as typeof jobs;
    }
    expect(jobs.map((j) => [j.tag, j.status])).toEqual([
      ['old', 'success'],
      ['current', 'success'],
    ]);
    const target = new OciHttp(distribution.url);
    for (const [tag, digest] of [
      ['old', old.digest],
      ['current', current.digest],
    ] as const) {
      const head = await target.request('HEAD', `/v2/mirror/app/manifests/${tag}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
      expect([tag, head.status, head.headers.get('docker-content-digest')]).toEqual([tag, 200, digest]);
    }

    const { id } = (await call('POST', `${repo}/retentions`, { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '1' }, tag_selectors: [] }] })).body as { id: number };
    const dry = (await call('POST', `${repo}/retentions/${id}/dry_run`)).body as { tags: { tag: string; decision: string }[] };
    expect(dry.tags.map((t) => [t.tag, t.decision]).sort()).toEqual([
      ['current', 'keep'],
      ['old', 'delete'],
    ]);
    expect((await call('POST', `${repo}/retentions/${id}/run`)).status).toBe(202);
    let total = 0;
    for (let i = 0; i < 300 && total < 1; i++) {
      await sleep(200);
      total = ((await call('GET', `${repo}/retentions/histories?limit=10&offset=0`)).body as { total: number }).total;
    }
    const tags = await oci.request('GET', '/v2/team/app/tags/list', { token });
    expect(tags.json<{ tags: string[] }>().tags).toEqual(['current']);
  });
});

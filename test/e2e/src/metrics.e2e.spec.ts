import { freePort } from '@wharf/testing';
import { adminToken, http } from './http';
import { createNamespace, OciHttp, sha256 } from './oci-http';
import { Scrape } from './prometheus';
import { WharfProcesses, type Mode } from './wharf-processes';

const SERVICES = ['identity', 'catalog', 'access', 'lifecycle'] as const;
type Service = (typeof SERVICES)[number];
const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `/metrics` as Prometheus scrapes it, after scripted pushes and pulls whose every request is known: the counters
 * move by exactly what was sent. Embedded, one process answers on both ports; distributed, each process exposes
 * its own (gateway on the API port, registry on the registry port, the other services on WHARF_METRICS_PORT).
 */
describe.each<Mode>(['embedded', 'distributed'])('Prometheus metrics (%s)', (mode) => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let session: string;
  const servicePorts = new Map<Service, number>();
  /** Where the process running `service` is scraped. */
  const metricsOf = (service: Service | 'gateway' | 'registry'): string => {
    if (service === 'gateway') return `${wharf.apiUrl}/metrics`;
    if (service === 'registry' || mode === 'embedded') return `${wharf.registryUrl}/metrics`;
    return `http://127.0.0.1:${servicePorts.get(service)}/metrics`;
  };

  beforeAll(async () => {
    for (const service of SERVICES) servicePorts.set(service, await freePort());
    const perApp = Object.fromEntries(SERVICES.map((service) => [service, { WHARF_METRICS_PORT: String(servicePorts.get(service)) }]));
    wharf = await WharfProcesses.start(mode, { WHARF_GC_GRACE_SECONDS: '0' }, mode === 'distributed' ? { perApp } : {});
    oci = new OciHttp(wharf.registryUrl);
    session = await adminToken(wharf.apiUrl);
    await createNamespace(wharf.apiUrl, session, 'observed');
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it("counts a scripted push and pull under Distribution's names, labels and handlers, by exactly what was sent", async () => {
    const repository = 'observed/app';
    const { token } = await oci.token([`repository:${repository}:pull,push`]);
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
    const layer = 'a layer, pushed in one POST';
    const chunked = 'a layer, pushed in a PATCH and a closing PUT';
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: IMAGE,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [layer, chunked].map((content) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(content), size: content.length })),
    });
    const before = await Scrape.of(metricsOf('registry'));

    expect((await oci.token([`repository:${repository}:pull`])).status).toBe(200);
    expect((await oci.request('GET', '/v2/', { token })).status).toBe(200);
    for (const blob of [config, layer]) expect((await oci.pushBlob(repository, blob, token)).status).toBe(201);
    const started = await oci.request('POST', `/v2/${repository}/blobs/uploads/`, { token });
    expect(started.status).toBe(202);
    const patched = await oci.request('PATCH', started.headers.get('location')!, {
      token,
      body: chunked,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `0-${chunked.length - 1}` },
    });
    expect(patched.status).toBe(202);
    expect((await oci.request('PUT', `${patched.headers.get('location')!}?digest=${sha256(chunked)}`, { token })).status).toBe(201);
    expect((await oci.request('PUT', `/v2/${repository}/manifests/v1`, { token, body: manifest, headers: { 'Content-Type': IMAGE } })).status).toBe(201);
    expect((await oci.request('HEAD', `/v2/${repository}/manifests/v1`, { token })).status).toBe(200);
    const pulled = await oci.request('GET', `/v2/${repository}/manifests/v1`, { token, headers: { Accept: IMAGE } });
    expect([pulled.status, pulled.body.toString()]).toEqual([200, manifest]);
    const refused = await oci.request('GET', `/v2/${repository}/manifests/v1`);
    expect(refused.status).toBe(401);
    for (const blob of [config, layer, chunked]) expect((await oci.request('GET', `/v2/${repository}/blobs/${sha256(blob)}`, { token })).body.toString()).toBe(blob);
    expect((await oci.request('HEAD', `/v2/${repository}/blobs/${sha256('never pushed')}`, { token })).status).toBe(404);
    expect((await oci.request('GET', `/v2/${repository}/tags/list`, { token })).status).toBe(200);
    expect((await oci.request('GET', `/v2/${repository}/referrers/${sha256(manifest)}`, { token })).status).toBe(200);
    expect((await oci.request('GET', '/v2/_catalog', { token })).status).toBe(200);

    const after = await Scrape.of(metricsOf('registry'));
    const sent = {
      'code=200,handler=token,method=get': 1,
      'code=200,handler=base,method=get': 1,
      'code=201,handler=blob_upload,method=post': 2,
      'code=202,handler=blob_upload,method=post': 1,
      'code=202,handler=blob_upload_chunk,method=patch': 1,
      'code=201,handler=blob_upload_chunk,method=put': 1,
      'code=201,handler=manifest,method=put': 1,
      'code=200,handler=manifest,method=head': 1,
      'code=200,handler=manifest,method=get': 1,
      'code=401,handler=manifest,method=get': 1,
      'code=200,handler=blob,method=get': 3,
      'code=404,handler=blob,method=head': 1,
      'code=200,handler=tags,method=get': 1,
      'code=200,handler=referrers,method=get': 1,
      'code=200,handler=catalog,method=get': 1,
    };
    expect(after.movedSince(before, 'registry_http_requests_total')).toEqual(sent);
    // Every request was timed once, under its handler and method.
    const timed: Record<string, number> = {};
    for (const [series, count] of Object.entries(sent)) {
      const key = series.replace(/^code=\d+,/, '');
      timed[key] = (timed[key] ?? 0) + count;
    }
    expect(after.movedSince(before, 'registry_http_request_duration_seconds_count')).toEqual(timed);
    // Bodies answered: the blobs' bytes; the manifest's bytes and the 401's error body (a HEAD answers none).
    expect(after.value('registry_http_response_size_bytes_sum', { handler: 'blob' }) - before.value('registry_http_response_size_bytes_sum', { handler: 'blob' })).toBe(
      config.length + layer.length + chunked.length,
    );
    expect(after.value('registry_http_response_size_bytes_sum', { handler: 'manifest' }) - before.value('registry_http_response_size_bytes_sum', { handler: 'manifest' })).toBe(
      manifest.length + refused.body.length,
    );
    expect(after.value('registry_http_request_size_bytes_sum', { handler: 'blob_upload_chunk' }) - before.value('registry_http_request_size_bytes_sum', { handler: 'blob_upload_chunk' })).toBeGreaterThan(
      chunked.length,
    );
    for (const handler of ['base', 'manifest', 'tags', 'blob', 'blob_upload', 'blob_upload_chunk', 'catalog']) {
      expect([handler, after.matching('registry_http_in_flight_requests', { handler }).map((sample) => sample.value)]).toEqual([handler, [0]]);
    }
    // Storage calls are timed by action on the registry's driver: three uploads written and committed, three blobs read.
    const storage = (action: string) =>
      after.value('registry_storage_action_seconds_count', { driver: 'filesystem', action }) - before.value('registry_storage_action_seconds_count', { driver: 'filesystem', action });
    expect(storage('Writer')).toBeGreaterThanOrEqual(3);
    expect(storage('Commit')).toBeGreaterThanOrEqual(3);
    expect(storage('Reader')).toBeGreaterThanOrEqual(3);
    // Node's own metrics are there too.
    expect(after.matching('process_cpu_user_seconds_total')).toHaveLength(1);
    expect(after.matching('nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('counts management API requests by route template, never by path', async () => {
    const call = (method: string, path: string, json?: unknown) => http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session }, ...(json ? { json } : {}) });
    const before = await Scrape.of(metricsOf('gateway'));
    expect((await call('POST', '/v2/manage/namespaces', { namespace: 'counted' })).status).toBe(201);
    const again = await call('POST', '/v2/manage/namespaces', { namespace: 'counted' });
    expect((await call('GET', '/v2/manage/namespaces/counted')).status).toBe(200);
    expect((await call('GET', '/v2/manage/namespaces/observed')).status).toBe(200);
    expect((await call('GET', '/v2/manage/namespaces/missing')).status).toBe(404);
    expect((await http(`${wharf.apiUrl}/v2/manage/namespaces/counted`)).status).toBe(401);
    expect((await call('GET', '/no/such/route')).status).toBe(404);
    const after = await Scrape.of(metricsOf('gateway'));

    expect(after.movedSince(before, 'wharf_api_http_requests_total')).toEqual({
      'code=201,method=post,route=/v2/manage/namespaces': 1,
      [`code=${again.status},method=post,route=/v2/manage/namespaces`]: 1,
      'code=200,method=get,route=/v2/manage/namespaces/:namespace': 2,
      'code=404,method=get,route=/v2/manage/namespaces/:namespace': 1,
      'code=401,method=get,route=/v2/manage/namespaces/:namespace': 1,
      'code=404,method=get,route=unmatched': 1,
    });
    expect(after.movedSince(before, 'wharf_api_http_request_duration_seconds_count')).toEqual({
      'method=post,route=/v2/manage/namespaces': 2,
      'method=get,route=/v2/manage/namespaces/:namespace': 4,
      'method=get,route=unmatched': 1,
    });
    expect(after.value('wharf_api_http_in_flight_requests')).toBe(0);
    const routes = new Set(after.matching('wharf_api_http_requests_total').map((sample) => sample.labels.route));
    for (const name of ['counted', 'observed', 'missing']) expect([...routes].filter((route) => route!.includes(name))).toEqual([]);
    if (mode === 'distributed') {
      // Each process exposes its own: the gateway measures no registry requests, the registry no API requests.
      expect(after.matching('registry_http_requests_total')).toEqual([]);
      expect((await Scrape.of(metricsOf('registry'))).matching('wharf_api_http_requests_total')).toEqual([]);
    }
  });

  it('measures event store appends and each read model’s lag in the process that runs the service', async () => {
    const before = await Scrape.of(metricsOf('catalog'));
    const { token } = await oci.token(['repository:observed/appends:pull,push']);
    expect((await oci.pushImage('observed/appends', 'v1', token)).result.status).toBe(201);
    const after = await Scrape.of(metricsOf('catalog'));
    // A push records a manifest, its tag and its blob links on the repository's stream: at least one append, all ok.
    expect(after.value('wharf_event_store_appends_total', { category: 'catalog.repository', outcome: 'ok' })).toBeGreaterThan(
      before.value('wharf_event_store_appends_total', { category: 'catalog.repository', outcome: 'ok' }),
    );
    expect(after.value('wharf_event_store_append_seconds_count', { category: 'catalog.repository' })).toBeGreaterThan(
      before.value('wharf_event_store_append_seconds_count', { category: 'catalog.repository' }),
    );
    // Streams are counted by category: no stream id becomes a label.
    for (const sample of after.matching('wharf_event_store_appends_total')) expect(sample.labels.category).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    for (const service of SERVICES) {
      const scrape = mode === 'embedded' ? after : await Scrape.of(metricsOf(service));
      const lags = scrape.matching('wharf_projection_lag_events', { service });
      expect(lags.length).toBeGreaterThan(0);
      for (const lag of lags) expect(lag.value).toBeGreaterThanOrEqual(0);
      // A process with a metrics port of its own reports only its own service there.
      if (mode === 'distributed') expect(new Set(scrape.matching('wharf_projection_lag_events').map((sample) => sample.labels.service))).toEqual(new Set([service]));
    }
  });

  it('counts finished garbage collection runs and the bytes they freed in the lifecycle process', async () => {
    const registries = (await http<Array<{ id: string; name: string }>>(`${wharf.apiUrl}/api/v1/registries`, { headers: { 'X-Auth-Token': session } })).body;
    const registry = registries.find((entry) => entry.name === 'observed')!;
    const { token } = await oci.token(['repository:observed/collected:pull,push,delete']);
    const pushed = await oci.pushImage('observed/collected', 'v1', token, 'a layer garbage collection takes');
    expect((await oci.request('DELETE', `/v2/observed/collected/manifests/${pushed.digest}`, { token })).status).toBe(202);
    const before = await Scrape.of(metricsOf('lifecycle'));
    const gc = (method: string) => http<{ runs: Array<{ status: string; freedBytes?: number; storageBytesDeleted?: number }> }>(
      `${wharf.apiUrl}/api/v1/registries/${registry.id}/garbage-collection`,
      { method, headers: { 'X-Auth-Token': session } },
    );
    expect((await gc('POST')).status).toBe(201);
    let run = (await gc('GET')).body.runs[0]!;
    while (run.status === 'running') {
      await sleep(100);
      run = (await gc('GET')).body.runs[0]!;
    }
    expect(run.status).toBe('finished');
    expect(run.freedBytes).toBeGreaterThan(0);
    const after = await Scrape.of(metricsOf('lifecycle'));
    expect(after.movedSince(before, 'wharf_gc_runs_total')).toEqual({ 'outcome=finished': 1 });
    expect(after.value('wharf_gc_freed_bytes_total') - before.value('wharf_gc_freed_bytes_total')).toBe(run.freedBytes);
    expect(after.value('wharf_gc_storage_deleted_bytes_total') - before.value('wharf_gc_storage_deleted_bytes_total')).toBe(run.storageBytesDeleted);
    if (mode === 'distributed') {
      // Lifecycle's sweep deletes through its own driver, timed in its own process.
      expect(after.value('registry_storage_action_seconds_count', { action: 'Delete' }) + after.value('registry_storage_action_seconds_count', { action: 'Move' })).toBeGreaterThan(0);
      const other = await fetch(metricsOf('lifecycle').replace(/\/metrics$/, '/livez'));
      expect(other.status).toBe(404);
    }
  });
});

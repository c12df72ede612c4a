import { adminToken, http } from './http';
import { OciHttp, sha256 } from './oci-http';
import { WharfProcesses } from './wharf-processes';

interface GcRun {
  runId: string;
  status: string;
  resumed: number;
  predictedBytes?: number;
  freedBytes?: number;
  manifestsDeleted?: number;
  blobsUnlinked?: number;
  storageObjectsDeleted?: number;
  storageBytesDeleted?: number;
}
interface GarbageSize {
  sizeNonReferenced: number;
  sizeUntagged: number;
  sizeSummary: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Distributed mode, each app its own process. With catalog down a run cannot collect, so it is certainly under
 * way when lifecycle is killed (-9); started again, lifecycle resumes it, and once catalog is back it finishes
 * and frees exactly what was estimated.
 */
describe('Selectel garbage collection across restarts', () => {
  let wharf: WharfProcesses;

  beforeAll(async () => {
    wharf = await WharfProcesses.start('distributed', { WHARF_GC_GRACE_SECONDS: '0' });
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('resumes a run lifecycle was killed in the middle of, and refuses another one meanwhile', async () => {
    const session = await adminToken(wharf.apiUrl);
    const api = (method: string, path: string) => http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session } });
    const registry = (await http(`${wharf.apiUrl}/api/v1/registries`, { method: 'POST', headers: { 'X-Auth-Token': session }, json: { name: 'gcrestart' } })).body as {
      id: string;
    };
    const base = `/api/v1/registries/${registry.id}`;
    const runs = async () => ((await api('GET', `${base}/garbage-collection`)).body as { runs: GcRun[] }).runs;

    const oci = new OciHttp(wharf.registryUrl);
    const { token } = await oci.token(['repository:gcrestart/app:pull,push']);
    await oci.pushImage('gcrestart/app', 'v1', token, 'a layer that stays');
    const config = JSON.stringify({ os: 'linux' });
    const layer = 'a layer only an untagged image has';
    for (const blob of [config, layer, 'stray one', 'stray two']) expect((await oci.pushBlob('gcrestart/app', blob, token)).status).toBe(201);
    const manifest = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    };
    expect((await oci.pushManifest('gcrestart/app', sha256(JSON.stringify(manifest)), manifest, token)).status).toBe(201);

    const predicted = (await api('GET', `${base}/garbage-collection/size`)).body as GarbageSize;
    expect(predicted.sizeNonReferenced).toBe('stray one'.length + 'stray two'.length);
    const sizeBefore = ((await api('GET', base)).body as { size: number }).size;

    await wharf.kill('catalog');
    expect((await api('POST', `${base}/garbage-collection?delete-untagged=true`)).status).toBe(201);
    const [stuck] = await runs();
    expect(stuck).toMatchObject({ status: 'running', resumed: 0 });
    const second = await api('POST', `${base}/garbage-collection`);
    expect([second.status, second.body]).toEqual([409, { error: 'Garbage collection is already in progress for this registry', message: 'Garbage collection is already in progress for this registry' }]);

    await wharf.kill('lifecycle');
    await Promise.all([wharf.restart('lifecycle'), wharf.restart('catalog')]);
    let run = (await runs())[0]!;
    while (run.status === 'running') {
      await sleep(100);
      run = (await runs())[0]!;
    }
    // The untagged manifest, its config and layer and the two strays: gone from the registry and from storage.
    expect(run).toMatchObject({
      runId: stuck!.runId,
      status: 'finished',
      resumed: 1,
      predictedBytes: predicted.sizeSummary,
      freedBytes: predicted.sizeSummary,
      manifestsDeleted: 1,
      blobsUnlinked: 4,
      storageObjectsDeleted: 5,
      storageBytesDeleted: predicted.sizeSummary,
    });
    const after = (await api('GET', base)).body as { size: number; status: string };
    expect([after.status, after.size]).toEqual(['ACTIVE', sizeBefore - predicted.sizeSummary]);
    expect((await oci.request('GET', '/v2/gcrestart/app/manifests/v1', { token, headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } })).status).toBe(200);
    expect((await oci.request('HEAD', `/v2/gcrestart/app/blobs/${sha256(layer)}`, { token })).status).toBe(404);
  }, 300000);
});

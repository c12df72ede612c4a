import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startS3rver, type LocalS3 } from '@wharf/blob-store-s3/testing';
import { ContainerTools } from './container-tools';
import { adminToken, http } from './http';
import { OciHttp } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

interface Registry {
  id: string;
  size: number;
  status: string;
}
interface GcRun {
  runId: string;
  status: string;
  startedAt: string;
  finishedAt?: string;
  freedBytes?: number;
  storageObjectsDeleted?: number;
}
interface GarbageSize {
  sizeNonReferenced: number;
  sizeUntagged: number;
  sizeSummary: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Garbage collection is online: while a run with delete-untagged collects an untagged image, podman pushes a
 * new image built on that image's layer into the same registry, and the push completes and pulls back intact;
 * blobs another registry shares survive; and on a quiet registry the size drops by exactly the estimate.
 * The grace window is 0, so everything pushed before a run starts is collectable. It runs on both blob stores: on
 * S3 the set-aside is a copy and a delete, not a rename.
 */
describe.each(['filesystem', 's3'] as const)('Selectel garbage collection with real clients (%s blobs)', (blobStore) => {
  let s3: LocalS3 | undefined;
  let wharf: WharfProcesses;
  let tools: ContainerTools;
  let oci: OciHttp;
  let session: string;
  let host: string;
  const registries: Record<'pods' | 'share', Registry> = {} as never;
  const api = (method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session }, ...(json !== undefined ? { json } : {}) });
  const registry = async (which: 'pods' | 'share') => (await api('GET', `/api/v1/registries/${registries[which].id}`)).body as Registry;
  const runs = async () => ((await api('GET', `/api/v1/registries/${registries.pods.id}/garbage-collection`)).body as { runs: GcRun[] }).runs;
  const settled = async (): Promise<GcRun> => {
    for (;;) {
      const all = await runs();
      if (all.length > 0 && all.every((run) => run.status !== 'running')) return all[0]!;
      await sleep(100);
    }
  };
  const untag = async (repository: string, tag: string) => {
    const result = await api('POST', `/api/v1/registries/${registries.pods.id}/repositories/${encodeURIComponent(repository)}/cleanup`, { tags: [tag], disable_gc: true });
    expect([result.status, (result.body as { failed: unknown[] }).failed]).toEqual([200, []]);
  };
  const pushTo = (local: string, target: string, digestFile?: string) =>
    tools.podman('push', '--tls-verify=false', ...(digestFile ? ['--digestfile', digestFile] : []), `localhost/${local}`, `${host}/${target}`);
  const layersOf = async (reference: string) =>
    (JSON.parse(await tools.skopeo('inspect', '--tls-verify=false', '--creds', `admin:${ADMIN_PASSWORD}`, `docker://${host}/${reference}`)) as { Layers: string[]; Digest: string });

  beforeAll(async () => {
    const missing = await ContainerTools.missing();
    if (missing.length > 0) throw new Error(`These tests need ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    s3 = blobStore === 's3' ? await startS3rver() : undefined;
    const onS3 = s3
      ? {
          WHARF_BLOB_STORE: 's3',
          WHARF_S3_ENDPOINT: s3.endpoint,
          WHARF_S3_BUCKET: s3.bucket,
          AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        }
      : {};
    wharf = await WharfProcesses.start('embedded', { WHARF_GC_GRACE_SECONDS: '0', ...onS3 });
    session = await adminToken(wharf.apiUrl);
    oci = new OciHttp(wharf.registryUrl);
    host = new URL(wharf.registryUrl).host;
    for (const [which, name] of [
      ['pods', 'gcpods'],
      ['share', 'gcshare'],
    ] as const) {
      registries[which] = (await api('POST', '/api/v1/registries', { name })).body as Registry;
    }
    tools = new ContainerTools();
    await tools.buildImage('shared:1', 'a base both registries hold');
    await tools.buildImage('doomed:1', 'the base of an image about to be collected');
    // derived:1 is doomed:1 plus one layer: it shares doomed's layer.
    const container = (await tools.buildah('from', 'localhost/doomed:1')).trim();
    const extra = join(tools.dir, 'extra.txt');
    writeFileSync(extra, 'what the new image adds');
    await tools.buildah('copy', container, extra, '/extra.txt');
    await tools.buildah('commit', '--format', 'oci', container, 'localhost/derived:1');
    await tools.buildah('rm', container);
    await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, host);
  }, 240000);
  afterAll(async () => {
    await wharf?.stop();
    await s3?.stop();
    tools?.cleanup();
  });

  it('lets podman push and pull an image sharing layers with one a running collection deletes', async () => {
    await pushTo('shared:1', 'gcshare/app:keep');
    await pushTo('shared:1', 'gcpods/app:shared');
    await pushTo('doomed:1', 'gcpods/app:doomed');
    const doomed = await layersOf('gcpods/app:doomed');
    await untag('app', 'shared');
    await untag('app', 'doomed');
    // Garbage enough that the run is still collecting while podman pushes.
    const { token } = await oci.token(['repository:gcpods/junk:pull,push']);
    const junk = Array.from({ length: 800 }, (_, i) => `junk blob ${i}`);
    for (let i = 0; i < junk.length; i += 20) await Promise.all(junk.slice(i, i + 20).map((blob) => oci.pushBlob('gcpods/junk', blob, token)));

    expect((await api('POST', `/api/v1/registries/${registries.pods.id}/garbage-collection?delete-untagged=true`)).status).toBe(201);
    const pushStarted = new Date().toISOString();
    const digestFile = tools.digestFile('derived');
    await pushTo('derived:1', 'gcpods/new:y', digestFile);
    const pushEnded = new Date().toISOString();
    const run = await settled();
    expect(run).toMatchObject({ status: 'finished', storageObjectsDeleted: expect.any(Number) });
    expect(run.storageObjectsDeleted).toBeGreaterThanOrEqual(junk.length);
    // For the record: how the push and the run overlapped (the assertions hold either way).
    process.stdout.write(`collection ${run.startedAt}..${run.finishedAt}, push ${pushStarted}..${pushEnded}\n`);

    const derived = await layersOf('gcpods/new:y');
    expect(derived.Layers).toContain(doomed.Layers[0]);
    expect(derived.Digest).toBe(tools.read(digestFile));
    // Pulled back from scratch, every layer is verified against its digest on the way in.
    await tools.podman('rmi', '--all', '--force');
    await tools.podman('pull', '--tls-verify=false', `${host}/gcpods/new:y`);
    const pulled = JSON.parse(await tools.podman('image', 'inspect', `${host}/gcpods/new:y`)) as Array<{ Digest: string }>;
    expect(pulled[0]!.Digest).toBe(derived.Digest);
    // The untagged images are gone from gcpods; the base gcshare shares survives there, bytes and all.
    expect((await oci.request('HEAD', `/v2/gcpods/app/manifests/${doomed.Digest}`, { token: (await oci.token(['repository:gcpods/app:pull'])).token })).status).toBe(404);
    await tools.podman('pull', '--tls-verify=false', `${host}/gcshare/app:keep`);
    expect((await registry('pods')).status).toBe('ACTIVE');
  }, 300000);

  it('drops the registry size by exactly the estimate, and keeps what another registry shares', async () => {
    await untag('new', 'y');
    const predicted = (await api('GET', `/api/v1/registries/${registries.pods.id}/garbage-collection/size`)).body as GarbageSize;
    expect(predicted.sizeUntagged).toBeGreaterThan(0);
    const [pods, share] = [await registry('pods'), await registry('share')];
    expect((await api('POST', `/api/v1/registries/${registries.pods.id}/garbage-collection?delete-untagged=true`)).status).toBe(201);
    const run = await settled();
    expect(run.freedBytes).toBe(predicted.sizeSummary);
    expect((await registry('pods')).size).toBe(pods.size - predicted.sizeSummary);
    expect((await registry('share')).size).toBe(share.size);
    await tools.podman('rmi', '--all', '--force');
    await tools.podman('pull', '--tls-verify=false', `${host}/gcshare/app:keep`);
    await expect(tools.podman('pull', '--tls-verify=false', `${host}/gcpods/new:y`)).rejects.toThrow(/manifest unknown|not found/i);
  }, 180000);
});

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startS3rver, type LocalS3 } from '@wharf/blob-store-s3/testing';
import { freePort } from '@wharf/testing';
import { ContainerTools } from './container-tools';
import { adminToken } from './http';
import { createNamespace, OciHttp, sha256 } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

const creds = `admin:${ADMIN_PASSWORD}`;

/** Wharf's settings for blobs in s3rver's bucket, credentials through the SDK's standard chain (the environment). */
const onS3 = (s3: LocalS3): Record<string, string> => ({
  WHARF_BLOB_STORE: 's3',
  WHARF_S3_ENDPOINT: s3.endpoint,
  WHARF_S3_BUCKET: s3.bucket,
  WHARF_S3_PREFIX: 'wharf',
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
});

const objectsUnder = async (s3: LocalS3, prefix: string): Promise<{ key: string; size: number }[]> => {
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
  const objects: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    objects.push(...(page.Contents ?? []).map((object) => ({ key: object.Key!, size: object.Size! })));
    token = page.NextContinuationToken;
  } while (token);
  return objects;
};
const blobKeys = async (s3: LocalS3): Promise<string[]> => (await objectsUnder(s3, 'wharf/blobs/')).map((object) => object.key);

/** Waits until `url` answers at all: the installation's health says nothing of a replica's own port. */
const answering = async (url: string, output: () => string): Promise<void> => {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (await fetch(url).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never answered:\n${output()}`);
};

describe('blobs in S3 (s3rver)', () => {
  let s3: LocalS3;
  let tools: ContainerTools;

  beforeAll(async () => {
    const missing = await ContainerTools.missing();
    if (missing.length > 0) throw new Error(`These tests need ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    s3 = await startS3rver();
    tools = new ContainerTools();
    await tools.buildImage('hello:1', 'hello from s3');
  }, 180000);

  afterAll(async () => {
    await s3?.stop();
    tools?.cleanup();
  });

  it('embedded: skopeo pushes into the bucket and pulls back the same digest, with no blob on disk', async () => {
    const wharf = await WharfProcesses.start('embedded', onS3(s3));
    try {
      const host = new URL(wharf.registryUrl).host;
      await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'ons3');
      const pushed = tools.digestFile('s3-push');
      await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', creds, '--digestfile', pushed, tools.local('hello:1'), `docker://${host}/ons3/hello:v1`);
      const digest = tools.read(pushed);
      expect(await blobKeys(s3)).toContain(`wharf/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`);
      expect(existsSync(join(wharf.dataDir, 'registry'))).toBe(false);

      const layout = join(tools.dir, 'pulled-embedded');
      await tools.skopeo('copy', '--src-tls-verify=false', '--src-creds', creds, `docker://${host}/ons3/hello:v1`, `oci:${layout}:v1`);
      const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
      expect(index.manifests[0]?.digest).toBe(digest);
    } finally {
      await wharf.stop();
    }
  }, 180000);

  it('WHARF_S3_REDIRECT=true: blob GETs answer 307 to a presigned URL of the bucket, which skopeo and podman follow', async () => {
    const wharf = await WharfProcesses.start('embedded', { ...onS3(s3), WHARF_S3_REDIRECT: 'true' });
    try {
      const host = new URL(wharf.registryUrl).host;
      await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'redirected');
      const pushed = tools.digestFile('s3-redirect-push');
      await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', creds, '--digestfile', pushed, tools.local('hello:1'), `docker://${host}/redirected/hello:v1`);
      const digest = tools.read(pushed);

      const oci = new OciHttp(wharf.registryUrl);
      const { token } = await oci.token(['repository:redirected/hello:pull']);
      const manifest = (await oci.request('GET', `/v2/redirected/hello/manifests/${digest}`, { token, headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } })).json<{
        layers: Array<{ digest: string; size: number }>;
      }>();
      const layer = manifest.layers[0]!;
      const head = await oci.request('HEAD', `/v2/redirected/hello/blobs/${layer.digest}`, { token });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(layer.size));
      const get = await oci.request('GET', `/v2/redirected/hello/blobs/${layer.digest}`, { token });
      expect(get.status).toBe(307);
      expect(get.headers.get('docker-content-digest')).toBe(layer.digest);
      const location = get.headers.get('location')!;
      expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/wharf/blobs/sha256/`)).toBe(true);
      expect(location).toContain('X-Amz-Expires=1200');
      // The URL is the credential: no token goes to the bucket, and it serves ranges itself.
      expect(sha256(Buffer.from(await (await fetch(location)).arrayBuffer()))).toBe(layer.digest);
      const ranged = await fetch(location, { headers: { Range: 'bytes=0-9' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer())).toHaveLength(10);
      // Without a pull token there is no redirect to follow.
      expect((await oci.request('GET', `/v2/redirected/hello/blobs/${layer.digest}`)).status).toBe(401);

      const layout = join(tools.dir, 'pulled-redirected');
      await tools.skopeo('copy', '--src-tls-verify=false', '--src-creds', creds, `docker://${host}/redirected/hello:v1`, `oci:${layout}:v1`);
      const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
      expect(index.manifests[0]?.digest).toBe(digest);
      await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, host);
      await tools.podman('pull', '--tls-verify=false', `${host}/redirected/hello:v1`);
      const repoDigests = await tools.podman('image', 'inspect', '--format', '{{json .RepoDigests}}', `${host}/redirected/hello:v1`);
      expect(JSON.parse(repoDigests)).toContain(`${host}/redirected/hello@${digest}`);
    } finally {
      await wharf.stop();
    }
  }, 180000);

  it('embedded: resumes a multipart-sized upload after kill -9, never serving the partial blob', async () => {
    const wharf = await WharfProcesses.start('embedded', onS3(s3));
    try {
      await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'crash');
      const oci = new OciHttp(wharf.registryUrl);
      const scope = ['repository:crash/app:pull,push'];
      // More than one 8 MiB part before the crash, and a short part after it.
      const content = randomBytes(11 * 1024 * 1024);
      const digest = sha256(content);
      const half = 9 * 1024 * 1024 + 7;

      let token = (await oci.token(scope)).token;
      const location = (await oci.request('POST', '/v2/crash/app/blobs/uploads/', { token })).headers.get('location')!;
      const first = await oci.request('PATCH', location, { token, body: content.subarray(0, half), headers: { 'Content-Range': `0-${half - 1}` } });
      expect(first.headers.get('range')).toBe(`0-${half - 1}`);

      await wharf.kill('wharf');
      // What survives the crash, as objects in the bucket: a first part of at least 8 MiB (the default part size, as
      // the chunk arrived), then the rest so far.
      const id = location.split('/').pop()!.split('?')[0]!;
      const parts = (await objectsUnder(s3, `wharf/.partial/uploads/${id}/data/`)).map((object) => object.size);
      expect(parts).toHaveLength(2);
      expect(parts[0]).toBeGreaterThanOrEqual(8 * 1024 * 1024);
      expect(parts[0]! + parts[1]!).toBe(half);
      await wharf.restart('wharf');

      token = (await oci.token(scope)).token;
      expect((await oci.request('HEAD', `/v2/crash/app/blobs/${digest}`, { token })).status).toBe(404);
      const status = await oci.request('GET', location, { token });
      expect(status.headers.get('range')).toBe(`0-${half - 1}`);
      const rest = await oci.request('PATCH', location, { token, body: content.subarray(half), headers: { 'Content-Range': `${half}-${content.length - 1}` } });
      expect(rest.status).toBe(202);
      expect((await oci.request('PUT', `${location}?digest=${digest}`, { token })).status).toBe(201);
      expect(await objectsUnder(s3, `wharf/.partial/uploads/${id}/`)).toEqual([]);
      const pulled = await oci.request('GET', `/v2/crash/app/blobs/${digest}`, { token });
      expect(sha256(pulled.body)).toBe(digest);
      const ranged = await oci.request('GET', `/v2/crash/app/blobs/${digest}`, { token, headers: { Range: 'bytes=8388600-8388615' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(ranged.body).equals(content.subarray(8388600, 8388616))).toBe(true);
    } finally {
      await wharf.stop();
    }
  }, 180000);

  it('distributed: podman pushes to one registry process and pulls from another, with no blob disk between them', async () => {
    const wharf = await WharfProcesses.start('distributed', onS3(s3));
    try {
      const replicaPort = await freePort();
      await wharf.startReplica('registry', { WHARF_REGISTRY_PORT: String(replicaPort) });
      const host = new URL(wharf.registryUrl).host;
      const replica = `127.0.0.1:${replicaPort}`;
      await answering(`http://${replica}/v2/`, () => wharf.output('registry-replica'));
      await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'shared');

      await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, host);
      await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, replica);
      const pushed = tools.digestFile('s3-podman-push');
      await tools.podman('push', '--tls-verify=false', '--digestfile', pushed, 'localhost/hello:1', `${host}/shared/hello:latest`);
      const digest = tools.read(pushed);
      expect(existsSync(join(wharf.dataDir, 'registry'))).toBe(false);

      await tools.podman('pull', '--tls-verify=false', `${replica}/shared/hello:latest`);
      const repoDigests = await tools.podman('image', 'inspect', '--format', '{{json .RepoDigests}}', `${replica}/shared/hello:latest`);
      expect(JSON.parse(repoDigests)).toContain(`${replica}/shared/hello@${digest}`);
    } finally {
      await wharf.stop();
    }
  }, 240000);
});

import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startS3rver, type LocalS3 } from '@wharf/blob-store-s3/testing';
import { adminToken } from './http';
import { createNamespace, OciHttp, sha256 } from './oci-http';
import { WharfProcesses } from './wharf-processes';

const keysUnder = async (s3: LocalS3, prefix: string): Promise<string[]> => {
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3.credentials });
  const page = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!);
};

/** Polls `check` every 250 ms for up to 20 s; the purge runs every second in these tests. */
const eventually = async (check: () => Promise<boolean>, what: string): Promise<void> => {
  for (let attempt = 0; attempt < 80; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`never happened: ${what}`);
};

/**
 * Uploads nobody finishes or cancels: lifecycle removes them once older than WHARF_UPLOAD_MAX_AGE_SECONDS, on the
 * local disk and in an S3 bucket alike, and leaves uploads under way and finished blobs alone.
 */
describe('upload purging', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(() => s3?.stop());

  const scenario = async (wharf: WharfProcesses, namespace: string) => {
    await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), namespace);
    const oci = new OciHttp(wharf.registryUrl);
    const { token } = await oci.token([`repository:${namespace}/app:pull,push`]);
    const started = await oci.request('POST', `/v2/${namespace}/app/blobs/uploads/`, { token });
    const abandoned = started.headers.get('location')!;
    const chunk = randomBytes(6 * 1024 * 1024);
    const patched = await oci.request('PATCH', abandoned, { token, body: chunk, headers: { 'Content-Range': `0-${chunk.length - 1}` } });
    expect(patched.status).toBe(202);
    const blob = randomBytes(1024);
    expect((await oci.pushBlob(`${namespace}/app`, blob, token)).status).toBe(201);
    return { oci, token, abandoned, blob };
  };

  it('removes an abandoned upload from the disk, and keeps the blobs', async () => {
    const wharf = await WharfProcesses.start('embedded', { WHARF_UPLOAD_MAX_AGE_SECONDS: '1', WHARF_UPLOAD_PURGE_INTERVAL_SECONDS: '1' });
    try {
      const { oci, token, abandoned, blob } = await scenario(wharf, 'purged');
      await eventually(async () => (await oci.request('GET', abandoned, { token })).status === 404, 'the abandoned upload is gone');
      expect((await oci.request('GET', abandoned, { token })).json()).toEqual({ errors: [expect.objectContaining({ code: 'BLOB_UPLOAD_UNKNOWN' })] });
      expect(readdirSync(join(wharf.dataDir, 'registry', 'uploads'))).toEqual([]);
      const pulled = await oci.request('GET', `/v2/purged/app/blobs/${sha256(blob)}`, { token });
      expect([pulled.status, sha256(pulled.body)]).toEqual([200, sha256(blob)]);
    } finally {
      await wharf.stop();
    }
  });

  it('removes an abandoned upload from the bucket, segments included', async () => {
    const wharf = await WharfProcesses.start('embedded', {
      WHARF_UPLOAD_MAX_AGE_SECONDS: '1',
      WHARF_UPLOAD_PURGE_INTERVAL_SECONDS: '1',
      WHARF_BLOB_STORE: 's3',
      WHARF_S3_ENDPOINT: s3.endpoint,
      WHARF_S3_BUCKET: s3.bucket,
      WHARF_S3_PREFIX: 'purge',
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    });
    try {
      const { oci, token, abandoned, blob } = await scenario(wharf, 'purged3');
      // The 6 MiB chunk is a part-sized segment of the unfinished file.
      expect((await keysUnder(s3, 'purge/.partial/uploads/')).length).toBeGreaterThan(0);
      await eventually(async () => (await oci.request('GET', abandoned, { token })).status === 404, 'the abandoned upload is gone');
      expect(await keysUnder(s3, 'purge/uploads/')).toEqual([]);
      expect(await keysUnder(s3, 'purge/.partial/')).toEqual([]);
      const pulled = await oci.request('GET', `/v2/purged3/app/blobs/${sha256(blob)}`, { token });
      expect([pulled.status, sha256(pulled.body)]).toEqual([200, sha256(blob)]);
    } finally {
      await wharf.stop();
    }
  });

  it('keeps uploads younger than the maximum age', async () => {
    const wharf = await WharfProcesses.start('embedded', { WHARF_UPLOAD_MAX_AGE_SECONDS: '3600', WHARF_UPLOAD_PURGE_INTERVAL_SECONDS: '1' });
    try {
      const { oci, token, abandoned } = await scenario(wharf, 'kept');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const status = await oci.request('GET', abandoned, { token });
      expect([status.status, status.headers.get('range')]).toEqual([204, `0-${6 * 1024 * 1024 - 1}`]);
    } finally {
      await wharf.stop();
    }
  });
});

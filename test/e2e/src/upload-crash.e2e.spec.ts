import { randomBytes } from 'node:crypto';
import { adminToken } from './http';
import { createNamespace, OciHttp, sha256 } from './oci-http';
import { WharfProcesses } from './wharf-processes';

describe('uploads across a crash', () => {
  it('resumes an upload after kill -9, and never serves the partial blob', async () => {
    const wharf = await WharfProcesses.start('embedded');
    try {
      await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'crash');
      const oci = new OciHttp(wharf.registryUrl);
      const scope = ['repository:crash/app:pull,push'];
      const content = randomBytes(3 * 1024 * 1024);
      const digest = sha256(content);
      const half = 1024 * 1024 + 7;

      let token = (await oci.token(scope)).token;
      const start = await oci.request('POST', '/v2/crash/app/blobs/uploads/', { token });
      const location = start.headers.get('location')!;
      const first = await oci.request('PATCH', location, { token, body: content.subarray(0, half), headers: { 'Content-Range': `0-${half - 1}` } });
      expect(first.headers.get('range')).toBe(`0-${half - 1}`);
      expect((await oci.request('HEAD', `/v2/crash/app/blobs/${digest}`, { token })).status).toBe(404);

      await wharf.kill('wharf');
      await wharf.restart('wharf');

      token = (await oci.token(scope)).token;
      expect((await oci.request('HEAD', `/v2/crash/app/blobs/${digest}`, { token })).status).toBe(404);
      const status = await oci.request('GET', location, { token });
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe(`0-${half - 1}`);
      const rest = await oci.request('PATCH', location, { token, body: content.subarray(half), headers: { 'Content-Range': `${half}-${content.length - 1}` } });
      expect(rest.status).toBe(202);
      const done = await oci.request('PUT', `${location}?digest=${digest}`, { token });
      expect(done.status).toBe(201);
      const pulled = await oci.request('GET', `/v2/crash/app/blobs/${digest}`, { token });
      expect(sha256(pulled.body)).toBe(digest);
    } finally {
      await wharf.stop();
    }
  }, 180000);
});

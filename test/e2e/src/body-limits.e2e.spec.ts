import { adminToken, http, passwordLogin } from './http';
import { dechunk, endlessChunks, rawRequest, unchunked } from './raw-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

const LIMIT = 100 * 1024;

/** Request bodies over 100 KiB on the management API: 413 in each dialect, refused without reading them to the end. */
describe('management API body limit', () => {
  let wharf: WharfProcesses;
  const oversized = JSON.stringify({ padding: 'x'.repeat(LIMIT) });

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('answers 413 in the dialect of the route, anonymous login included, and closes the connection', async () => {
    for (const [path, expected] of [
      ['/v3/auth/tokens', { error: { code: 413, title: 'Payload Too Large', message: expect.stringContaining('larger than 102400 bytes') } }],
      ['/v3/domains', { error: { code: 413, title: 'Payload Too Large', message: expect.any(String) } }],
      ['/v2/manage/namespaces', { error_code: 'APIGW.0201', error_msg: 'Request entity too large' }],
      ['/v2/manage/utils/secret', { error_code: 'APIGW.0201', error_msg: 'Request entity too large' }],
      ['/api/v1/registries', { error: expect.stringContaining('larger than 102400 bytes'), message: expect.any(String) }],
      ['/api/v2/tokens', { error: expect.stringContaining('larger than 102400 bytes'), message: expect.any(String) }],
    ] as const) {
      const answer = await http(`${wharf.apiUrl}${path}`, { method: 'POST', body: oversized, headers: { 'Content-Type': 'application/json' } });
      expect([path, answer.status, answer.body, answer.headers.get('connection')]).toEqual([path, 413, expected, 'close']);
    }
    // A body at the limit is still read and parsed.
    const atLimit = JSON.stringify({ auth: { padding: 'x'.repeat(LIMIT - 30) } });
    expect(Buffer.byteLength(atLimit)).toBeLessThanOrEqual(LIMIT);
    expect((await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', body: atLimit, headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
    expect(wharf.output('wharf')).not.toMatch(/PayloadTooLarge|entity too large|Internal/);
  });

  it('answers a streamed body that never ends as soon as it passes the limit, and closes the connection', async () => {
    const head = ['POST /v3/auth/tokens HTTP/1.1', `Host: ${new URL(wharf.apiUrl).host}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked', '', ''].join('\r\n');
    const answer = await rawRequest(wharf.apiUrl, head, endlessChunks());
    expect(answer.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.head).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(dechunk(answer.body))).toEqual({ error: { code: 413, title: 'Payload Too Large', message: expect.any(String) } });
  }, 30000);

  it('still reads bodies within the limit, streamed or not, and answers unparsable JSON with 400', async () => {
    const login = new TextEncoder().encode(JSON.stringify(passwordLogin('admin', ADMIN_PASSWORD, 'admin')));
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(login.slice(0, 10));
        controller.enqueue(login.slice(10));
        controller.close();
      },
    });
    const chunked = await fetch(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', body: streamed, headers: { 'Content-Type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect([chunked.status, chunked.headers.get('x-subject-token')]).toEqual([201, expect.any(String)]);
    const session = await adminToken(wharf.apiUrl);
    const swr = await http(`${wharf.apiUrl}/v2/manage/namespaces`, { method: 'POST', body: '{"namespace":', headers: { 'Content-Type': 'application/json', 'X-Auth-Token': session } });
    expect([swr.status, (swr.body as [{ errorCode: string }])[0].errorCode]).toEqual([400, 'SVCSTG.SWR.4000014']);
    const keystone = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', body: '{bad', headers: { 'Content-Type': 'application/json' } });
    expect([keystone.status, keystone.body]).toMatchObject([400, { error: { code: 400 } }]);
  });

  it('refuses a declared length over the limit before reading the body', async () => {
    const head = ['POST /api/v1/registries HTTP/1.1', `Host: ${new URL(wharf.apiUrl).host}`, 'Content-Type: application/json', `Content-Length: ${1024 ** 3}`, '', ''].join('\r\n');
    const answer = await rawRequest(wharf.apiUrl, head, unchunked());
    expect(answer.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.head).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(dechunk(answer.body))).toEqual({ error: expect.stringContaining('larger than 102400 bytes'), message: expect.any(String) });
  }, 30000);
});

import { adminToken } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { dechunk, endlessChunks, rawRequest } from './raw-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

const MANIFEST_LIMIT = 4 * 1024 * 1024;
const TOKEN_FORM_LIMIT = 64 * 1024;
/** Sends nothing after the head: only an answer from the declared length alone ends such a request. */
const noBody = (): undefined => undefined;

/**
 * The registry port's limited bodies (manifest PUT, token POST): refused with 413 in the OCI error body as soon
 * as the limit is known to be passed, from `Content-Length` or from a streamed body, and the connection closed
 * without reading the rest.
 */
describe('registry body limits', () => {
  let wharf: WharfProcesses;
  let token: string;
  const repo = 'limits/app';

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'limits');
    token = (await new OciHttp(wharf.registryUrl).token([`repository:${repo}:pull,push`])).token;
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  const head = (request: string, headers: string[]): string =>
    [request, `Host: ${new URL(wharf.registryUrl).host}`, ...headers, '', ''].join('\r\n');
  const manifestPut = (framing: string): string =>
    head(`PUT /v2/${repo}/manifests/big HTTP/1.1`, [`Authorization: Bearer ${token}`, 'Content-Type: application/vnd.oci.image.manifest.v1+json', framing]);
  const tokenPost = (framing: string): string => head('POST /auth/token HTTP/1.1', ['Content-Type: application/x-www-form-urlencoded', framing]);

  const expectRefused = (answer: { head: string; body: string }, code: string, limit: number): void => {
    expect(answer.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.head).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(dechunk(answer.body))).toEqual({ errors: [{ code, message: `the request body is larger than ${limit} bytes`, detail: { limit } }] });
  };

  it('refuses a manifest PUT declaring 1 GiB from its Content-Length alone, before any body, and closes the connection', async () => {
    const answer = await rawRequest(wharf.registryUrl, manifestPut(`Content-Length: ${1024 ** 3}`), noBody);
    expectRefused(answer, 'MANIFEST_INVALID', MANIFEST_LIMIT);
  }, 30000);

  it('refuses a streamed manifest PUT that never ends once it passes 4 MiB and closes the connection', async () => {
    const answer = await rawRequest(wharf.registryUrl, manifestPut('Transfer-Encoding: chunked'), endlessChunks());
    expectRefused(answer, 'MANIFEST_INVALID', MANIFEST_LIMIT);
  }, 30000);

  it('refuses a token POST declaring 1 GiB from its Content-Length alone, before any body, and closes the connection', async () => {
    const answer = await rawRequest(wharf.registryUrl, tokenPost(`Content-Length: ${1024 ** 3}`), noBody);
    expectRefused(answer, 'SIZE_INVALID', TOKEN_FORM_LIMIT);
  }, 30000);

  it('refuses a streamed token POST that never ends once it passes 64 KiB and closes the connection', async () => {
    const answer = await rawRequest(wharf.registryUrl, tokenPost('Transfer-Encoding: chunked'), endlessChunks());
    expectRefused(answer, 'SIZE_INVALID', TOKEN_FORM_LIMIT);
  }, 30000);

  it('closes the connection after refusing a request whose body it did not read, such as an unauthorised 1 GiB manifest PUT', async () => {
    const unauthorised = head(`PUT /v2/${repo}/manifests/big HTTP/1.1`, ['Content-Type: application/vnd.oci.image.manifest.v1+json', `Content-Length: ${1024 ** 3}`]);
    const answer = await rawRequest(wharf.registryUrl, unauthorised, noBody);
    expect(answer.head).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.head).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(dechunk(answer.body))).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
  }, 30000);

  it('still reads a streamed token form within the limit', async () => {
    const form = new TextEncoder().encode(new URLSearchParams({ grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD, scope: `repository:${repo}:pull` }).toString());
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(form.slice(0, 10));
        controller.enqueue(form.slice(10));
        controller.close();
      },
    });
    const answer = await fetch(`${wharf.registryUrl}/auth/token`, {
      method: 'POST',
      body: streamed,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      duplex: 'half',
    } as RequestInit);
    expect([answer.status, ((await answer.json()) as { token?: string }).token]).toEqual([200, expect.any(String)]);
  });
});

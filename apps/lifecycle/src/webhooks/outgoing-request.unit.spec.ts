import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTarget, isPrivateAddress, TargetRefusedError } from './address-guard';
import { NoAnswerError, send } from './outgoing-request';

let server: Server;
let base: string;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
let handler: (request: IncomingMessage, response: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      handler(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

const allowed = { timeoutMs: 2000, allowPrivate: true };

describe('SSRF guard', () => {
  it('refuses loopback, link-local (cloud metadata), private, shared and unique-local addresses, IPv4-mapped ones too', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    }
  });

  it('refuses a target by name when it resolves to a guarded address, unless private targets are allowed', async () => {
    await expect(checkTarget('http://localhost:8080/hook', false)).rejects.toThrow(TargetRefusedError);
    await expect(checkTarget('http://[::1]:8080/hook', false)).rejects.toThrow(/loopback, link-local or private/);
    await expect(checkTarget('http://169.254.169.254/latest/meta-data', false)).rejects.toThrow(TargetRefusedError);
    await expect(checkTarget('http://localhost:8080/hook', true)).resolves.toBeUndefined();
    await expect(checkTarget('http://no-such-host.invalid/hook', true)).rejects.toThrow(/does not resolve/);
  });

  it('does not connect to a guarded address, by IP or by name (the addresses a connection uses are checked)', async () => {
    handler = (_request, response) => response.end('ok');
    const port = new URL(base).port;
    for (const url of [`${base}/hook`, `http://localhost:${port}/hook`]) {
      const error = await send({ method: 'POST', url, headers: {}, body: '{}' }, { timeoutMs: 2000, allowPrivate: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoAnswerError);
      expect(error).toMatchObject({ refused: true });
    }
    expect(seen).toHaveLength(0);
  });
});

describe('outgoing webhook requests', () => {
  it('sends the body and headers, and reads the status and the start of the answer', async () => {
    handler = (_request, response) => response.writeHead(201, { 'Content-Type': 'text/plain' }).end('x'.repeat(10_000));
    const answer = await send({ method: 'POST', url: `${base}/hook?x=1`, headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' }, body: '{"a":1}' }, allowed);
    expect(answer.status).toBe(201);
    expect(answer.body.length).toBeLessThanOrEqual(4096);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"a":1}', headers: { 'x-test': 'yes', 'content-length': '7' } });
  });

  it('does not follow redirects: a 3xx is the answer', async () => {
    handler = (request, response) => (request.url === '/moved' ? response.writeHead(302, { Location: `${base}/elsewhere` }).end() : response.end('reached'));
    const answer = await send({ method: 'POST', url: `${base}/moved`, headers: {}, body: '{}' }, allowed);
    expect(answer.status).toBe(302);
    expect(seen.map((request) => request.url)).toEqual(['/moved']);
  });

  it('gives up on a target that does not answer within the timeout, and reports a refused connection', async () => {
    handler = () => undefined;
    const slow = await send({ method: 'POST', url: `${base}/slow`, headers: {}, body: '{}' }, { timeoutMs: 300, allowPrivate: true }).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(NoAnswerError);
    expect(slow).toMatchObject({ refused: false, message: expect.stringMatching(/TIMEOUT/) });
    const closed = await send({ method: 'POST', url: 'http://127.0.0.1:1/hook', headers: {}, body: '{}' }, allowed).catch((e: unknown) => e);
    expect(closed).toMatchObject({ refused: false, message: expect.stringMatching(/ECONNREFUSED/) });
  });
});

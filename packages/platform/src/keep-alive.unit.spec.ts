import { Agent, createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configureKeepAlive } from './keep-alive';

describe('configureKeepAlive', () => {
  it('closes a keep-alive connection whose response ends after the server began closing', async () => {
    const answers: ServerResponse[] = [];
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Length': '4' });
      response.write('ab');
      answers.push(response);
    });
    configureKeepAlive(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent({ keepAlive: true });
    const body = new Promise<string>((resolve, reject) => {
      request({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', agent }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    while (answers.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const closed = new Promise((resolve) => server.close(resolve));
    answers[0]!.end('cd');
    expect(await body).toBe('abcd');
    // Left open, the client's idle keep-alive socket would hold the server for the 65 s keep-alive timeout.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((resolve) => (timer = setTimeout(() => resolve('still open'), 2000)))]);
    clearTimeout(timer);
    agent.destroy();
    if (outcome !== 'closed') await closed;
    expect(outcome).toBe('closed');
  });
});

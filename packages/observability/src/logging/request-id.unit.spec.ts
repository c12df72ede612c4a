import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from './request-id';

const exchange = (given?: string) => {
  const headers: Record<string, string> = {};
  const request = { headers: given === undefined ? {} : { 'x-request-id': given } } as unknown as IncomingMessage;
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as ServerResponse;
  return { id: requestIdOf(request, response), answered: headers['X-Request-Id'] };
};

describe('request ids', () => {
  it.each(['abc-123', '4bf92f3577b34da6a3ce929d0e0e4736', 'trace:00-4bf92f35-01', 'svc/a.b@c+d=e'])('keeps the caller’s %s and answers it', (given) => {
    expect(exchange(given)).toEqual({ id: given, answered: given });
  });

  it.each([undefined, '', 'with space', 'x'.repeat(129), 'line\nbreak', '{"a":1}'])('replaces %j with a new UUID', (given) => {
    const { id, answered } = exchange(given);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(answered).toBe(id);
  });
});

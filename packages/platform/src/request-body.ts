import type { IncomingMessage } from 'node:http';

/** RFC 9112 §6.3: a request has a body when it names a transfer coding or a non-zero length. */
export const hasBody = (request: IncomingMessage): boolean =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

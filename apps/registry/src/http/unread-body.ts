import { closeAfterAnswer } from '@wharf/platform';
import type { Request, Response } from 'express';

/** RFC 9112 §6.3: a request has a body when it names a transfer coding or a non-zero length. */
const hasBody = (request: Request): boolean =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

/**
 * Makes the answer about to be sent the connection's last when the request's body was not read to its end
 * (refused from its declared length, stopped over a limit, or answered before it was looked at): Node would
 * otherwise read and discard the rest, however long, to reuse the connection.
 */
export const closeIfBodyUnread = (request: Request, response: Response): void => {
  if (!hasBody(request) || request.complete) return;
  closeAfterAnswer(request.socket);
  response.setHeader('Connection', 'close');
};

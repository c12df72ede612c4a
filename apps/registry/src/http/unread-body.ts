import { closeAfterAnswer, hasBody } from '@wharf/platform';
import type { Request, Response } from 'express';

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

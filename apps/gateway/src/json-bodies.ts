import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import { hasBody } from '@wharf/platform';
import type { NextFunction, Request, Response } from 'express';

/** The largest request body the management API reads: 100 KiB, what Express's JSON parser allowed before. */
export const MAX_BODY_BYTES = 100 * 1024;

/**
 * A body over the limit. It is refused before the rest is read, so the connection cannot carry another
 * request: the answer closes it (`Connection: close`).
 */
export class BodyTooLargeError extends PayloadTooLargeException {
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
  }
}

const parseJson = (text: string): unknown => {
  // An empty JSON body reads as an empty object, as Express's parser read it.
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
};

/**
 * Reads every request body up to `limit` bytes and sets `request.body` to the parsed JSON when the body is
 * `application/json`. A body over the limit is refused as soon as that is known (from `Content-Length`, or the
 * moment a streamed body passes the limit): reading stops there, nothing more is taken off the socket.
 */
export const jsonBodies =
  (limit: number) =>
  (request: Request, _response: Response, next: NextFunction): void => {
    if (!hasBody(request)) return next();
    if (Number(request.headers['content-length']) > limit) return next(new BodyTooLargeError(limit));
    const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return next(new UnsupportedMediaTypeException(`content encoding ${encoding} is not supported`));

    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error): void => {
      request.off('data', onData).off('end', onEnd).off('error', onError);
      next(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.pause();
      finish(new BodyTooLargeError(limit));
    };
    const onEnd = (): void => {
      try {
        if (request.is('application/json')) request.body = parseJson(Buffer.concat(chunks).toString('utf8'));
        finish();
      } catch (error) {
        finish(error as Error);
      }
    };
    const onError = (): void => finish(new BadRequestException('the request body ended early'));
    request.on('data', onData).on('end', onEnd).on('error', onError);
  };

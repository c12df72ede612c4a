import { OciError, type OciErrorCode } from '@wharf/oci';
import type { Request } from 'express';

/** 413 for a body over its limit; the answer closes the connection, as the rest of the body is never read. */
const overLimit = (code: OciErrorCode, limit: number): OciError => new OciError(code, `the request body is larger than ${limit} bytes`, { limit }, 413);

/**
 * Reads a whole request body of at most `limit` bytes. A body over the limit is refused with 413 `code` as soon
 * as that is known: from a declared `Content-Length` before anything is read, or the moment a streamed body
 * passes the limit, after which nothing more is taken off the socket. A body cut short is 400 SIZE_INVALID.
 */
export const readLimitedBody = (request: Request, limit: number, code: OciErrorCode): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (Number(request.headers['content-length']) > limit) {
      reject(overLimit(code, limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stopListening = (): void => {
      request.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.pause();
      stopListening();
      reject(overLimit(code, limit));
    };
    const onEnd = (): void => {
      stopListening();
      resolve(Buffer.concat(chunks));
    };
    const onError = (): void => {
      stopListening();
      reject(new OciError('SIZE_INVALID', 'the request body ended early', {}, 400));
    };
    request.on('data', onData).on('end', onEnd).on('error', onError);
  });

import type { IncomingMessage, ServerResponse } from 'node:http';

/** How a request went, measured once when its response is over. */
export interface RequestOutcome {
  method: string;
  status: number;
  seconds: number;
  /** Approximate size of the request: its method, URL and declared body length (headers left out). */
  requestBytes: number;
  /** Body bytes answered: the declared length of a finished answer, else (streamed, or cut short) what went out on the socket. */
  responseBytes: number;
}

const declaredLength = (value: string | number | string[] | undefined): number => {
  const length = Number(value);
  return Number.isFinite(length) && length > 0 ? length : 0;
};

export const requestBytesOf = (request: IncomingMessage): number =>
  request.method!.length + request.url!.length + declaredLength(request.headers['content-length']);

/**
 * Calls `done` once the response is over, sent or cut short (`close`, emitted once, follows `finish`, and comes
 * alone when the connection went first). Costs one listener and two clock reads per request: no per-byte work.
 */
export const whenAnswered = (request: IncomingMessage, response: ServerResponse, done: (outcome: RequestOutcome) => void): void => {
  const started = performance.now();
  const socket = request.socket;
  const writtenBefore = socket.bytesWritten;
  response.on('close', () => {
    const seconds = (performance.now() - started) / 1000;
    const bodyless = request.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304;
    const declared = response.getHeader('content-length');
    const responseBytes = bodyless
      ? 0
      : response.writableFinished && declared !== undefined
        ? declaredLength(declared)
        : Math.max(0, socket.bytesWritten - writtenBefore);
    done({ method: request.method!, status: response.statusCode, seconds, requestBytes: requestBytesOf(request), responseBytes });
  });
};

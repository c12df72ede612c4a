import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, TargetRefusedError } from './address-guard';

export interface Outgoing {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** PEM certificates to trust instead of the system's (a cluster's own CA). */
  ca?: string;
}

export interface Answer {
  status: number;
  /** The start of the answer's body (at most `keep` bytes). */
  body: string;
  latencyMs: number;
}

/** Why an attempt got no answer: `refused` never changes by retrying (the SSRF guard), the rest may. */
export class NoAnswerError extends Error {
  constructor(
    message: string,
    readonly refused: boolean,
    readonly latencyMs: number,
  ) {
    super(message);
    this.name = 'NoAnswerError';
  }
}

/** How much of an answer is read by default: enough to show what a webhook target said. */
const RESPONSE_KEPT = 4096;
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 32 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 32 }) };

/**
 * Sends one request and reads the start of its answer, within `timeoutMs` for the whole exchange. Redirects are not
 * followed (a 3xx is an answer like any other); the connection goes only to addresses the SSRF guard lets through.
 */
export const send = (
  outgoing: Outgoing,
  { timeoutMs, allowPrivate, keep = RESPONSE_KEPT }: { timeoutMs: number; allowPrivate: boolean; keep?: number },
): Promise<Answer> => {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  const url = new URL(outgoing.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) && !allowPrivate && isPrivateAddress(host)) {
    return Promise.reject(new NoAnswerError(`${host} is a loopback, link-local or private address (set WHARF_WEBHOOK_ALLOW_PRIVATE=true to allow)`, true, 0));
  }
  const https = url.protocol === 'https:';
  const body = outgoing.body === undefined ? undefined : Buffer.from(outgoing.body, 'utf8');
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const refused = error instanceof TargetRefusedError;
      reject(new NoAnswerError(refused ? error.message : `${(error as NodeJS.ErrnoException).code ?? 'ERROR'}: ${error.message}`, refused, elapsed()));
    };
    const options = {
      method: outgoing.method,
      headers: { ...outgoing.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
      lookup: guardedLookup(allowPrivate),
      ...(outgoing.ca ? { ca: outgoing.ca, agent: false as const } : { agent: https ? agents.https : agents.http }),
    };
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, keep).toString('utf8'), latencyMs: elapsed() });
      };
      response.on('data', (chunk: Buffer) => {
        if (kept >= keep) return;
        chunks.push(chunk);
        kept += chunk.length;
        if (kept >= keep) {
          finish();
          response.destroy();
        }
      });
      response.on('end', finish);
      response.on('error', fail);
    };
    const request = https ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' });
      fail(error);
      request.destroy(error);
    }, timeoutMs);
    request.on('error', fail);
    request.end(body);
  });
};

import { request } from 'node:https';
import { connect, type PeerCertificate } from 'node:tls';

export interface HttpsResult<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

/**
 * One HTTPS request that trusts only `ca` and verifies the server's certificate against it (the name checked is
 * the URL's host). Node's fetch cannot be given a CA per call, hence node:https.
 */
export const httpsRequest = <T = unknown>(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; json?: unknown } = {},
): Promise<HttpsResult<T>> =>
  new Promise((resolve, reject) => {
    const body = init.json !== undefined ? JSON.stringify(init.json) : undefined;
    const headers = { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...init.headers };
    const call = request(url, { method: init.method ?? 'GET', headers, ca, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed as T, text });
      });
    });
    call.on('error', reject);
    call.end(body);
  });

/** The certificate a TLS port serves on a new connection, verified against `ca`. */
export const servedCertificate = (url: string, ca: string): Promise<PeerCertificate> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port), ca, ...(/^[\d.]+$/.test(hostname) ? {} : { servername: hostname }) }, () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      resolve(certificate);
    });
    socket.on('error', reject);
  });

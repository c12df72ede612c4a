import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rootLogger } from '../logging/process-logger';
import { collectProcessDefaults, renderMetrics } from './metrics';

const answer = (response: ServerResponse, method: string | undefined): void => {
  renderMetrics().then(
    ({ contentType, body }) => {
      response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
      response.end(method === 'HEAD' ? undefined : body);
    },
    (error: unknown) => {
      // A collector that failed (a store that does not answer) is a failed scrape, which Prometheus records as such.
      const message = `metrics could not be collected: ${error instanceof Error ? error.message : String(error)}`;
      rootLogger().error(message);
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`${message}\n`);
    },
  );
};

const isScrape = (request: IncomingMessage): boolean =>
  request.url?.startsWith('/metrics') === true && (request.url.length === 8 || request.url[8] === '?') && (request.method === 'GET' || request.method === 'HEAD');

/** Answers `GET /metrics` (and HEAD) with the process's metrics; false for any other request, left untouched. */
export const answerScrape = (request: IncomingMessage, response: ServerResponse): boolean => {
  if (!isScrape(request)) return false;
  answer(response, request.method);
  return true;
};

/**
 * A port of its own for `/metrics` (WHARF_METRICS_PORT), for the processes that have no HTTP port (identity,
 * catalog, access, lifecycle). Anything but a scrape is 404.
 */
export const startMetricsServer = async (port: number, host: string): Promise<Server> => {
  collectProcessDefaults();
  const server = createServer((request, response) => {
    if (answerScrape(request, response)) return;
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('only /metrics is served here\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
};

import type { Server } from 'node:http';

/**
 * Keep-alive for the HTTP servers (API and registry). Idle connections stay open longer than clients and proxies
 * keep them (Node's default is 5 s), so a client never reuses a socket the server is closing at that moment.
 * Once the server is closing, a connection is closed as soon as its response ends: Node closes the idle ones only
 * when `close()` is called, and a response still under way then (a blob still being sent) would otherwise keep its
 * connection, and the process with it, open for the whole keep-alive timeout.
 */
export const configureKeepAlive = (server: Server): void => {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('request', (_request, response) => {
    response.once('finish', () => {
      // After Node has detached the finished response, so the connection counts as idle.
      if (!server.listening) setImmediate(() => server.closeIdleConnections());
    });
  });
};

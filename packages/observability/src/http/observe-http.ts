import type { INestApplication } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rootLogger } from '../logging/process-logger';
import { requestIdOf } from '../logging/request-id';
import { answerScrape } from '../metrics/metrics-endpoint';
import { collectProcessDefaults } from '../metrics/metrics';
import { whenAnswered, type RequestOutcome } from './request-outcome';

/** A port's request metrics: `begin` sees each request come in and returns what records it once answered (or nothing). */
export interface RequestMetrics {
  begin(request: IncomingMessage): ((outcome: RequestOutcome) => void) | undefined;
}

export interface HttpObservation {
  metrics: RequestMetrics;
  /** The path as it may be logged: never the query string (tokens travel there), and no secret the path itself holds. */
  loggedPath?: (request: IncomingMessage) => string;
  /** Who the request was authenticated as (`account/user`), asked once it is answered; undefined when it was not. */
  principalOf?: (request: IncomingMessage) => string | undefined;
}

/** Probes and scrapes come every few seconds: their access lines are debug; everything else's info, or error for a 5xx. */
const ROUTINE = new Set(['/metrics', '/livez', '/readyz', '/healthz']);

export const pathOf = (request: IncomingMessage): string => {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
};

/**
 * Per request: its id (taken from or set in `X-Request-Id`, and answered), the port's metrics and, once the
 * response is over, one access line; `GET /metrics` is answered here too. One middleware, so one router layer:
 * nothing is created per request but the id and one listener, and the access line's fields are gathered only
 * when its level is logged.
 */
const requestObserver = ({ metrics, loggedPath = pathOf, principalOf }: HttpObservation) => {
  const log = rootLogger();
  collectProcessDefaults();
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const reqId = requestIdOf(request, response);
    const record = metrics.begin(request);
    whenAnswered(request, response, (outcome) => {
      record?.(outcome);
      const level = ROUTINE.has(pathOf(request)) ? 'debug' : outcome.status >= 500 ? 'error' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const principal = principalOf?.(request);
      log[level](
        {
          reqId,
          ...(principal !== undefined ? { principal } : {}),
          method: outcome.method,
          path: loggedPath(request),
          status: outcome.status,
          bytes: outcome.responseBytes,
          durationMs: Math.round(outcome.seconds * 10_000) / 10,
        },
        'request completed',
      );
    });
    if (!answerScrape(request, response)) next();
  };
};

/**
 * Observes an HTTP port, ahead of everything else the application does with a request: request ids, the port's
 * request metrics, one access line per request, and `GET /metrics`. Nest's own logging goes through the same
 * logger (`nestLogger`).
 */
export const observeHttp = (app: INestApplication, observation: HttpObservation): void => {
  app.use(requestObserver(observation));
};

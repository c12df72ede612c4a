import type { INestApplication } from '@nestjs/common';
import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
// nestjs-pino's request context: the logger its Logger and PinoLogger use while a request is served.
import { storage, Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { rootLogger } from '../logging/process-logger';
import { requestIdOf } from '../logging/request-id';
import { metricsEndpoint } from '../metrics/metrics-endpoint';
import { whenAnswered, type RequestOutcome } from './request-outcome';

/** A port's request metrics: `begin` sees each request come in and returns what records it once answered (or nothing). */
export interface RequestMetrics {
  begin(request: IncomingMessage): ((outcome: RequestOutcome) => void) | undefined;
}

export interface HttpObservation {
  metrics: RequestMetrics;
  /**
   * What reads request bodies, run before the request's log context is bound: a body is read in its stream's
   * events, which run outside the context, so whatever comes after them would lose it.
   */
  bodies?: RequestHandler;
  /** The path as it may be logged: never the query string (tokens travel there), and no secret the path itself holds. */
  loggedPath?: (request: IncomingMessage) => string;
}

/** Probes and scrapes come every few seconds: their access lines are debug; everything else's info, or error for a 5xx. */
const ROUTINE = new Set(['/metrics', '/livez', '/readyz', '/healthz']);

export const pathOf = (request: IncomingMessage): string => {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
};

type LoggedRequest = IncomingMessage & { log: Logger };
type LoggedResponse = ServerResponse & { log: Logger };

/** pino-http sets the request id (answered in `X-Request-Id`) and the request's logger, bound to the request by `logContext`. */
const requestLoggers = () =>
  pinoHttp({
    logger: rootLogger(),
    genReqId: requestIdOf,
    customAttributeKeys: { reqId: 'reqId' },
    quietReqLogger: true,
    quietResLogger: true,
    // The access line is written below, with the fields chosen there; requests themselves are never serialised.
    autoLogging: false,
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined },
  });

/**
 * Binds the request's logger to its async context, as nestjs-pino's own middleware does: whatever is logged
 * while serving the request carries its `reqId`, and its `principal` once `identifyCaller` named it.
 */
const logContext = (request: IncomingMessage, response: ServerResponse, next: () => void): void =>
  storage.run(new Store((request as LoggedRequest).log, (response as LoggedResponse).log), next);

/** One access line and the port's metrics for every request, measured when its response is over. */
const requestObserver = ({ metrics, loggedPath = pathOf }: HttpObservation) => {
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const record = metrics.begin(request);
    whenAnswered(request, response, (outcome) => {
      record?.(outcome);
      const { log } = response as LoggedResponse;
      const level = ROUTINE.has(pathOf(request)) ? 'debug' : outcome.status >= 500 ? 'error' : 'info';
      if (!log.isLevelEnabled(level)) return;
      log[level](
        {
          method: outcome.method,
          path: loggedPath(request),
          status: outcome.status,
          bytes: outcome.responseBytes,
          durationMs: Math.round(outcome.seconds * 10_000) / 10,
        },
        'request completed',
      );
    });
    next();
  };
};

/**
 * Observes an HTTP port, ahead of everything else the application does with a request: the request id (taken
 * from or set in `X-Request-Id` and answered), the request's log context, one access line per request, the
 * port's request metrics, and `GET /metrics`. Nest's own logging goes through the same logger (`nestLogger`).
 */
export const observeHttp = (app: INestApplication, observation: HttpObservation): void => {
  app.use(requestLoggers(), requestObserver(observation), metricsEndpoint(), ...(observation.bodies ? [observation.bodies] : []), logContext);
};

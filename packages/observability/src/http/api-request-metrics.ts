import type { IncomingMessage } from 'node:http';
import { LATENCY_BUCKETS, metrics } from '../metrics/metrics';
import { pathOf, type RequestMetrics } from './observe-http';

/** The route template that served a request (`/v2/manage/namespaces/:namespace`), never its path: no label per repository. */
export const routeOf = (request: IncomingMessage): string | undefined => (request as IncomingMessage & { route?: { path?: unknown } }).route?.path as string | undefined;

/**
 * The management API's request metrics, by route template: `wharf_api_http_requests_total{route,method,code}`,
 * `wharf_api_http_request_duration_seconds{route,method}` and `wharf_api_http_in_flight_requests`. A request no
 * route template served (a 404, a static file) counts under `route="unmatched"`.
 */
export const apiRequestMetrics = (): RequestMetrics => {
  const requests = metrics.counter({ name: 'wharf_api_http_requests_total', help: 'Management API requests answered, by route template, method and status code.', labelNames: ['route', 'method', 'code'] });
  const duration = metrics.histogram({
    name: 'wharf_api_http_request_duration_seconds',
    help: 'Management API request latencies in seconds, by route template and method.',
    labelNames: ['route', 'method'],
    buckets: LATENCY_BUCKETS,
  });
  const inFlight = metrics.gauge({ name: 'wharf_api_http_in_flight_requests', help: 'Management API requests being answered.' });
  return {
    begin(request) {
      if (pathOf(request) === '/metrics') return undefined;
      inFlight.inc();
      return ({ method, status, seconds }) => {
        inFlight.dec();
        const route = routeOf(request) ?? 'unmatched';
        const lowerMethod = method.toLowerCase();
        requests.inc({ route, method: lowerMethod, code: String(status) });
        duration.observe({ route, method: lowerMethod }, seconds);
      };
    },
  };
};


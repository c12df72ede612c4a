import type { IncomingMessage } from 'node:http';
import { LATENCY_BUCKETS, metrics } from '../metrics/metrics';
import type { RequestMetrics } from './observe-http';

/** Distribution's handler names (its route names), plus the referrers API and the token endpoint, which it has not. */
export const DISTRIBUTION_HANDLERS = ['base', 'manifest', 'tags', 'blob', 'blob_upload', 'blob_upload_chunk', 'catalog', 'referrers', 'token'] as const;
export type DistributionHandler = (typeof DISTRIBUTION_HANDLERS)[number];

/** Distribution's size buckets: 1 KiB to 2 GiB, doubling. */
const SIZE_BUCKETS = Array.from({ length: 22 }, (_, power) => 1024 * 2 ** power);

/**
 * The registry port's request metrics under CNCF Distribution's names, labels and help texts, as its
 * `registry_http_*` series read (methods in lower case, status codes as strings).
 */
export const distributionRequestMetrics = (handlerOf: (request: IncomingMessage) => DistributionHandler | null): RequestMetrics => {
  const requests = metrics.counter({ name: 'registry_http_requests_total', help: 'Total number of HTTP requests made.', labelNames: ['code', 'handler', 'method'] });
  const duration = metrics.histogram({
    name: 'registry_http_request_duration_seconds',
    help: 'The HTTP request latencies in seconds.',
    labelNames: ['handler', 'method'],
    buckets: LATENCY_BUCKETS,
  });
  const requestSize = metrics.histogram({ name: 'registry_http_request_size_bytes', help: 'The HTTP request sizes in bytes.', labelNames: ['handler'], buckets: SIZE_BUCKETS });
  const responseSize = metrics.histogram({ name: 'registry_http_response_size_bytes', help: 'The HTTP response sizes in bytes.', labelNames: ['handler'], buckets: SIZE_BUCKETS });
  const inFlight = metrics.gauge({ name: 'registry_http_in_flight_requests', help: 'The in-flight HTTP requests', labelNames: ['handler'] });
  for (const handler of DISTRIBUTION_HANDLERS) inFlight.inc({ handler }, 0);
  return {
    begin(request) {
      const handler = handlerOf(request);
      if (!handler) return undefined;
      inFlight.inc({ handler });
      return ({ method, status, seconds, requestBytes, responseBytes }) => {
        inFlight.dec({ handler });
        const lowerMethod = method.toLowerCase();
        requests.inc({ code: String(status), handler, method: lowerMethod });
        duration.observe({ handler, method: lowerMethod }, seconds);
        requestSize.observe({ handler }, requestBytes);
        responseSize.observe({ handler }, responseBytes);
      };
    },
  };
};

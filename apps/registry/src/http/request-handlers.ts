import { pathOf, type DistributionHandler } from '@wharf/observability';
import type { IncomingMessage } from 'node:http';
import { matchRoute, type Route } from './routes';

const HANDLERS: Record<Route['kind'], DistributionHandler> = {
  base: 'base',
  catalog: 'catalog',
  tags: 'tags',
  manifest: 'manifest',
  uploads: 'blob_upload',
  upload: 'blob_upload_chunk',
  blob: 'blob',
  referrers: 'referrers',
};

/**
 * The Distribution handler a request counts under in `registry_http_*` (its route names: `blob_upload` starts
 * an upload, `blob_upload_chunk` is everything on one), `token` for the token endpoint; null for anything else
 * (probes, `/metrics`, paths the API does not serve).
 */
export const handlerOf = (request: IncomingMessage): DistributionHandler | null => {
  const path = pathOf(request);
  if (path === '/auth/token') return 'token';
  if (path !== '/v2' && !path.startsWith('/v2/')) return null;
  const route = matchRoute(path.slice(4));
  return route ? HANDLERS[route.kind] : null;
};

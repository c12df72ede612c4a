import { pathOf } from '@wharf/observability';
import type { IncomingMessage } from 'node:http';
import type { AuthenticatedRequest } from './auth/authenticated.guard';

/** Selectel's v1 token routes carry the token itself in the path (`/api/v1/token/{token}`); routing ignores case. */
const TOKEN_IN_PATH = /^(\/api\/v1\/token\/)[^/]+/i;

/** The path an access line shows: without the query string, and with a token in the path replaced by `:token`. */
export const loggedPath = (request: IncomingMessage): string => pathOf(request).replace(TOKEN_IN_PATH, '$1:token');

/** The caller the access line names: the one AuthenticatedGuard resolved, as `account/user`. */
export const principalOf = (request: IncomingMessage): string | undefined => {
  const { principal } = request as Partial<AuthenticatedRequest>;
  return principal ? `${principal.accountName}/${principal.userName}` : undefined;
};

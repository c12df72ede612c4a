import type { DomainError } from '@wharf/contracts';

/** How one API dialect renders an error: its status and body. */
export interface ErrorRendering {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ErrorDialect {
  /** A domain error, whatever service raised it. */
  domain(error: DomainError): ErrorRendering;
  /** A route that does not exist. */
  routeNotFound(method: string, path: string): ErrorRendering;
  /** A request the HTTP layer refused before any handler (unparsable JSON, body too large). */
  malformedRequest(status: number, reason: string): ErrorRendering;
}

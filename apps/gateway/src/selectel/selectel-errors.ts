import { errorDescriptor, type DomainError } from '@wharf/contracts';
import type { ErrorDialect, ErrorRendering } from '../errors/dialect';

/**
 * Selectel's error bodies: the v2.2 document (seed 003) answers 404 with `{"error": "Registry not found."}`, a
 * string. Other answers also carry that text as `message`, which the v2.2 document shows for some errors, so a
 * client reading either key finds it.
 */
export const selectelError = (status: number, message: string): ErrorRendering => ({
  status,
  body: status === 404 ? { error: message } : { error: message, message },
});

/** An input error the Selectel dialect words itself (a wire-format rule, not a domain rule). */
export class SelectelInputError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SelectelInputError';
  }
}

export const selectelDialect: ErrorDialect = {
  domain: (error: DomainError) => selectelError(errorDescriptor(error.code).status, error.message),
  routeNotFound: (method, path) => selectelError(404, `No route for ${method} ${path}`),
  malformedRequest: (status, reason) => selectelError(status, `Invalid request: ${reason}`),
};

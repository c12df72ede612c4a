import { errorDescriptor, type DomainError } from '@wharf/contracts';
import type { ErrorDialect, ErrorRendering } from '../errors/dialect';

/**
 * Selectel's error bodies (craas-go request.go): 404 is `{"error": {"id": "<object id>", "message": "…"}}`,
 * everything else `{"error": "…"}`. The v2.2 document also shows `{"message": "…"}`; `message` is sent beside
 * `error` on non-404 answers so a client reading either finds the text.
 */
export const selectelError = (status: number, message: string, id = ''): ErrorRendering => ({
  status,
  body: status === 404 ? { error: { id, message } } : { error: message, message },
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

/** The id of the object a 404 is about: the first identifying detail the domain error carries. */
const objectIdOf = (error: DomainError): string => {
  for (const key of ['id', 'registryId', 'tokenId', 'repository', 'name', 'digest', 'reference', 'tag']) {
    const value = error.details[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return '';
};

export const selectelDialect: ErrorDialect = {
  domain: (error) => selectelError(errorDescriptor(error.code).status, error.message, objectIdOf(error)),
  routeNotFound: (method, path) => selectelError(404, `No route for ${method} ${path}`, path),
  malformedRequest: (status, reason) => selectelError(status, `Invalid request: ${reason}`),
};

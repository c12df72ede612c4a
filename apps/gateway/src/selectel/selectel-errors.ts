import { errorDescriptor, type DomainError } from '@wharf/contracts';
import { z } from 'zod';
import type { ErrorDialect, ErrorRendering } from '../errors/dialect';
import type { InvalidInput } from '../validation';

export const SelectelErrorBody = z
  .object({ error: z.string(), message: z.string().optional().describe('The same text; absent on 404') })
  .describe("Selectel's error body");

/**
 * Selectel's error bodies: the v2.2 document (seed 003) answers 404 with `{"error": "Registry not found."}`, a
 * string. Other answers also carry that text as `message`, which the v2.2 document shows for some errors, so a
 * client reading either key finds it.
 */
export const selectelError = (status: number, message: string): ErrorRendering => {
  const body: z.input<typeof SelectelErrorBody> = status === 404 ? { error: message } : { error: message, message };
  return { status, body };
};

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

/**
 * How Selectel routes refuse input their schema rejects: 400. A refinement's message is the answer as it is;
 * any other mismatch is `message` when given, else names the field: `Invalid <what>: <field>: <reason>` when
 * `what` is given, else `<field> <reason>`.
 */
export const selectelInvalid =
  ({ what, message }: { what?: string; message?: string } = {}): InvalidInput =>
  (issue) => {
    if (issue.code === 'custom') return new SelectelInputError(400, issue.message);
    if (message !== undefined) return new SelectelInputError(400, message);
    const field = issue.path.join('.');
    if (what !== undefined) return new SelectelInputError(400, `Invalid ${what}: ${field || what}: ${issue.message}`);
    return new SelectelInputError(400, field ? `${field} ${issue.message}` : issue.message);
  };

export const selectelDialect: ErrorDialect = {
  domain: (error: DomainError) => selectelError(errorDescriptor(error.code).status, error.message),
  routeNotFound: (method, path) => selectelError(404, `No route for ${method} ${path}`),
  malformedRequest: (status, reason) => selectelError(status, `Invalid request: ${reason}`),
};

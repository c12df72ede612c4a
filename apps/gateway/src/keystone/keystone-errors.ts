import { errorDescriptor, type DomainError } from '@wharf/contracts';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { ErrorDialect, ErrorRendering } from '../errors/dialect';

export const KeystoneErrorBody = z
  .object({ error: z.object({ code: z.number().int().describe('The HTTP status'), title: z.string().describe("The status's reason phrase"), message: z.string() }) })
  .describe("Keystone's error body");

/**
 * Keystone (and Huawei IAM) error body: `{"error": {"code": 401, "title": "Unauthorized", "message": "…"}}`;
 * a 401 names where to authenticate, a 429 says in `Retry-After` how many seconds to wait.
 */
const render = (status: number, message: string, retryAfterSeconds?: number): ErrorRendering => ({
  status,
  body: { error: { code: status, title: STATUS_CODES[status] ?? 'Error', message } } satisfies z.input<typeof KeystoneErrorBody>,
  ...(status === 401 ? { headers: { 'WWW-Authenticate': 'Keystone uri="/v3"' } } : {}),
  ...(status === 429 && retryAfterSeconds !== undefined ? { headers: { 'Retry-After': String(retryAfterSeconds) } } : {}),
});

const retryAfterOf = (error: DomainError): number | undefined => {
  const seconds = error.details.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
};

export const keystoneDialect: ErrorDialect = {
  domain: (error: DomainError) => render(errorDescriptor(error.code).status, error.message, retryAfterOf(error)),
  routeNotFound: (method, path) => render(404, `The resource could not be found: ${method} ${path}`),
  malformedRequest: (status, reason) => render(status, `The request you have made requires valid input: ${reason}`),
};

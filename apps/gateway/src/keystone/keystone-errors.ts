import { errorDescriptor, type DomainError } from '@wharf/contracts';
import { STATUS_CODES } from 'node:http';
import type { ErrorDialect, ErrorRendering } from '../errors/dialect';

/** Keystone (and Huawei IAM) error body: `{"error": {"code": 401, "title": "Unauthorized", "message": "…"}}`. */
const render = (status: number, message: string): ErrorRendering => ({
  status,
  body: { error: { code: status, title: STATUS_CODES[status] ?? 'Error', message } },
  ...(status === 401 ? { headers: { 'WWW-Authenticate': 'Keystone uri="/v3"' } } : {}),
});

export const keystoneDialect: ErrorDialect = {
  domain: (error: DomainError) => render(errorDescriptor(error.code).status, error.message),
  routeNotFound: (method, path) => render(404, `The resource could not be found: ${method} ${path}`),
  malformedRequest: (status, reason) => render(status, `The request you have made requires valid input: ${reason}`),
};

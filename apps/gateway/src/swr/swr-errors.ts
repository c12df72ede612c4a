import type { DomainError, ErrorCode } from '@wharf/contracts';
import { z } from 'zod';
import type { ErrorDialect, ErrorRendering } from '../errors/dialect';
import { invalidInput, type InvalidInput } from '../validation';

/** SWR's error body: an array of one object. */
export const SwrErrorBody = z
  .array(
    z.object({
      errorCode: z.string().describe('SVCSTG.SWR.<HTTP status><4 digits>, e.g. SVCSTG.SWR.4000014'),
      errorMessage: z.string(),
      detail: z.string().describe('The offending value or field, when there is one'),
    }),
  )
  .length(1)
  .describe("SWR's error body");

/** Huawei's API gateway answers routes that do not exist and oversized bodies itself, in its own body. */
export const ApiGatewayErrorBody = z
  .object({ error_code: z.string().describe('APIGW.0101 (no such route) or APIGW.0201 (body too large)'), error_msg: z.string() })
  .describe("Huawei API gateway's error body");

/**
 * SWR's error codes (swr-error-codes.txt) for our domain errors. The code's first three digits are its HTTP
 * status. Conditions SWR has no code for map to the nearest documented one; this table is the only place
 * that knows SWR's numbers.
 */
const SWR_CODES: Partial<Record<ErrorCode, string>> = {
  'IDENTITY.UNAUTHENTICATED': 'SVCSTG.SWR.4010000',
  'IDENTITY.TOKEN_INVALID': 'SVCSTG.SWR.4010000',
  'IDENTITY.INVALID_CREDENTIALS': 'SVCSTG.SWR.4010000',
  'IDENTITY.FORBIDDEN': 'SVCSTG.SWR.4039002',
  'PLATFORM.VALIDATION_FAILED': 'SVCSTG.SWR.4000014',
  'PLATFORM.INVALID_FILTER': 'SVCSTG.SWR.4001035',
  'PLATFORM.CONCURRENCY_CONFLICT': 'SVCSTG.SWR.4090023',
  'CATALOG.INVALID_NAMESPACE_NAME': 'SVCSTG.SWR.4001028',
  'CATALOG.NAMESPACE_ALREADY_EXISTS': 'SVCSTG.SWR.4090060',
  'CATALOG.NAMESPACE_NOT_FOUND': 'SVCSTG.SWR.4040058',
  'CATALOG.NAMESPACE_NOT_EMPTY': 'SVCSTG.SWR.4060074',
  'CATALOG.NAMESPACE_FORBIDDEN': 'SVCSTG.SWR.4037017',
  'CATALOG.INVALID_REPOSITORY_NAME': 'SVCSTG.SWR.4001029',
  'CATALOG.REPOSITORY_NOT_FOUND': 'SVCSTG.SWR.4040010',
  'CATALOG.REPOSITORY_ALREADY_EXISTS': 'SVCSTG.SWR.4090006',
  'CATALOG.TAG_NOT_FOUND': 'SVCSTG.SWR.4040048',
  'CATALOG.INVALID_TAG': 'SVCSTG.SWR.4000014',
  'CATALOG.MANIFEST_NOT_FOUND': 'SVCSTG.SWR.4041060',
  'CATALOG.NAMESPACE_QUOTA_EXCEEDED': 'SVCSTG.SWR.4000097',
  'CATALOG.REPOSITORY_QUOTA_EXCEEDED': 'SVCSTG.SWR.4000098',
  'CATALOG.TAG_QUOTA_EXCEEDED': 'SVCSTG.SWR.4000099',
  'CATALOG.PROJECT_NOT_FOUND': 'SVCSTG.SWR.4040083',
  'CATALOG.PROJECT_FORBIDDEN': 'SVCSTG.SWR.4039001',
  'CATALOG.QUOTA_FORBIDDEN': 'SVCSTG.SWR.4039002',
  'ACCESS.NAMESPACE_PERMISSION_EXISTS': 'SVCSTG.SWR.4090076',
  'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND': 'SVCSTG.SWR.4040078',
  'ACCESS.PERMISSION_EXISTS': 'SVCSTG.SWR.4090089',
  'ACCESS.PERMISSION_NOT_FOUND': 'SVCSTG.SWR.4040091',
  'ACCESS.FORBIDDEN': 'SVCSTG.SWR.4039002',
  'ACCESS.INVALID_GRANTEE': 'SVCSTG.SWR.4001066',
  'ACCESS.SHARE_EXISTS': 'SVCSTG.SWR.4090089',
  'ACCESS.SHARE_NOT_FOUND': 'SVCSTG.SWR.4040091',
  'ACCESS.INVALID_DOMAIN': 'SVCSTG.SWR.4001041',
  'ACCESS.INVALID_DEADLINE': 'SVCSTG.SWR.4000014',
  // SWR's table has no codes for these; each follows its pattern (status, then four digits) and is Wharf's own.
  'LIFECYCLE.RETENTION_NOT_FOUND': 'SVCSTG.SWR.4041101',
  'LIFECYCLE.RETENTION_TEMPLATE_CHANGED': 'SVCSTG.SWR.4001101',
  'LIFECYCLE.RETENTION_RUN_IN_PROGRESS': 'SVCSTG.SWR.4091101',
  'LIFECYCLE.SYNC_REGION_UNKNOWN': 'SVCSTG.SWR.4001102',
  'LIFECYCLE.SYNC_TASK_EXISTS': 'SVCSTG.SWR.4091102',
  'LIFECYCLE.SYNC_TASK_NOT_FOUND': 'SVCSTG.SWR.4041102',
  'LIFECYCLE.SYNC_JOB_NOT_FOUND': 'SVCSTG.SWR.4041103',
  // SWR's table has no 501; this code follows its pattern (status, then four digits) and is Wharf's own.
  'PLATFORM.NOT_IMPLEMENTED': 'SVCSTG.SWR.5010000',
  // SWR's table has no trigger codes: invalid input is its "Invalid API parameters", the rest Wharf's own in its pattern.
  'LIFECYCLE.INVALID_TRIGGER': 'SVCSTG.SWR.4000014',
  'LIFECYCLE.WEBHOOK_TARGET_REFUSED': 'SVCSTG.SWR.4000014',
  'LIFECYCLE.TRIGGER_FORBIDDEN': 'SVCSTG.SWR.4037018',
  'LIFECYCLE.TRIGGER_EXISTS': 'SVCSTG.SWR.4090201',
  'LIFECYCLE.TRIGGER_NOT_FOUND': 'SVCSTG.SWR.4040201',
  'LIFECYCLE.DELIVERY_NOT_FOUND': 'SVCSTG.SWR.4040202',
  'LIFECYCLE.DELIVERY_PENDING': 'SVCSTG.SWR.4090202',
};

/** An input error the SWR dialect names itself (a wire-format rule, not a domain rule). */
export class SwrInputError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly detail = '',
  ) {
    super(message);
    this.name = 'SwrInputError';
  }
}
/** What a schema refinement carries to give its input rule an SWR code of its own (see `swrRule`). */
interface SwrRuleParams {
  swrCode: string;
  detail?: string;
}

/** The params of a zod refinement whose failure SWR answers with `swrCode`, `message` and `detail`. */
export const swrRule = (swrCode: string, message: string, detail = ''): { message: string; params: SwrRuleParams } => ({ message, params: { swrCode, detail } });

/**
 * How SWR routes refuse input their schema rejects. A rule made with `swrRule` answers with its own code; any
 * other mismatch is 4000014, worded `message` (with the field and the reason as `detail`) when given, else as
 * the domain's VALIDATION_FAILED.
 */
export const swrInvalid =
  (message?: string): InvalidInput =>
  (issue) => {
    const rule = issue.code === 'custom' ? (issue.params as SwrRuleParams | undefined) : undefined;
    if (rule?.swrCode) return new SwrInputError(rule.swrCode, issue.message, rule.detail ?? '');
    if (message === undefined) return invalidInput(issue);
    const path = issue.path.join('.');
    return new SwrInputError('SVCSTG.SWR.4000014', message, path ? `${path} ${issue.message}` : issue.message);
  };

/** Codes for errors without an entry above, by status; "the registry is unavailable" for our own failures. */
const SWR_BY_STATUS: Record<number, string> = {
  400: 'SVCSTG.SWR.4001025',
  401: 'SVCSTG.SWR.4010000',
  403: 'SVCSTG.SWR.4039002',
  409: 'SVCSTG.SWR.4090023',
};
const SWR_UNAVAILABLE = 'SVCSTG.SWR.5001038';
const swrCodeOf = (error: DomainError): string => SWR_CODES[error.code] ?? SWR_BY_STATUS[error.status] ?? SWR_UNAVAILABLE;

const statusOf = (code: string): number => Number(code.slice('SVCSTG.SWR.'.length, 'SVCSTG.SWR.'.length + 3));

/** SWR's error body is a JSON array of one object. */
export const swrError = (errorCode: string, errorMessage: string, detail = ''): ErrorRendering => {
  const body: z.input<typeof SwrErrorBody> = [{ errorCode, errorMessage, detail }];
  return { status: statusOf(errorCode), body };
};

const detailOf = (error: DomainError): string =>
  Object.entries(error.details)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');

/** What Huawei's API gateway answers itself, before a request reaches SWR: its own `{error_code, error_msg}` body. */
const apiGatewayError = (status: number, errorCode: string, errorMessage: string): ErrorRendering => {
  const body: z.input<typeof ApiGatewayErrorBody> = { error_code: errorCode, error_msg: errorMessage };
  return { status, body };
};

export const swrDialect: ErrorDialect = {
  domain: (error) => swrError(swrCodeOf(error), error.message, detailOf(error)),
  routeNotFound: () => apiGatewayError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment'),
  malformedRequest: (status, reason) =>
    status === 413 ? apiGatewayError(413, 'APIGW.0201', 'Request entity too large') : swrError('SVCSTG.SWR.4000014', 'Invalid API parameters.', reason),
};

import { AUDIT_LOG_MAX_LIMIT, AuditOutcome } from '@wharf/contracts/identity';
import { z } from 'zod';

export const DEFAULT_AUDIT_LOG_LIMIT = 100;

const once = z.string({ invalid_type_error: 'must be given once' });
const integer = (min: number, max: number) =>
  once.regex(/^\d+$/, `must be an integer from ${min} to ${max}`).pipe(z.coerce.number().int().min(min, `must be an integer from ${min} to ${max}`).max(max, `must be an integer from ${min} to ${max}`));
const time = once.datetime({ offset: true, message: 'must be an ISO-8601 time such as 2026-01-31T12:00:00Z' });

/**
 * `GET /v1/audit-logs` parameters: `since`, `until` (ISO-8601 times), `user_id`, `user_name`, `operation`
 * (comma-separated), `resource_type`, `resource` (a name, or its beginning followed by `*`), `outcome`
 * (`success`|`failure`), `account_id` (installation administrators), `before` (the previous page's `next`) and
 * `limit` (1–1000, default 100).
 */
export const AuditLogsQuery = z
  .object({
    since: time.optional(),
    until: time.optional(),
    user_id: once.min(1).optional(),
    user_name: once.min(1).optional(),
    operation: once
      .transform((value) => value.split(',').map((name) => name.trim()))
      .pipe(z.array(z.string().min(1, 'must name operations, comma-separated')).max(100))
      .optional(),
    resource_type: once.min(1).optional(),
    resource: once
      .regex(/^[^*]+\*?$/, 'must be a name, or the beginning of one followed by *')
      .transform((value) => (value.endsWith('*') ? { name: value.slice(0, -1), prefix: true } : { name: value, prefix: false }))
      .optional(),
    outcome: AuditOutcome.optional(),
    account_id: once.min(1).optional(),
    before: integer(1, Number.MAX_SAFE_INTEGER).optional(),
    limit: integer(1, AUDIT_LOG_MAX_LIMIT).default(String(DEFAULT_AUDIT_LOG_LIMIT)),
  })
  .strict();
export type AuditLogsQuery = z.output<typeof AuditLogsQuery>;

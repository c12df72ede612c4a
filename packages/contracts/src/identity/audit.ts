import { z } from 'zod';
import { rpc } from '../rpc';
import { Principal } from './index';

/**
 * The audit log, owned by identity: who did what to which resource and when, with the outcome. It is a read model
 * of the event log (every change is an event), plus the failed logins identity records as events of their own.
 */

// `Principal` comes from this file's own barrel: read it lazily so the import cycle never sees it undefined.
const actor = z.lazy(() => Principal);

export const AUDIT_LOG_MAX_LIMIT = 1000;

export const AuditOutcome = z.enum(['success', 'failure']);

export const AuditEntry = z.object({
  id: z.string(),
  /** The event's position in the log: entries are listed newest (highest) first. */
  position: z.number().int().nonnegative(),
  time: z.string(),
  /** The account whose log holds the entry (the resource's account, else the actor's); null for the installation's only. */
  accountId: z.string().nullable(),
  /** The event type recorded (e.g. `RepositoryCreated`, `LoginFailed`) or, for a refused command, the command (e.g. `DeleteNamespace`). */
  operation: z.string(),
  outcome: AuditOutcome,
  /** For a refused command: the error code it was refused with. */
  errorCode: z.string().optional(),
  resource: z.object({ type: z.string(), name: z.string() }),
  /** Who did it; for a failed login, who the caller claimed to be. */
  actor: z.object({
    userId: z.string().optional(),
    userName: z.string().optional(),
    accountId: z.string().optional(),
    accountName: z.string().optional(),
    /** The session or API token the call was authenticated with. */
    tokenId: z.string().optional(),
  }),
  /** The caller's network address (failed logins). */
  clientAddress: z.string().optional(),
  /** What else identifies the change: tag, digest, grants and the like. Never secrets. */
  details: z.record(z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditLogRequest = z.object({
  actor,
  /** One account's entries; only the installation's administrators may name another account than their own. */
  accountId: z.string().optional(),
  /** ISO-8601 times: entries at or after `since` and before `until`. */
  since: z.string().datetime({ offset: true }).optional(),
  until: z.string().datetime({ offset: true }).optional(),
  userId: z.string().optional(),
  userName: z.string().optional(),
  operations: z.array(z.string().min(1)).min(1).max(100).optional(),
  resourceType: z.string().min(1).optional(),
  /** The resource's name, exactly or (`prefix: true`) as its beginning. */
  resource: z.object({ name: z.string().min(1), prefix: z.boolean() }).optional(),
  outcome: AuditOutcome.optional(),
  /** Entries before this position (exclusive): the previous page's `next`. */
  before: z.number().int().positive().optional(),
  limit: z.number().int().positive().max(AUDIT_LOG_MAX_LIMIT),
});

export const AuditLogReply = z.object({
  entries: z.array(AuditEntry),
  /** Pass as `before` for the next (older) page; null when this page is the last. */
  next: z.number().int().positive().nullable(),
});
export type AuditLogReply = z.infer<typeof AuditLogReply>;

export const AuditRpc = {
  /** The caller's account's audit log (account administrators), or any account's (installation administrators). */
  list: rpc('identity.audit.list', AuditLogRequest, AuditLogReply),
} as const;

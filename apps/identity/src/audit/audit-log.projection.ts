import type { Projection } from '@wharf/read-model';
import { auditEntryOf, type AuditDocument } from './audit-entry';

/**
 * The audit log: one entry per event a caller caused, refused command and failed login, across every context.
 * It is a projection of the event log, never written on its own.
 */
export const auditLogProjection: Projection<AuditDocument> = {
  name: 'audit_log',
  version: 1,
  streamPrefixes: ['identity.', 'catalog.', 'access.', 'lifecycle.'],
  indexes: [['accountId', 'position'], ['position']],
  documentIds: (event) => (auditEntryOf(event) ? [event.id] : []),
  evolve: (_doc, event) => auditEntryOf(event),
};

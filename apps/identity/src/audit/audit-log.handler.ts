import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { AuditRpc, type AuditEntry } from '@wharf/contracts/identity';
import type { EventStore } from '@wharf/event-store';
import { EVENT_STORE, ProjectionHost } from '@wharf/platform';
import type { Filter } from '@wharf/read-model';
import { SchemaPipe } from '@wharf/transport';
import type { AuditDocument } from './audit-entry';
import { auditLogProjection } from './audit-log.projection';

type Request = (typeof AuditRpc.list)['request']['_output'];

const entryOf = (doc: AuditDocument): AuditEntry => ({
  id: doc.id,
  position: doc.position,
  time: doc.time,
  accountId: doc.accountId ?? null,
  operation: doc.operation,
  outcome: doc.outcome,
  ...(doc.errorCode !== undefined ? { errorCode: doc.errorCode } : {}),
  resource: { type: doc.resourceType, name: doc.resource },
  actor: {
    ...(doc.userId !== undefined ? { userId: doc.userId } : {}),
    ...(doc.userName !== undefined ? { userName: doc.userName } : {}),
    ...(doc.actorAccountId !== undefined ? { accountId: doc.actorAccountId } : {}),
    ...(doc.actorAccountName !== undefined ? { accountName: doc.actorAccountName } : {}),
    ...(doc.tokenId !== undefined ? { tokenId: doc.tokenId } : {}),
  },
  ...(doc.clientAddress !== undefined ? { clientAddress: doc.clientAddress } : {}),
  details: doc.details,
});

/** Which entries the caller may read: its own account's as an account administrator, any as the installation's. */
const scopeOf = ({ actor, accountId }: Request): Filter[] => {
  if (actor.systemAdmin) return accountId !== undefined ? [{ field: 'accountId', op: 'eq', value: accountId }] : [];
  if (!actor.accountAdmin) throw new DomainError('IDENTITY.FORBIDDEN', {}, "Only the account's administrators read its audit log");
  if (accountId !== undefined && accountId !== actor.accountId) throw new DomainError('IDENTITY.FORBIDDEN', {}, "Only the installation's administrators read other accounts' audit logs");
  return [{ field: 'accountId', op: 'eq', value: actor.accountId }];
};

const filtersOf = (request: Request): Filter[] => [
  ...scopeOf(request),
  ...(request.since !== undefined ? [{ field: 'time', op: 'gte' as const, value: new Date(request.since).toISOString() }] : []),
  ...(request.until !== undefined ? [{ field: 'time', op: 'lt' as const, value: new Date(request.until).toISOString() }] : []),
  ...(request.userId !== undefined ? [{ field: 'userId', op: 'eq' as const, value: request.userId }] : []),
  ...(request.userName !== undefined ? [{ field: 'userName', op: 'eq' as const, value: request.userName }] : []),
  ...(request.operations !== undefined ? [{ field: 'operation', op: 'in' as const, values: request.operations }] : []),
  ...(request.resourceType !== undefined ? [{ field: 'resourceType', op: 'eq' as const, value: request.resourceType }] : []),
  ...(request.resource !== undefined ? [{ field: 'resource', op: request.resource.prefix ? ('prefix' as const) : ('eq' as const), value: request.resource.name }] : []),
  ...(request.outcome !== undefined ? [{ field: 'outcome', op: 'eq' as const, value: request.outcome }] : []),
  ...(request.before !== undefined ? [{ field: 'position', op: 'lt' as const, value: request.before }] : []),
];

/**
 * The audit log, newest first, a page at a time. It answers once the log holds everything written before the
 * request came, so an entry for what the caller (or anyone) just did, or a login that just failed, is there.
 */
@Controller()
export class AuditLogHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly projections: ProjectionHost,
  ) {}

  @MessagePattern(AuditRpc.list.subject)
  async list(@Payload(new SchemaPipe(AuditRpc.list.request)) request: Request) {
    await this.projections.waitFor(auditLogProjection, await this.events.headPosition());
    const docs = await this.projections.collection(auditLogProjection).find({ where: filtersOf(request), sort: [{ field: 'position', direction: 'desc' }], limit: request.limit });
    const next = docs.length === request.limit ? docs[docs.length - 1]!.position : null;
    return { entries: docs.map(entryOf), next } satisfies RpcReply<typeof AuditRpc.list>;
  }
}

import { COMMAND_REFUSED, type Actor, type CommandRefused, type RecordedEvent } from '@wharf/event-store';
import type { LoginFailed } from '../sessions/login-failure.decider';

/** One audit log entry as identity keeps it: flat fields to filter on, one document per event. */
export interface AuditDocument {
  /** The event's id. */
  id: string;
  position: number;
  time: string;
  /** The account whose log holds the entry; absent: only the installation's administrators see it. */
  accountId?: string;
  operation: string;
  outcome: 'success' | 'failure';
  errorCode?: string;
  resourceType: string;
  resource: string;
  userId?: string;
  userName?: string;
  actorAccountId?: string;
  actorAccountName?: string;
  tokenId?: string;
  clientAddress?: string;
  details: Record<string, unknown>;
  [field: string]: unknown;
}

/** Data fields that say what changed without a secret in them; anything else an event holds stays out of the log. */
const DETAIL_FIELDS = [
  'tag',
  'tags',
  'digest',
  'previous',
  'namespace',
  'name',
  'userId',
  'kind',
  'grants',
  'userIds',
  'accessDomain',
  'accessAccountId',
  'permit',
  'deadline',
  'isPublic',
  'enabled',
  'accountAdmin',
  'description',
  'category',
  'limits',
  'scope',
  'expiresAt',
  'tokenId',
  'clusterId',
  'accessKey',
  'registryId',
  'runId',
  'deleteUntagged',
] as const;

const UUID_DOT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\./;

/** Stream aggregates whose resource is better known by another name. */
const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  accesskey: 'access-key',
  loginsecret: 'login-secret',
  sessiontoken: 'session',
  selecteltoken: 'token',
  registryclusters: 'registry',
  gc: 'registry',
};

/** What a stream `<context>.<aggregate>-<id>` is about: users are named without the account id their stream carries. */
export const resourceOfStream = (stream: string): { type: string; name: string } => {
  const dot = stream.indexOf('.');
  const dash = stream.indexOf('-', dot + 1);
  const aggregate = dash < 0 ? stream.slice(dot + 1) : stream.slice(dot + 1, dash);
  const id = dash < 0 ? '' : stream.slice(dash + 1);
  if (aggregate === 'user') return { type: 'user', name: id.replace(UUID_DOT, '') };
  return { type: RESOURCE_TYPES[aggregate] ?? aggregate, name: id };
};

const detailsOf = (data: unknown): Record<string, unknown> => {
  if (typeof data !== 'object' || data === null) return {};
  const fields = data as Record<string, unknown>;
  const details: Record<string, unknown> = {};
  for (const field of DETAIL_FIELDS) if (fields[field] !== undefined) details[field] = fields[field];
  // A pushed manifest names its digest inside the manifest's facts.
  const manifest = fields.manifest as { digest?: unknown } | undefined;
  if (typeof manifest?.digest === 'string') details.digest = manifest.digest;
  return details;
};

const actorFields = (actor: { [K in keyof Actor]?: string | undefined }) => ({
  ...(actor.userId !== undefined ? { userId: actor.userId } : {}),
  ...(actor.userName !== undefined ? { userName: actor.userName } : {}),
  ...(actor.accountId !== undefined ? { actorAccountId: actor.accountId } : {}),
  ...(actor.accountName !== undefined ? { actorAccountName: actor.accountName } : {}),
  ...(actor.tokenId !== undefined ? { tokenId: actor.tokenId } : {}),
});

const base = (event: RecordedEvent) => ({ id: event.id, position: event.position, time: event.metadata.now ?? '' });

const loginFailure = (event: RecordedEvent<LoginFailed>): AuditDocument => {
  const { via, login, userId, userName, accountId, accountName, clientAddress } = event.data;
  return {
    ...base(event),
    ...(accountId !== undefined ? { accountId } : {}),
    operation: event.type,
    outcome: 'failure',
    resourceType: 'user',
    resource: userName ?? login,
    ...actorFields({ userId, userName: userName ?? login, accountId, accountName }),
    ...(clientAddress !== undefined ? { clientAddress } : {}),
    details: { via, login },
  };
};

const refusal = (event: RecordedEvent<CommandRefused>, actor: Actor): AuditDocument => {
  const resource = resourceOfStream(event.data.stream);
  return {
    ...base(event),
    accountId: actor.accountId,
    operation: event.data.command,
    outcome: 'failure',
    errorCode: event.data.code,
    resourceType: resource.type,
    resource: resource.name,
    ...actorFields(actor),
    details: {},
  };
};

const change = (event: RecordedEvent, actor: Actor): AuditDocument => {
  const resource = resourceOfStream(event.streamName);
  const { accountId } = event.data as { accountId?: unknown };
  return {
    ...base(event),
    // The account the resource belongs to when the event names it (an installation administrator may act in others).
    accountId: typeof accountId === 'string' ? accountId : actor.accountId,
    operation: event.type,
    outcome: 'success',
    resourceType: resource.type,
    resource: resource.name,
    ...actorFields(actor),
    details: detailsOf(event.data),
  };
};

/**
 * The audit entry of an event, or null when it is none: every event a caller caused (it carries an actor), each
 * refused command and each failed login. Events the system records on its own (signing keys, pull counts, the
 * steps of a garbage collection, the first start's administrator) have no actor and are no entries.
 */
export const auditEntryOf = (event: RecordedEvent): AuditDocument | null => {
  if (event.type === 'LoginFailed') return loginFailure(event as RecordedEvent<LoginFailed>);
  const actor = event.metadata.actor;
  if (!actor) return null;
  if (event.type === COMMAND_REFUSED) return refusal(event as RecordedEvent<CommandRefused>, actor);
  return change(event, actor);
};

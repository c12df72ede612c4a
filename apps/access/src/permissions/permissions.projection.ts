import { AccessStreams } from '@wharf/contracts/access';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import type { PermissionEvent } from './permission.decider';

export interface PermissionDocument {
  id: string;
  kind: 'namespace' | 'repository';
  name: string;
  namespace: string;
  userId: string;
  userName: string;
  auth: number;
  [field: string]: unknown;
}

export const permissionId = (kind: string, name: string, userId: string): string => `${kind}:${name}:${userId}`;

const idsOf = (event: RecordedEvent<PermissionEvent>): string[] => {
  const { kind, name } = event.data;
  return event.type === 'PermissionsRevoked'
    ? event.data.userIds.map((userId) => permissionId(kind, name, userId))
    : event.data.grants.map((grant) => permissionId(kind, name, grant.userId));
};

/** One document per (target, user) grant. */
export const permissionsProjection: Projection<PermissionDocument, PermissionEvent> = {
  name: 'permissions',
  version: 1,
  streamPrefixes: [AccessStreams.permissions],
  indexes: [['kind', 'name'], ['userId', 'namespace']],
  documentIds: idsOf,
  evolve: (_doc, event, id) => {
    if (event.type === 'PermissionsRevoked') return null;
    const { kind, name, namespace } = event.data;
    const grant = event.data.grants.find((g) => permissionId(kind, name, g.userId) === id);
    return grant ? { id, kind, name, namespace, userId: grant.userId, userName: grant.userName, auth: grant.auth } : null;
  },
};

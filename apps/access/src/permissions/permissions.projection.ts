import { AccessStreams } from '@wharf/contracts/access';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import { madeOnCurrent, type TargetIdentity } from '../target-identity';
import type { PermissionEvent } from './permission.decider';

export interface PermissionDocument {
  id: string;
  kind: 'namespace' | 'repository';
  name: string;
  namespace: string;
  userId: string;
  userName: string;
  auth: number;
  /** The organization's or repository's catalog id when granted; absent on grants recorded before it was kept. */
  targetId?: number;
  grantedAt: string;
  [field: string]: unknown;
}

export const permissionId = (kind: string, name: string, userId: string): string => `${kind}:${name}:${userId}`;

const idsOf = (event: RecordedEvent<PermissionEvent>): string[] => {
  const { kind, name } = event.data;
  return event.type === 'PermissionsRevoked'
    ? event.data.userIds.map((userId) => permissionId(kind, name, userId))
    : event.data.grants.map((grant) => permissionId(kind, name, grant.userId));
};

/** One document per (target name, user) grant; `grantOnCurrent` tells whether it was made on the target holding the name now. */
export const permissionsProjection: Projection<PermissionDocument, PermissionEvent> = {
  name: 'permissions',
  version: 2,
  streamPrefixes: [AccessStreams.permissions],
  indexes: [['kind', 'name'], ['userId', 'namespace']],
  documentIds: idsOf,
  evolve: (doc, event, id) => {
    if (event.type === 'PermissionsRevoked') return null;
    const { kind, name, namespace } = event.data;
    const grant = event.data.grants.find((g) => permissionId(kind, name, g.userId) === id);
    if (!grant) return null;
    const granted = event.type === 'PermissionsGranted' || !doc;
    const targetId = event.data.targetId ?? (granted ? undefined : doc.targetId);
    const grantedAt = event.type === 'PermissionsGranted' ? event.data.grantedAt : (doc?.grantedAt ?? event.data.updatedAt);
    return { id, kind, name, namespace, userId: grant.userId, userName: grant.userName, auth: grant.auth, ...(targetId !== undefined ? { targetId } : {}), grantedAt };
  },
};

/** Whether the grant was made on the organization or repository that holds its name now (not on one deleted since). */
export const grantOnCurrent = (grant: Pick<PermissionDocument, 'targetId' | 'grantedAt'>, current: TargetIdentity | null | undefined): boolean =>
  madeOnCurrent({ targetId: grant.targetId, madeAt: grant.grantedAt }, current);

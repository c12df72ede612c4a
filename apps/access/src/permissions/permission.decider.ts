import { DomainError } from '@wharf/contracts';
import type { UserAuth } from '@wharf/contracts/access';
import type { Command, Decider, Event } from '@wharf/event-store';
import { madeOnCurrent, type TargetIdentity } from '../target-identity';

interface Target {
  kind: 'namespace' | 'repository';
  /** Organization name, or the repository's full name. */
  name: string;
  namespace: string;
}
/** Catalog's id of the organization or repository granted on; absent on grants recorded before it was kept. */
interface Recorded {
  targetId?: number;
}

export type PermissionsGranted = Event<'PermissionsGranted', Target & Recorded & { grants: UserAuth[]; grantedAt: string }>;
export type PermissionsUpdated = Event<'PermissionsUpdated', Target & Recorded & { grants: UserAuth[]; updatedAt: string }>;
export type PermissionsRevoked = Event<'PermissionsRevoked', Target & Recorded & { userIds: string[]; revokedAt: string }>;
export type PermissionEvent = PermissionsGranted | PermissionsUpdated | PermissionsRevoked;

/** Commands name the organization or repository that holds the name now: grants made on an earlier one are gone with it. */
interface OnTarget {
  current: TargetIdentity;
}
export type GrantPermissions = Command<'GrantPermissions', Target & OnTarget & { grants: UserAuth[] }>;
export type UpdatePermissions = Command<'UpdatePermissions', Target & OnTarget & { grants: UserAuth[] }>;
export type RevokePermissions = Command<'RevokePermissions', Target & OnTarget & { userIds: string[] }>;
export type PermissionCommand = GrantPermissions | UpdatePermissions | RevokePermissions;

/** userId → the user's grant on the name: its level, the target it was made on and when. */
export type PermissionState = Map<string, { auth: number; targetId?: number | undefined; grantedAt: string }>;

const recorded = ({ kind, name, namespace, current }: Target & OnTarget): Target & Recorded => ({
  kind,
  name,
  namespace,
  ...(current.id !== undefined ? { targetId: current.id } : {}),
});

/**
 * Per-user permission levels on one organization or repository (SWR's "organization permissions" and
 * "image permissions"). Granting twice is 409, updating or revoking what is not granted is 404, as in SWR. The
 * stream is keyed by the name; grants made on an organization or repository since deleted count for nothing.
 */
export const permissionDecider: Decider<PermissionState, PermissionCommand, PermissionEvent> = {
  initialState: () => new Map(),
  evolve: (state, event) => {
    const next = new Map(state);
    switch (event.type) {
      case 'PermissionsGranted':
        for (const { userId, auth } of event.data.grants) next.set(userId, { auth, targetId: event.data.targetId, grantedAt: event.data.grantedAt });
        return next;
      case 'PermissionsUpdated':
        for (const { userId, auth } of event.data.grants) {
          const previous = next.get(userId);
          next.set(userId, { auth, targetId: event.data.targetId ?? previous?.targetId, grantedAt: previous?.grantedAt ?? event.data.updatedAt });
        }
        return next;
      case 'PermissionsRevoked':
        for (const userId of event.data.userIds) next.delete(userId);
        return next;
    }
  },
  decide: (command, state) => {
    const now = command.metadata.now;
    const onNamespace = command.data.kind === 'namespace';
    const EXISTS = onNamespace ? 'ACCESS.NAMESPACE_PERMISSION_EXISTS' : 'ACCESS.PERMISSION_EXISTS';
    const NOT_FOUND = onNamespace ? 'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND' : 'ACCESS.PERMISSION_NOT_FOUND';
    const granted = (userId: string): boolean => {
      const grant = state.get(userId);
      return grant !== undefined && madeOnCurrent({ targetId: grant.targetId, madeAt: grant.grantedAt }, command.data.current);
    };
    switch (command.type) {
      case 'GrantPermissions': {
        const existing = command.data.grants.find((grant) => granted(grant.userId));
        if (existing) throw new DomainError(EXISTS, { userId: existing.userId });
        return [{ type: 'PermissionsGranted', data: { ...recorded(command.data), grants: command.data.grants, grantedAt: now } }];
      }
      case 'UpdatePermissions': {
        const missing = command.data.grants.find((grant) => !granted(grant.userId));
        if (missing) throw new DomainError(NOT_FOUND, { userId: missing.userId });
        return [{ type: 'PermissionsUpdated', data: { ...recorded(command.data), grants: command.data.grants, updatedAt: now } }];
      }
      case 'RevokePermissions': {
        const missing = command.data.userIds.find((userId) => !granted(userId));
        if (missing) throw new DomainError(NOT_FOUND, { userId: missing });
        return [{ type: 'PermissionsRevoked', data: { ...recorded(command.data), userIds: command.data.userIds, revokedAt: now } }];
      }
    }
  },
};

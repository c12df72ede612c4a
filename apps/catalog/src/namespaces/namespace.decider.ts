import { DomainError } from '@wharf/contracts';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { Command, Decider, Event } from '@wharf/event-store';
import { isValidNamespaceName } from './namespace-name';

export type NamespaceCreated = Event<
  'NamespaceCreated',
  /** `registryId` is the namespace's UUID: its id as a Selectel registry. */
  { id: number; registryId: string; name: string; accountId: string; creatorId: string; creatorName: string; createdAt: string }
>;
export type NamespaceDeleted = Event<'NamespaceDeleted', { id: number; name: string; accountId: string; deletedAt: string }>;
/** A Selectel registry delete has begun: its repositories go first, then NamespaceDeleted ends it. */
export type NamespaceDeletionStarted = Event<'NamespaceDeletionStarted', { id: number; name: string; accountId: string; startedAt: string }>;
export type NamespaceEvent = NamespaceCreated | NamespaceDeleted | NamespaceDeletionStarted;

export type CreateNamespace = Command<'CreateNamespace', { id: number; registryId: string; name: string; actor: Principal }>;
/** `auth` is the caller's level on the namespace, as access reckons it; `repositories` how many it still holds. */
export type DeleteNamespace = Command<'DeleteNamespace', { name: string; actor: Principal; auth: AuthLevel | null; repositories: number }>;
/** Marks the namespace as being deleted, so nothing new is created in it while its repositories are deleted. */
export type StartNamespaceDeletion = Command<'StartNamespaceDeletion', { name: string; actor: Principal; auth: AuthLevel | null }>;
export type NamespaceCommand = CreateNamespace | DeleteNamespace | StartNamespaceDeletion;

export type NamespaceState =
  | { status: 'absent' }
  | { status: 'active'; id: number; name: string; accountId: string; creatorId: string; deleting: boolean };

export const initialState = (): NamespaceState => ({ status: 'absent' });

export const evolve = (state: NamespaceState, event: NamespaceEvent): NamespaceState => {
  switch (event.type) {
    case 'NamespaceCreated': {
      const { id, name, accountId, creatorId } = event.data;
      return { status: 'active', id, name, accountId, creatorId, deleting: false };
    }
    case 'NamespaceDeletionStarted':
      return state.status === 'active' ? { ...state, deleting: true } : state;
    case 'NamespaceDeleted':
      return { status: 'absent' };
    default:
      return state;
  }
};

export const decide = (command: NamespaceCommand, state: NamespaceState): NamespaceEvent[] => {
  switch (command.type) {
    case 'CreateNamespace': {
      const { id, registryId, name, actor } = command.data;
      if (!isValidNamespaceName(name)) throw new DomainError('CATALOG.INVALID_NAMESPACE_NAME', { name });
      if (state.status === 'active') throw new DomainError('CATALOG.NAMESPACE_ALREADY_EXISTS', { name });
      return [
        {
          type: 'NamespaceCreated',
          data: {
            id,
            registryId,
            name,
            accountId: actor.accountId,
            creatorId: actor.userId,
            creatorName: actor.userName,
            createdAt: command.metadata.now,
          },
        },
      ];
    }
    case 'DeleteNamespace': {
      const { name, actor, auth, repositories } = command.data;
      if (state.status !== 'active') throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name });
      if (actor.accountId !== state.accountId) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name });
      if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { name });
      // An organization goes only once it is empty: its repositories would otherwise outlive it.
      if (repositories > 0) throw new DomainError('CATALOG.NAMESPACE_NOT_EMPTY', { name, repositories });
      return [{ type: 'NamespaceDeleted', data: { id: state.id, name, accountId: state.accountId, deletedAt: command.metadata.now } }];
    }
    case 'StartNamespaceDeletion': {
      const { name, actor, auth } = command.data;
      if (state.status !== 'active' || actor.accountId !== state.accountId) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name });
      if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { name });
      // Started already (an interrupted delete being resumed): nothing new to record.
      if (state.deleting) return [];
      return [{ type: 'NamespaceDeletionStarted', data: { id: state.id, name, accountId: state.accountId, startedAt: command.metadata.now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const namespaceDecider: Decider<NamespaceState, NamespaceCommand, NamespaceEvent> = { decide, evolve, initialState };

import { DomainError } from '@wharf/contracts';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { Command, Decider, Event } from '@wharf/event-store';

/**
 * A repository's sync tasks, one stream per repository (`lifecycle.synctask-<repository>`): at most one task per
 * target region and namespace. Changes need manage (7) on the repository; the handler finds the caller's level
 * and the configured regions, the decider judges.
 */

interface Target {
  remoteRegionId: string;
  remoteNamespace: string;
}
export type SyncTaskCreated = Event<
  'SyncTaskCreated',
  Target & {
    id: number;
    repository: string;
    namespace: string;
    repoName: string;
    accountId: string;
    accountName: string;
    syncAuto: boolean;
    override: boolean;
    createdBy: Principal;
    createdAt: string;
  }
>;
export type SyncTaskDeleted = Event<'SyncTaskDeleted', Target & { id: number; repository: string; deletedAt: string }>;
export type SyncTaskEvent = SyncTaskCreated | SyncTaskDeleted;

interface Authorized {
  actor: Principal;
  auth: AuthLevel | null;
  /** The repository's account: another account's repository does not exist for the caller. */
  accountId: string;
}
export type CreateSyncTask = Command<
  'CreateSyncTask',
  Authorized & Target & { id: number; repository: string; namespace: string; repoName: string; syncAuto: boolean; override: boolean; regions: string[] }
>;
export type DeleteSyncTask = Command<'DeleteSyncTask', Authorized & Target & { repository: string }>;
/** The repository was deleted: its tasks go with it, so a repository made later under the name starts with none. */
export type DropSyncTasks = Command<'DropSyncTasks', { repository: string }>;
export type SyncTaskCommand = CreateSyncTask | DeleteSyncTask | DropSyncTasks;

export interface SyncTasksState {
  /** `<region>/<namespace>` → task id. */
  tasks: Map<string, { id: number } & Target>;
}

export const initialState = (): SyncTasksState => ({ tasks: new Map() });
const keyOf = (target: Target) => `${target.remoteRegionId}/${target.remoteNamespace}`;

export const evolve = (state: SyncTasksState, event: SyncTaskEvent): SyncTasksState => {
  const tasks = new Map(state.tasks);
  if (event.type === 'SyncTaskCreated') tasks.set(keyOf(event.data), { id: event.data.id, remoteRegionId: event.data.remoteRegionId, remoteNamespace: event.data.remoteNamespace });
  else tasks.delete(keyOf(event.data));
  return { tasks };
};

const requireManager = ({ actor, auth, accountId }: Authorized, repository: string): void => {
  if (actor.accountId !== accountId) throw new DomainError('CATALOG.REPOSITORY_NOT_FOUND', { repository });
  if (auth !== 7) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { repository }, 'Image synchronization needs manage (7) permission on the repository');
};

export const decide = (command: SyncTaskCommand, state: SyncTasksState): SyncTaskEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'CreateSyncTask': {
      const { id, repository, namespace, repoName, remoteRegionId, remoteNamespace, syncAuto, override, regions, actor } = command.data;
      requireManager(command.data, repository);
      if (!regions.includes(remoteRegionId)) throw new DomainError('LIFECYCLE.SYNC_REGION_UNKNOWN', { remoteRegionId });
      if (state.tasks.has(keyOf(command.data))) throw new DomainError('LIFECYCLE.SYNC_TASK_EXISTS', { remoteRegionId, remoteNamespace });
      const accountName = actor.accountName;
      return [
        {
          type: 'SyncTaskCreated',
          data: { id, repository, namespace, repoName, accountId: command.data.accountId, accountName, remoteRegionId, remoteNamespace, syncAuto, override, createdBy: actor, createdAt: now },
        },
      ];
    }
    case 'DeleteSyncTask': {
      const { repository, remoteRegionId, remoteNamespace } = command.data;
      requireManager(command.data, repository);
      const task = state.tasks.get(keyOf(command.data));
      if (task === undefined) throw new DomainError('LIFECYCLE.SYNC_TASK_NOT_FOUND', { remoteRegionId, remoteNamespace });
      return [{ type: 'SyncTaskDeleted', data: { id: task.id, repository, remoteRegionId, remoteNamespace, deletedAt: now } }];
    }
    case 'DropSyncTasks': {
      const { repository } = command.data;
      return [...state.tasks.values()].map(({ id, remoteRegionId, remoteNamespace }): SyncTaskDeleted => ({ type: 'SyncTaskDeleted', data: { id, repository, remoteRegionId, remoteNamespace, deletedAt: now } }));
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const syncTasksDecider: Decider<SyncTasksState, SyncTaskCommand, SyncTaskEvent> = { decide, evolve, initialState };

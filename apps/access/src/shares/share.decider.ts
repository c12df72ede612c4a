import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';
import { madeOnCurrent, type TargetIdentity } from '../target-identity';

export interface ShareData {
  repository: string;
  /** Catalog's id of the repository shared; absent on shares recorded before it was kept. */
  repositoryId?: number;
  namespace: string;
  accessDomain: string;
  accessAccountId: string;
  permit: 'read';
  deadline: string;
  description: string;
}
export type RepositoryShared = Event<'RepositoryShared', ShareData & { creatorId: string; creatorName: string; sharedAt: string }>;
export type ShareUpdated = Event<'ShareUpdated', ShareData & { updatedAt: string }>;
export type ShareRemoved = Event<'ShareRemoved', { repository: string; accessDomain: string; accessAccountId: string; removedAt: string }>;
export type ShareEvent = RepositoryShared | ShareUpdated | ShareRemoved;

/** Commands name the repository that holds the name now: a share made on an earlier one is gone with it. */
interface OnRepository {
  current: TargetIdentity;
}
type Shared = Omit<ShareData, 'repositoryId'>;
export type ShareRepository = Command<'ShareRepository', Shared & OnRepository & { creatorId: string; creatorName: string }>;
export type UpdateShare = Command<'UpdateShare', Shared & OnRepository>;
export type RemoveShare = Command<'RemoveShare', OnRepository & { repository: string; accessDomain: string; accessAccountId: string }>;
export type ShareCommand = ShareRepository | UpdateShare | RemoveShare;

/** The share on the stream, if any: which repository it was made on and when. */
export type ShareState = { shared: false } | { shared: true; repositoryId?: number | undefined; sharedAt: string };

/** A deadline is `forever` or a UTC time that has not passed at the command's time. */
const checkDeadline = (deadline: string, now: string): void => {
  if (deadline === 'forever') return;
  const at = Date.parse(deadline);
  if (Number.isNaN(at) || !/Z$|[+-]\d\d:?\d\d$/.test(deadline) || at <= Date.parse(now)) throw new DomainError('ACCESS.INVALID_DEADLINE', { deadline });
};

const liveOn = (state: ShareState, current: TargetIdentity): boolean =>
  state.shared && madeOnCurrent({ targetId: state.repositoryId, madeAt: state.sharedAt }, current);

const shareData = ({ current, ...data }: Shared & OnRepository): ShareData => ({ ...data, ...(current.id !== undefined ? { repositoryId: current.id } : {}) });

/**
 * One repository shared with one other account, pull only, until a deadline. The stream is keyed by the
 * repository's name; a share made on a repository since deleted does not count for the one holding the name now.
 */
export const shareDecider: Decider<ShareState, ShareCommand, ShareEvent> = {
  initialState: () => ({ shared: false }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'RepositoryShared':
        return { shared: true, repositoryId: event.data.repositoryId, sharedAt: event.data.sharedAt };
      case 'ShareUpdated':
        return state.shared ? { ...state, repositoryId: event.data.repositoryId ?? state.repositoryId } : state;
      case 'ShareRemoved':
        return { shared: false };
    }
  },
  decide: (command, state) => {
    const now = command.metadata.now;
    const live = liveOn(state, command.data.current);
    switch (command.type) {
      case 'ShareRepository': {
        if (live) throw new DomainError('ACCESS.SHARE_EXISTS', { accessDomain: command.data.accessDomain });
        checkDeadline(command.data.deadline, now);
        const { creatorId, creatorName, ...data } = command.data;
        return [{ type: 'RepositoryShared', data: { ...shareData(data), creatorId, creatorName, sharedAt: now } }];
      }
      case 'UpdateShare':
        if (!live) throw new DomainError('ACCESS.SHARE_NOT_FOUND', { accessDomain: command.data.accessDomain });
        checkDeadline(command.data.deadline, now);
        return [{ type: 'ShareUpdated', data: { ...shareData(command.data), updatedAt: now } }];
      case 'RemoveShare': {
        if (!live) throw new DomainError('ACCESS.SHARE_NOT_FOUND', { accessDomain: command.data.accessDomain });
        const { repository, accessDomain, accessAccountId } = command.data;
        return [{ type: 'ShareRemoved', data: { repository, accessDomain, accessAccountId, removedAt: now } }];
      }
    }
  },
};

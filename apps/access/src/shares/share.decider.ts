import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';

export interface ShareData {
  repository: string;
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

export type ShareRepository = Command<'ShareRepository', ShareData & { creatorId: string; creatorName: string }>;
export type UpdateShare = Command<'UpdateShare', ShareData>;
export type RemoveShare = Command<'RemoveShare', { repository: string; accessDomain: string; accessAccountId: string }>;
export type ShareCommand = ShareRepository | UpdateShare | RemoveShare;

/** A deadline is `forever` or a UTC time that has not passed at the command's time. */
const checkDeadline = (deadline: string, now: string): void => {
  if (deadline === 'forever') return;
  const at = Date.parse(deadline);
  if (Number.isNaN(at) || !/Z$|[+-]\d\d:?\d\d$/.test(deadline) || at <= Date.parse(now)) throw new DomainError('ACCESS.INVALID_DEADLINE', { deadline });
};

/** One repository shared with one other account, pull only, until a deadline. */
export const shareDecider: Decider<{ shared: boolean }, ShareCommand, ShareEvent> = {
  initialState: () => ({ shared: false }),
  evolve: (_state, event) => ({ shared: event.type !== 'ShareRemoved' }),
  decide: (command, state) => {
    const now = command.metadata.now;
    switch (command.type) {
      case 'ShareRepository':
        if (state.shared) throw new DomainError('ACCESS.SHARE_EXISTS', { accessDomain: command.data.accessDomain });
        checkDeadline(command.data.deadline, now);
        return [{ type: 'RepositoryShared', data: { ...command.data, sharedAt: now } }];
      case 'UpdateShare':
        if (!state.shared) throw new DomainError('ACCESS.SHARE_NOT_FOUND', { accessDomain: command.data.accessDomain });
        checkDeadline(command.data.deadline, now);
        return [{ type: 'ShareUpdated', data: { ...command.data, updatedAt: now } }];
      case 'RemoveShare':
        if (!state.shared) throw new DomainError('ACCESS.SHARE_NOT_FOUND', { accessDomain: command.data.accessDomain });
        return [{ type: 'ShareRemoved', data: { ...command.data, removedAt: now } }];
    }
  },
};

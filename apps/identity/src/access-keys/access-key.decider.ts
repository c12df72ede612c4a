import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';

export interface AccessKeyCreatedData {
  accessKey: string;
  userId: string;
  userName: string;
  accountId: string;
  description: string;
  loginPasswordHash: string;
  createdAt: string;
}
export type AccessKeyCreated = Event<'AccessKeyCreated', AccessKeyCreatedData>;
export type AccessKeyDeleted = Event<'AccessKeyDeleted', { accessKey: string; userId: string; deletedAt: string }>;
export type AccessKeyEvent = AccessKeyCreated | AccessKeyDeleted;

export type CreateAccessKey = Command<'CreateAccessKey', Omit<AccessKeyCreatedData, 'createdAt'>>;
export type DeleteAccessKey = Command<'DeleteAccessKey', { accessKey: string }>;
export type AccessKeyCommand = CreateAccessKey | DeleteAccessKey;

export type AccessKeyState = { status: 'absent' } | { status: 'active'; userId: string } | { status: 'deleted' };

export const accessKeyDecider: Decider<AccessKeyState, AccessKeyCommand, AccessKeyEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: (_state, event) => (event.type === 'AccessKeyCreated' ? { status: 'active', userId: event.data.userId } : { status: 'deleted' }),
  decide: (command, state) => {
    switch (command.type) {
      case 'CreateAccessKey':
        // Key ids are random; one that was ever used is never handed out again.
        if (state.status !== 'absent') throw new DomainError('PLATFORM.CONCURRENCY_CONFLICT', {});
        return [{ type: 'AccessKeyCreated', data: { ...command.data, createdAt: command.metadata.now } }];
      case 'DeleteAccessKey':
        if (state.status !== 'active') throw new DomainError('IDENTITY.ACCESS_KEY_NOT_FOUND', { accessKey: command.data.accessKey });
        return [{ type: 'AccessKeyDeleted', data: { accessKey: command.data.accessKey, userId: state.userId, deletedAt: command.metadata.now } }];
    }
  },
};

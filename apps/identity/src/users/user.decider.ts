import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';

export interface UserCreatedData {
  userId: string;
  name: string;
  accountId: string;
  accountName: string;
  /** Whether the account is the installation's own (its administrator administers the installation). */
  systemAccount: boolean;
  accountAdmin: boolean;
  passwordHash: string;
  createdAt: string;
}
export type UserCreated = Event<'UserCreated', UserCreatedData>;
export type UserEvent = UserCreated;

export type CreateUser = Command<'CreateUser', Omit<UserCreatedData, 'createdAt'>>;
export type UserCommand = CreateUser;

export type UserState = { status: 'absent' } | { status: 'active'; userId: string; accountId: string };

/** IAM-style user names: letters, digits, spaces and `-_.`, 1–64 characters, not starting with a digit or space. */
const USER_NAME = /^[A-Za-z_.-][A-Za-z0-9 _.-]{0,63}$/;

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'UserCreated':
        return { status: 'active', userId: event.data.userId, accountId: event.data.accountId };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'CreateUser': {
        if (!USER_NAME.test(command.data.name)) throw new DomainError('IDENTITY.INVALID_USER_NAME', { name: command.data.name });
        if (state.status === 'active') throw new DomainError('IDENTITY.USER_ALREADY_EXISTS', { name: command.data.name });
        return [{ type: 'UserCreated', data: { ...command.data, createdAt: command.metadata.now } }];
      }
    }
  },
};

import { DomainError } from '@wharf/contracts';
import { IdentityStreams } from '@wharf/contracts/identity';
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
  description?: string;
  enabled?: boolean;
  createdAt: string;
}
export type UserCreated = Event<'UserCreated', UserCreatedData>;
export type UserUpdated = Event<'UserUpdated', { userId: string; name: string; enabled: boolean; description: string; updatedAt: string }>;
export type PasswordChanged = Event<'PasswordChanged', { userId: string; name: string; passwordHash: string; changedAt: string }>;
export type UserDeleted = Event<'UserDeleted', { userId: string; name: string; accountId: string; deletedAt: string }>;
/**
 * Every session issued until `endedAt` ends, but the one that asked for it (`keptSessionId`, a session's token
 * id) when a user changed their own password. Registry tokens issued until then stop too. Written after a
 * password change or a disable; re-enabling the user revives none of them.
 */
export type UserSessionsEnded = Event<'UserSessionsEnded', { userId: string; name: string; endedAt: string; keptSessionId?: string }>;
export type UserEvent = UserCreated | UserUpdated | PasswordChanged | UserDeleted | UserSessionsEnded;

/** `nameTakenInAccount`: whether the account's users (its read model) already have this name. */
export type CreateUser = Command<'CreateUser', Omit<UserCreatedData, 'createdAt'> & { nameTakenInAccount: boolean }>;
export type UpdateUser = Command<'UpdateUser', { userId: string; enabled?: boolean; description?: string }>;
/** `keptSessionId`: the session (token id) of the user changing their own password, which stays signed in. */
export type ChangePassword = Command<'ChangePassword', { userId: string; passwordHash: string; keptSessionId?: string }>;
export type DeleteUser = Command<'DeleteUser', { userId: string }>;
export type UserCommand = CreateUser | UpdateUser | ChangePassword | DeleteUser;

export type UserState =
  | { status: 'absent' }
  | { status: 'active'; userId: string; name: string; accountId: string; enabled: boolean; description: string };

/** A new user's stream: names are unique per account, so the stream is keyed by both. */
export const userStreamOf = (accountId: string, name: string): string => `${IdentityStreams.user}${accountId}.${name}`;

/** IAM-style user names: letters, digits, spaces and `-_.`, 1–64 characters, not starting with a digit or space. */
const USER_NAME = /^[A-Za-z_.-][A-Za-z0-9 _.-]{0,63}$/;

const requireUser = (state: UserState, userId: string): Extract<UserState, { status: 'active' }> => {
  // Streams are keyed by (account and) name; a command naming another user id (a deleted and re-created name) misses.
  if (state.status !== 'active' || state.userId !== userId) throw new DomainError('IDENTITY.USER_NOT_FOUND', { userId });
  return state;
};

export const userDecider: Decider<UserState, UserCommand, UserEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'UserCreated':
        return {
          status: 'active',
          userId: event.data.userId,
          name: event.data.name,
          accountId: event.data.accountId,
          enabled: event.data.enabled ?? true,
          description: event.data.description ?? '',
        };
      case 'UserUpdated':
        return state.status === 'active' ? { ...state, enabled: event.data.enabled, description: event.data.description } : state;
      case 'PasswordChanged':
      case 'UserSessionsEnded':
        return state;
      case 'UserDeleted':
        return { status: 'absent' };
    }
  },
  decide: (command, state) => {
    const now = command.metadata.now;
    switch (command.type) {
      case 'CreateUser': {
        const { nameTakenInAccount, ...user } = command.data;
        if (!USER_NAME.test(user.name)) throw new DomainError('IDENTITY.INVALID_USER_NAME', { name: user.name });
        // The stream guards concurrent creates; the account's read model also knows users from before
        // names were per account, whose streams are keyed by name alone.
        if (state.status === 'active' || nameTakenInAccount) throw new DomainError('IDENTITY.USER_ALREADY_EXISTS', { name: user.name });
        return [{ type: 'UserCreated', data: { ...user, createdAt: now } }];
      }
      case 'UpdateUser': {
        const user = requireUser(state, command.data.userId);
        const enabled = command.data.enabled ?? user.enabled;
        const description = command.data.description ?? user.description;
        const updated: UserEvent = { type: 'UserUpdated', data: { userId: user.userId, name: user.name, enabled, description, updatedAt: now } };
        const disabling = user.enabled && !enabled;
        return disabling ? [updated, { type: 'UserSessionsEnded', data: { userId: user.userId, name: user.name, endedAt: now } }] : [updated];
      }
      case 'ChangePassword': {
        const user = requireUser(state, command.data.userId);
        const { passwordHash, keptSessionId } = command.data;
        return [
          { type: 'PasswordChanged', data: { userId: user.userId, name: user.name, passwordHash, changedAt: now } },
          { type: 'UserSessionsEnded', data: { userId: user.userId, name: user.name, endedAt: now, ...(keptSessionId ? { keptSessionId } : {}) } },
        ];
      }
      case 'DeleteUser': {
        const user = requireUser(state, command.data.userId);
        return [{ type: 'UserDeleted', data: { userId: user.userId, name: user.name, accountId: user.accountId, deletedAt: now } }];
      }
    }
  },
};

import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';

export type AccountCreated = Event<'AccountCreated', { accountId: string; name: string; system: boolean; description?: string; createdAt: string }>;
export type AccountDeleted = Event<'AccountDeleted', { accountId: string; name: string; deletedAt: string }>;
export type AccountEvent = AccountCreated | AccountDeleted;

export type CreateAccount = Command<'CreateAccount', { accountId: string; name: string; system: boolean; description?: string }>;
export type DeleteAccount = Command<'DeleteAccount', { accountId: string }>;
export type AccountCommand = CreateAccount | DeleteAccount;

export type AccountState = { status: 'absent' } | { status: 'active'; accountId: string; name: string; system: boolean };

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'AccountCreated':
        return { status: 'active', accountId: event.data.accountId, name: event.data.name, system: event.data.system };
      case 'AccountDeleted':
        return { status: 'absent' };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'CreateAccount': {
        const { accountId, name, system, description } = command.data;
        if (!ACCOUNT_NAME.test(name)) throw new DomainError('PLATFORM.VALIDATION_FAILED', { path: 'name', reason: 'invalid account name' });
        if (state.status === 'active') throw new DomainError('IDENTITY.ACCOUNT_ALREADY_EXISTS', { name });
        return [{ type: 'AccountCreated', data: { accountId, name, system, ...(description !== undefined ? { description } : {}), createdAt: command.metadata.now } }];
      }
      case 'DeleteAccount': {
        if (state.status !== 'active' || state.accountId !== command.data.accountId) throw new DomainError('IDENTITY.ACCOUNT_NOT_FOUND', { accountId: command.data.accountId });
        if (state.system) throw new DomainError('IDENTITY.FORBIDDEN', { reason: 'the installation account cannot be deleted' });
        return [{ type: 'AccountDeleted', data: { accountId: state.accountId, name: state.name, deletedAt: command.metadata.now } }];
      }
    }
  },
};

import { DomainError } from '@wharf/contracts';
import type { Command, Decider, Event } from '@wharf/event-store';

export type AccountCreated = Event<'AccountCreated', { accountId: string; name: string; system: boolean; createdAt: string }>;
export type AccountEvent = AccountCreated;

export type CreateAccount = Command<'CreateAccount', { accountId: string; name: string; system: boolean }>;
export type AccountCommand = CreateAccount;

export type AccountState = { status: 'absent' } | { status: 'active'; accountId: string; name: string; system: boolean };

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: () => ({ status: 'absent' }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'AccountCreated':
        return { status: 'active', accountId: event.data.accountId, name: event.data.name, system: event.data.system };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'CreateAccount': {
        const { accountId, name, system } = command.data;
        if (!ACCOUNT_NAME.test(name)) throw new DomainError('PLATFORM.VALIDATION_FAILED', { path: 'name', reason: 'invalid account name' });
        if (state.status === 'active') throw new DomainError('IDENTITY.ACCOUNT_ALREADY_EXISTS', { name });
        return [{ type: 'AccountCreated', data: { accountId, name, system, createdAt: command.metadata.now } }];
      }
    }
  },
};

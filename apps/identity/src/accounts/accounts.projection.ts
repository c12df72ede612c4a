import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import type { AccountEvent } from './account.decider';

export interface AccountDocument {
  id: string;
  accountId: string;
  name: string;
  system: boolean;
  description: string;
  createdAt: string;
  [field: string]: unknown;
}

/** Accounts by name. */
export const accountsProjection: Projection<AccountDocument, AccountEvent> = {
  name: 'accounts',
  version: 2,
  streamPrefixes: [IdentityStreams.account],
  indexes: [['accountId']],
  documentIds: (event) => [event.data.name],
  evolve: (_doc, event) => {
    switch (event.type) {
      case 'AccountCreated': {
        const { accountId, name, system, description, createdAt } = event.data;
        return { id: name, accountId, name, system, description: description ?? '', createdAt };
      }
      case 'AccountDeleted':
        return null;
    }
  },
};

import { RepositoryStreams } from '@wharf/contracts/catalog';
import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import { z } from 'zod';

/** Users by id, from identity's published user events: grantees must exist in the target's account. */
export interface DirectoryUserDocument {
  id: string;
  name: string;
  accountId: string;
  [field: string]: unknown;
}

const UserFacts = z.object({ userId: z.string(), name: z.string(), accountId: z.string() });

export const directoryUsersProjection: Projection<DirectoryUserDocument> = {
  name: 'directory_users',
  version: 1,
  streamPrefixes: [IdentityStreams.user],
  documentIds: (event) => {
    const parsed = UserFacts.safeParse(event.data);
    return parsed.success && (event.type === 'UserCreated' || event.type === 'UserDeleted') ? [parsed.data.userId] : [];
  },
  evolve: (_doc, event) => {
    const { userId, name, accountId } = UserFacts.parse(event.data);
    return event.type === 'UserCreated' ? { id: userId, name, accountId } : null;
  },
};

/** Repositories that exist, from catalog's published repository events: permissions need a real target. */
export interface DirectoryRepositoryDocument {
  id: string;
  namespace: string;
  [field: string]: unknown;
}

const RepositoryFacts = z.object({ repository: z.string() });

export const directoryRepositoriesProjection: Projection<DirectoryRepositoryDocument> = {
  name: 'directory_repositories',
  version: 1,
  streamPrefixes: [RepositoryStreams.repository],
  documentIds: (event) => (event.type === 'RepositoryCreated' || event.type === 'RepositoryDeleted' ? [RepositoryFacts.parse(event.data).repository] : []),
  evolve: (_doc, event) => {
    const { repository } = RepositoryFacts.parse(event.data);
    return event.type === 'RepositoryCreated' ? { id: repository, namespace: repository.slice(0, repository.indexOf('/')) } : null;
  },
};

/** Accounts by name, from identity's published account events: shares name the account they go to. */
export interface DirectoryAccountDocument {
  id: string;
  accountId: string;
  [field: string]: unknown;
}

const AccountFacts = z.object({ accountId: z.string(), name: z.string() });

export const directoryAccountsProjection: Projection<DirectoryAccountDocument> = {
  name: 'directory_accounts',
  version: 1,
  streamPrefixes: [IdentityStreams.account],
  documentIds: (event) => (event.type === 'AccountCreated' || event.type === 'AccountDeleted' ? [AccountFacts.parse(event.data).name] : []),
  evolve: (_doc, event) => {
    const { accountId, name } = AccountFacts.parse(event.data);
    return event.type === 'AccountCreated' ? { id: name, accountId } : null;
  },
};

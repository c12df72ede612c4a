import { RepositoryStreams } from '@wharf/contracts/catalog';
import { IdentityStreams } from '@wharf/contracts/identity';
import type { Projection } from '@wharf/read-model';
import { z } from 'zod';
import type { TargetIdentity } from '../target-identity';

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

/**
 * Repositories that exist, which repository holds each name now, and whether it is public, from catalog's
 * published repository events: permissions need a real target, shares and grants the identity they were made
 * on, and a public repository may be pulled by anyone.
 */
export interface DirectoryRepositoryDocument {
  id: string;
  namespace: string;
  isPublic: boolean;
  /** Catalog's integer id of the repository; absent for repositories created before catalog numbered them. */
  repositoryId?: number;
  createdAt: string;
  [field: string]: unknown;
}

const RepositoryFacts = z.object({ repository: z.string(), isPublic: z.boolean().optional() });
const RepositoryCreatedFacts = RepositoryFacts.extend({ id: z.number().optional(), createdAt: z.string() });
const REPOSITORY_EVENTS = ['RepositoryCreated', 'RepositoryUpdated', 'RepositoryDeleted'];

export const directoryRepositoriesProjection: Projection<DirectoryRepositoryDocument> = {
  name: 'directory_repositories',
  version: 3,
  streamPrefixes: [RepositoryStreams.repository],
  documentIds: (event) => (REPOSITORY_EVENTS.includes(event.type) ? [RepositoryFacts.parse(event.data).repository] : []),
  evolve: (doc, event) => {
    switch (event.type) {
      case 'RepositoryCreated': {
        const { repository, isPublic, id, createdAt } = RepositoryCreatedFacts.parse(event.data);
        return {
          id: repository,
          namespace: repository.slice(0, repository.indexOf('/')),
          isPublic: isPublic ?? false,
          ...(id !== undefined ? { repositoryId: id } : {}),
          createdAt,
        };
      }
      case 'RepositoryUpdated': {
        const { isPublic } = RepositoryFacts.parse(event.data);
        return doc ? { ...doc, isPublic: isPublic ?? doc.isPublic } : null;
      }
      default:
        return null;
    }
  },
};

/** The identity of the repository a directory document describes. */
export const repositoryIdentity = (doc: DirectoryRepositoryDocument | null | undefined): TargetIdentity | null =>
  doc ? { id: doc.repositoryId, createdAt: doc.createdAt } : null;

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

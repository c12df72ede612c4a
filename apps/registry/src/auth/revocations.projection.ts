import { AccessStreams } from '@wharf/contracts/access';
import { CatalogStreams, RepositoryStreams } from '@wharf/contracts/catalog';
import { IdentityStreams, SelectelTokenStreams } from '@wharf/contracts/identity';
import type { Event, RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';

/**
 * The identity, access and catalog events after which registry tokens issued earlier no longer hold. Only the fields
 * read here are named: the events themselves belong to identity and access.
 */
export type RevokingEvent =
  | Event<'UserDeleted', { userId: string; deletedAt: string }>
  | Event<'UserSessionsEnded', { userId: string; endedAt: string }>
  | Event<'SelectelTokenUpdated', { tokenId: string; updatedAt: string }>
  | Event<'SelectelTokenRegenerated', { tokenId: string; regeneratedAt: string }>
  | Event<'SelectelTokenRevoked', { tokenId: string; revokedAt: string }>
  | Event<'SelectelTokenDeleted', { tokenId: string; deletedAt: string }>
  | Event<'PermissionsUpdated', { kind: 'namespace' | 'repository'; name: string; grants: { userId: string }[]; updatedAt: string }>
  | Event<'PermissionsRevoked', { kind: 'namespace' | 'repository'; name: string; userIds: string[]; revokedAt: string }>
  | Event<'ShareUpdated', { repository: string; accessAccountId: string; updatedAt: string }>
  | Event<'ShareRemoved', { repository: string; accessAccountId: string; removedAt: string }>
  | Event<'RepositoryUpdated', { repository: string; isPublic: boolean; updatedAt: string }>
  | Event<'RepositoryDeleted', { repository: string; deletedAt: string }>
  | Event<'NamespaceCreated', { name: string; createdAt: string }>
  | Event<'NamespaceDeleted', { name: string; deletedAt: string }>;

/** A point in time: registry tokens issued at or before it are refused for what the document's id names. */
export interface RevocationDocument {
  id: string;
  revokedAt: string;
  [field: string]: unknown;
}

/** Document ids: a principal (user id, or `token:<id>` for a Selectel token), or a principal's grants on a name. */
export const RevocationIds = {
  principal: (userId: string) => `principal:${userId}`,
  /** A user's grants on an organization or repository (SWR permissions). */
  grant: (userId: string, name: string) => `grant:${userId}:${name}`,
  /** An account's share of a repository. */
  share: (accountId: string, repository: string) => `share:${accountId}:${repository}`,
  /** A repository's public pull, for every caller. */
  publicAccess: (repository: string) => `public:${repository}`,
  /** Everything on a repository name, for every caller: the repository of that name was deleted. */
  repository: (repository: string) => `repository:${repository}`,
  /** Everything on the repositories of an organization name: it was deleted or created (again, perhaps by another account). */
  namespace: (namespace: string) => `namespace:${namespace}`,
};

/** Selectel tokens log in as the principal `token:<id>`. */
const tokenPrincipal = (tokenId: string) => RevocationIds.principal(`token:${tokenId}`);

const revocationOf = (event: RecordedEvent<RevokingEvent>): { ids: string[]; at: string } => {
  switch (event.type) {
    case 'UserDeleted':
      return { ids: [RevocationIds.principal(event.data.userId)], at: event.data.deletedAt };
    case 'UserSessionsEnded':
      return { ids: [RevocationIds.principal(event.data.userId)], at: event.data.endedAt };
    case 'SelectelTokenUpdated':
      return { ids: [tokenPrincipal(event.data.tokenId)], at: event.data.updatedAt };
    case 'SelectelTokenRegenerated':
      return { ids: [tokenPrincipal(event.data.tokenId)], at: event.data.regeneratedAt };
    case 'SelectelTokenRevoked':
      return { ids: [tokenPrincipal(event.data.tokenId)], at: event.data.revokedAt };
    case 'SelectelTokenDeleted':
      return { ids: [tokenPrincipal(event.data.tokenId)], at: event.data.deletedAt };
    case 'PermissionsUpdated':
      return { ids: event.data.grants.map(({ userId }) => RevocationIds.grant(userId, event.data.name)), at: event.data.updatedAt };
    case 'PermissionsRevoked':
      return { ids: event.data.userIds.map((userId) => RevocationIds.grant(userId, event.data.name)), at: event.data.revokedAt };
    case 'ShareUpdated':
      return { ids: [RevocationIds.share(event.data.accessAccountId, event.data.repository)], at: event.data.updatedAt };
    case 'ShareRemoved':
      return { ids: [RevocationIds.share(event.data.accessAccountId, event.data.repository)], at: event.data.removedAt };
    case 'RepositoryUpdated':
      return event.data.isPublic ? { ids: [], at: '' } : { ids: [RevocationIds.publicAccess(event.data.repository)], at: event.data.updatedAt };
    case 'RepositoryDeleted':
      return { ids: [RevocationIds.repository(event.data.repository)], at: event.data.deletedAt };
    case 'NamespaceCreated':
      return { ids: [RevocationIds.namespace(event.data.name)], at: event.data.createdAt };
    case 'NamespaceDeleted':
      return { ids: [RevocationIds.namespace(event.data.name)], at: event.data.deletedAt };
    default:
      // Other events of these streams (grants, uses, creations) take nothing away. A repository's creation is no
      // revocation: a push creates it with the token it goes on pushing with, and a token from before the name was
      // last deleted is refused by that deletion.
      return { ids: [], at: '' };
  }
};

/** The latest revocation of each principal, grant and public repository: the registry's view of what was taken away. */
export const revocationsProjection: Projection<RevocationDocument, RevokingEvent> = {
  name: 'token_revocations',
  // 2: namespace creations and deletions, repository deletions.
  version: 2,
  streamPrefixes: [IdentityStreams.user, SelectelTokenStreams.token, AccessStreams.permissions, AccessStreams.shares, RepositoryStreams.repository, CatalogStreams.namespace],
  // Read by `id IN (…)`: SQLite serves it from the primary key, MongoDB needs this index (`_id` is not `id`).
  indexes: [['id']],
  documentIds: (event) => revocationOf(event).ids,
  evolve: (doc, event, id) => {
    const { at } = revocationOf(event);
    return { id, revokedAt: doc && doc.revokedAt > at ? doc.revokedAt : at };
  },
};

import type { ManifestFacts, Namespace } from '@wharf/contracts/catalog';
import type { Event } from '@wharf/event-store';

/**
 * The catalog events lifecycle's views are built from, as catalog records them on its namespace and repository
 * streams: only the fields lifecycle reads. Event types are never renamed and their fields only ever added to,
 * so this subset stays valid.
 */
export type NamespaceCreated = Event<'NamespaceCreated', Namespace>;
export type NamespaceDeleted = Event<'NamespaceDeleted', { id: number; name: string; accountId: string; deletedAt: string }>;
export type NamespaceFact = NamespaceCreated | NamespaceDeleted;

export type BlobLinked = Event<'BlobLinked', { repository: string; digest: string; size: number; linkedAt: string }>;
export type BlobLinkRefreshed = Event<'BlobLinkRefreshed', { repository: string; digest: string; refreshedAt: string }>;
export type BlobUnlinked = Event<'BlobUnlinked', { repository: string; digest: string; size: number; unlinkedAt: string }>;
export type ManifestPushed = Event<'ManifestPushed', { repository: string; manifest: ManifestFacts; pushedAt: string }>;
export type TagPointed = Event<'TagPointed', { repository: string; tag: string; digest: string; previous?: string }>;
export type TagDeleted = Event<'TagDeleted', { repository: string; tag: string; digest: string }>;
export type ManifestDeleted = Event<'ManifestDeleted', { repository: string; digest: string; size: number; tags: string[] }>;
/** Everything the repository held goes with it: its tags, manifests and blob links. */
export type RepositoryDeleted = Event<'RepositoryDeleted', { repository: string; tags: string[]; manifests: string[]; blobs: string[] }>;
export type RepositoryFact = BlobLinked | BlobLinkRefreshed | BlobUnlinked | ManifestPushed | TagPointed | TagDeleted | ManifestDeleted | RepositoryDeleted;

/** A repository's namespace: the first segment of its full name (namespace names never contain `/`). */
export const namespaceOf = (repository: string): string => repository.slice(0, repository.indexOf('/'));

import { DomainError } from '@wharf/contracts';
import type { ManifestFacts } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { Command, Decider, Event } from '@wharf/event-store';
import { isValidRepositoryName, isValidTag, splitRepositoryName } from '@wharf/oci';

export type RepositoryCreated = Event<
  'RepositoryCreated',
  { repository: string; namespace: string; accountId: string; creatorId: string; creatorName: string; createdAt: string }
>;
export type BlobLinked = Event<'BlobLinked', { repository: string; digest: string; size: number; linkedAt: string }>;
export type BlobUnlinked = Event<'BlobUnlinked', { repository: string; digest: string; size: number; unlinkedAt: string }>;
export type ManifestPushed = Event<'ManifestPushed', { repository: string; manifest: ManifestFacts; pushedAt: string }>;
export type TagPointed = Event<'TagPointed', { repository: string; tag: string; digest: string; previous?: string; taggedAt: string }>;
export type TagDeleted = Event<'TagDeleted', { repository: string; tag: string; digest: string; deletedAt: string }>;
export type ManifestDeleted = Event<'ManifestDeleted', { repository: string; digest: string; size: number; tags: string[]; deletedAt: string }>;
export type RepositoryEvent = RepositoryCreated | BlobLinked | BlobUnlinked | ManifestPushed | TagPointed | TagDeleted | ManifestDeleted;

/** The namespace a push lands in, looked up by the handler: a repository is created inside an existing one. */
export interface NamespaceRef {
  name: string;
  accountId: string;
}

interface Meta {
  actor: Principal;
  namespace: NamespaceRef | null;
}
export type LinkBlob = Command<'LinkBlob', Meta & { repository: string; digest: string; size: number }>;
export type UnlinkBlob = Command<'UnlinkBlob', { repository: string; digest: string }>;
export type PushManifest = Command<'PushManifest', Meta & { repository: string; manifest: ManifestFacts; tag?: string }>;
export type DeleteTag = Command<'DeleteTag', { repository: string; tag: string }>;
export type DeleteManifest = Command<'DeleteManifest', { repository: string; digest: string }>;
export type RepositoryCommand = LinkBlob | UnlinkBlob | PushManifest | DeleteTag | DeleteManifest;

interface ManifestState {
  size: number;
  children: string[];
}

export interface RepositoryState {
  exists: boolean;
  blobs: Map<string, number>;
  manifests: Map<string, ManifestState>;
  tags: Map<string, string>;
  /** child manifest digest → digests of the indexes in this repository that list it. */
  parents: Map<string, Set<string>>;
}

export const initialState = (): RepositoryState => ({ exists: false, blobs: new Map(), manifests: new Map(), tags: new Map(), parents: new Map() });

/** Updates the maps in place: a state belongs to the one fold that builds it, which keeps long streams cheap. */
export const evolve = (state: RepositoryState, event: RepositoryEvent): RepositoryState => {
  switch (event.type) {
    case 'RepositoryCreated':
      return { ...state, exists: true };
    case 'BlobLinked':
      state.blobs.set(event.data.digest, event.data.size);
      return state;
    case 'BlobUnlinked':
      state.blobs.delete(event.data.digest);
      return state;
    case 'ManifestPushed': {
      const { digest, size, children } = event.data.manifest;
      state.manifests.set(digest, { size, children });
      for (const child of children) state.parents.set(child, new Set([...(state.parents.get(child) ?? []), digest]));
      return state;
    }
    case 'TagPointed':
      state.tags.set(event.data.tag, event.data.digest);
      return state;
    case 'TagDeleted':
      state.tags.delete(event.data.tag);
      return state;
    case 'ManifestDeleted': {
      const { digest } = event.data;
      for (const child of state.manifests.get(digest)?.children ?? []) state.parents.get(child)?.delete(digest);
      state.manifests.delete(digest);
      for (const [tag, target] of state.tags) if (target === digest) state.tags.delete(tag);
      return state;
    }
    default:
      return state;
  }
};

/** A push into a repository that does not exist yet creates it, inside its namespace. */
const creation = (command: LinkBlob | PushManifest, state: RepositoryState): RepositoryCreated[] => {
  if (state.exists) return [];
  const { repository, namespace, actor } = command.data;
  if (!isValidRepositoryName(repository) || !splitRepositoryName(repository)) {
    throw new DomainError('CATALOG.INVALID_REPOSITORY_NAME', { repository });
  }
  const expected = splitRepositoryName(repository)!.namespace;
  if (!namespace || namespace.name !== expected) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name: expected });
  return [
    {
      type: 'RepositoryCreated',
      data: {
        repository,
        namespace: namespace.name,
        accountId: namespace.accountId,
        creatorId: actor.userId,
        creatorName: actor.userName,
        createdAt: command.metadata.now,
      },
    },
  ];
};

const requireRepository = (state: RepositoryState, repository: string): void => {
  if (!state.exists) throw new DomainError('CATALOG.REPOSITORY_NOT_FOUND', { repository });
};

export const decide = (command: RepositoryCommand, state: RepositoryState): RepositoryEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'LinkBlob': {
      const { repository, digest, size } = command.data;
      const created = creation(command, state);
      if (state.blobs.has(digest)) return created;
      return [...created, { type: 'BlobLinked', data: { repository, digest, size, linkedAt: now } }];
    }
    case 'UnlinkBlob': {
      const { repository, digest } = command.data;
      requireRepository(state, repository);
      const size = state.blobs.get(digest);
      if (size === undefined) throw new DomainError('CATALOG.BLOB_NOT_LINKED', { repository, digest });
      return [{ type: 'BlobUnlinked', data: { repository, digest, size, unlinkedAt: now } }];
    }
    case 'PushManifest': {
      const { repository, manifest, tag } = command.data;
      if (tag !== undefined && !isValidTag(tag)) throw new DomainError('CATALOG.INVALID_TAG', { tag });
      const created = creation(command, state);
      const missingBlob = manifest.blobs.find((digest) => !state.blobs.has(digest));
      if (missingBlob) throw new DomainError('CATALOG.MANIFEST_BLOB_UNKNOWN', { digest: missingBlob });
      const missingChild = manifest.children.find((digest) => !state.manifests.has(digest));
      if (missingChild) throw new DomainError('CATALOG.MANIFEST_BLOB_UNKNOWN', { digest: missingChild });
      const events: RepositoryEvent[] = [...created];
      if (!state.manifests.has(manifest.digest)) events.push({ type: 'ManifestPushed', data: { repository, manifest, pushedAt: now } });
      const previous = tag === undefined ? undefined : state.tags.get(tag);
      if (tag !== undefined && previous !== manifest.digest) {
        events.push({ type: 'TagPointed', data: { repository, tag, digest: manifest.digest, ...(previous ? { previous } : {}), taggedAt: now } });
      }
      return events;
    }
    case 'DeleteTag': {
      const { repository, tag } = command.data;
      requireRepository(state, repository);
      const digest = state.tags.get(tag);
      if (!digest) throw new DomainError('CATALOG.TAG_NOT_FOUND', { repository, tag });
      return [{ type: 'TagDeleted', data: { repository, tag, digest, deletedAt: now } }];
    }
    case 'DeleteManifest': {
      const { repository, digest } = command.data;
      requireRepository(state, repository);
      const manifest = state.manifests.get(digest);
      if (!manifest) throw new DomainError('CATALOG.MANIFEST_NOT_FOUND', { repository, digest });
      const [index] = state.parents.get(digest) ?? [];
      if (index) throw new DomainError('CATALOG.MANIFEST_REFERENCED', { repository, digest, index });
      const tags = [...state.tags].filter(([, target]) => target === digest).map(([tag]) => tag).sort();
      return [{ type: 'ManifestDeleted', data: { repository, digest, size: manifest.size, tags, deletedAt: now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const repositoryDecider: Decider<RepositoryState, RepositoryCommand, RepositoryEvent> = { decide, evolve, initialState };

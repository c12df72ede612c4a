import { DomainError } from '@wharf/contracts';
import type { AuthLevel, DeclaredSize, ManifestFacts } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import type { Command, Decider, Event } from '@wharf/event-store';
import { isValidRepositoryName, isValidTag, splitRepositoryName } from '@wharf/oci';
import { collectableGarbage } from './repository-garbage';

/** What the management APIs say about a repository besides its content. */
export interface RepositorySettings {
  category: string;
  description: string;
  isPublic: boolean;
}

export type RepositoryCreated = Event<
  'RepositoryCreated',
  {
    repository: string;
    /** SWR's integer repository id. */
    id: number;
    namespace: string;
    namespaceId: number;
    accountId: string;
    creatorId: string;
    creatorName: string;
    createdAt: string;
  } & Partial<RepositorySettings>
>;
export type RepositoryUpdated = Event<'RepositoryUpdated', { repository: string; updatedAt: string } & RepositorySettings>;
/** Everything the repository held goes with it: the lists let read models drop their documents. */
export type RepositoryDeleted = Event<'RepositoryDeleted', { repository: string; tags: string[]; manifests: string[]; blobs: string[]; deletedAt: string }>;
export type BlobLinked = Event<'BlobLinked', { repository: string; digest: string; size: number; linkedAt: string }>;
export type BlobUnlinked = Event<'BlobUnlinked', { repository: string; digest: string; size: number; unlinkedAt: string }>;
/** A linked blob was uploaded or mounted again: garbage collection counts the link's age from now. */
export type BlobLinkRefreshed = Event<'BlobLinkRefreshed', { repository: string; digest: string; refreshedAt: string }>;
export type ManifestPushed = Event<'ManifestPushed', { repository: string; manifest: ManifestFacts; pushedAt: string }>;
/** A tag now names a manifest; the image's facts travel along so tag listings need nothing else. */
export type TagPointed = Event<
  'TagPointed',
  {
    repository: string;
    tag: string;
    digest: string;
    previous?: string;
    mediaType: string;
    /** Bytes of the manifest and everything it references. */
    imageSize: number;
    configDigest?: string;
    content?: string;
    taggedAt: string;
  }
>;
/** `retentionRunId`: the retention run that untagged it (absent for every other delete). */
export type TagDeleted = Event<'TagDeleted', { repository: string; tag: string; digest: string; deletedAt: string; retentionRunId?: string }>;
export type ManifestDeleted = Event<'ManifestDeleted', { repository: string; digest: string; size: number; tags: string[]; deletedAt: string }>;
/** `digests`: the manifests pulled in the batch (absent in events from before they were reported). */
export type PullsRecorded = Event<'PullsRecorded', { repository: string; count: number; recordedAt: string; digests?: string[] }>;
export type RepositoryEvent =
  | RepositoryCreated
  | RepositoryUpdated
  | RepositoryDeleted
  | BlobLinked
  | BlobUnlinked
  | BlobLinkRefreshed
  | ManifestPushed
  | TagPointed
  | TagDeleted
  | ManifestDeleted
  | PullsRecorded;

/** The namespace a repository lives in, looked up by the handler. */
export interface NamespaceRef {
  name: string;
  id: number;
  accountId: string;
  creatorId: string;
  /** The namespace is being deleted (a Selectel registry delete): nothing new may be created in it. */
  deleting?: boolean;
}

/** A data-plane write: who writes, and the namespace the repository lives in now. */
interface DataPlaneWrite {
  actor: Principal;
  namespace: NamespaceRef | null;
}
/** A new repository's id, reserved by the handler in case the command creates it. */
interface Creation extends DataPlaneWrite {
  newId: number;
}
/** Management commands carry the caller's level on the repository, as access reckons it. */
interface Managed {
  actor: Principal;
  namespace: NamespaceRef | null;
  repository: string;
  auth: AuthLevel | null;
}
export type CreateRepository = Command<'CreateRepository', Managed & { newId: number } & RepositorySettings>;
export type UpdateRepository = Command<'UpdateRepository', Managed & RepositorySettings>;
export type DeleteRepository = Command<'DeleteRepository', Managed>;
export type LinkBlob = Command<'LinkBlob', Creation & { repository: string; digest: string; size: number }>;
export type UnlinkBlob = Command<'UnlinkBlob', DataPlaneWrite & { repository: string; digest: string }>;
/** `declaredSizes`: what the manifest's descriptors say their blobs and children weigh (absent in commands from before it was checked). */
export type PushManifest = Command<'PushManifest', Creation & { repository: string; manifest: ManifestFacts; tag?: string; declaredSizes?: DeclaredSize[] }>;
export type DeleteTag = Command<'DeleteTag', DataPlaneWrite & { repository: string; tag: string }>;
export type DeleteManifest = Command<'DeleteManifest', DataPlaneWrite & { repository: string; digest: string }>;
export type RecordPulls = Command<'RecordPulls', { repository: string; count: number; digests?: string[] }>;
/**
 * Retention's untagging: each tag goes only if it still names `digest` and was pointed there at or before
 * `taggedBefore` (the run's start), so a tag pushed or moved since the run looked stays.
 */
export type RetireTags = Command<'RetireTags', DataPlaneWrite & { repository: string; runId: string; tags: { tag: string; digest: string }[]; taggedBefore: string }>;
/** Garbage collection's candidates, deleted only if they are still garbage now (see repository-garbage.ts). */
export type CollectGarbage = Command<'CollectGarbage', { repository: string; manifests: string[]; blobs: string[]; protectedAfter: string }>;
export type RepositoryCommand =
  | CreateRepository
  | UpdateRepository
  | DeleteRepository
  | LinkBlob
  | UnlinkBlob
  | PushManifest
  | DeleteTag
  | DeleteManifest
  | RecordPulls
  | RetireTags
  | CollectGarbage;

export interface ManifestState {
  size: number;
  pushedAt: string;
  subject?: string;
  mediaType: string;
  blobs: string[];
  children: string[];
  configDigest?: string;
  content?: string;
}

export interface RepositoryState {
  exists: boolean;
  blobs: Map<string, number>;
  /** When each blob was linked, or last linked again. */
  linkedAt: Map<string, string>;
  manifests: Map<string, ManifestState>;
  tags: Map<string, string>;
  /** When each tag was pointed at the manifest it names. */
  taggedAt: Map<string, string>;
  /** child manifest digest → digests of the indexes in this repository that list it. */
  parents: Map<string, Set<string>>;
}

export const initialState = (): RepositoryState => ({
  exists: false,
  blobs: new Map(),
  linkedAt: new Map(),
  manifests: new Map(),
  tags: new Map(),
  taggedAt: new Map(),
  parents: new Map(),
});

/** Updates the maps in place: a state belongs to the one fold that builds it, which keeps long streams cheap. */
export const evolve = (state: RepositoryState, event: RepositoryEvent): RepositoryState => {
  switch (event.type) {
    case 'RepositoryCreated':
      return { ...state, exists: true };
    case 'RepositoryDeleted':
      // The name can be used again; nothing of the old repository carries over.
      return initialState();
    case 'BlobLinked':
      state.blobs.set(event.data.digest, event.data.size);
      state.linkedAt.set(event.data.digest, event.data.linkedAt);
      return state;
    case 'BlobLinkRefreshed':
      state.linkedAt.set(event.data.digest, event.data.refreshedAt);
      return state;
    case 'BlobUnlinked':
      state.blobs.delete(event.data.digest);
      state.linkedAt.delete(event.data.digest);
      return state;
    case 'ManifestPushed': {
      const { digest, size, mediaType, blobs, children, subject, configDigest, content } = event.data.manifest;
      state.manifests.set(digest, {
        size,
        pushedAt: event.data.pushedAt,
        mediaType,
        blobs,
        children,
        ...(subject ? { subject } : {}),
        ...(configDigest ? { configDigest } : {}),
        ...(content ? { content } : {}),
      });
      for (const child of children) state.parents.set(child, new Set([...(state.parents.get(child) ?? []), digest]));
      return state;
    }
    case 'TagPointed':
      state.tags.set(event.data.tag, event.data.digest);
      state.taggedAt.set(event.data.tag, event.data.taggedAt);
      return state;
    case 'TagDeleted':
      state.tags.delete(event.data.tag);
      state.taggedAt.delete(event.data.tag);
      return state;
    case 'ManifestDeleted': {
      const { digest } = event.data;
      for (const child of state.manifests.get(digest)?.children ?? []) state.parents.get(child)?.delete(digest);
      state.manifests.delete(digest);
      for (const [tag, target] of state.tags) {
        if (target !== digest) continue;
        state.tags.delete(tag);
        state.taggedAt.delete(tag);
      }
      return state;
    }
    default:
      return state;
  }
};

const namespaceOf = (repository: string): string => {
  if (!isValidRepositoryName(repository) || !splitRepositoryName(repository)) throw new DomainError('CATALOG.INVALID_REPOSITORY_NAME', { repository });
  return splitRepositoryName(repository)!.namespace;
};

const requireNamespace = (repository: string, namespace: NamespaceRef | null): NamespaceRef => {
  const expected = namespaceOf(repository);
  if (!namespace || namespace.name !== expected) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name: expected });
  return namespace;
};

/**
 * Creating and changing a repository takes edit (3), deleting it manage (7); another account's namespace does
 * not exist for the caller.
 */
const requireLevel = (command: { data: Managed }, minimum: AuthLevel): void => {
  const namespace = requireNamespace(command.data.repository, command.data.namespace);
  if (command.data.actor.accountId !== namespace.accountId) throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name: namespace.name });
  if ((command.data.auth ?? 0) < minimum) throw new DomainError('CATALOG.NAMESPACE_FORBIDDEN', { name: namespace.name });
};

/**
 * Writes through the registry are authorized by a token alone, which can name a repository whose namespace was
 * deleted and created again by another account since it was issued. Shares are pull only, so no legitimate write
 * crosses accounts: one that would is refused.
 */
const requireOwnAccount = (command: { data: DataPlaneWrite & { repository: string } }): void => {
  const { actor, namespace, repository } = command.data;
  if (namespace && namespace.accountId !== actor.accountId) throw new DomainError('CATALOG.WRITE_TO_ANOTHER_ACCOUNT', { repository });
};

const created = (command: Command<string, Creation & { repository: string } & Partial<RepositorySettings>> | CreateRepository): RepositoryCreated => {
  const { repository, actor, newId, category, description, isPublic } = command.data;
  const namespace = requireNamespace(repository, command.data.namespace);
  if (namespace.deleting) throw new DomainError('CATALOG.REGISTRY_DELETING', { name: namespace.name });
  return {
    type: 'RepositoryCreated',
    data: {
      repository,
      id: newId,
      namespace: namespace.name,
      namespaceId: namespace.id,
      accountId: namespace.accountId,
      creatorId: actor.userId,
      creatorName: actor.userName,
      createdAt: command.metadata.now,
      ...(category !== undefined ? { category } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(isPublic !== undefined ? { isPublic } : {}),
    },
  };
};

/** A push into a repository that does not exist yet creates it, inside its namespace. */
const creationFor = (command: LinkBlob | PushManifest, state: RepositoryState): RepositoryCreated[] => (state.exists ? [] : [created(command)]);

const requireRepository = (state: RepositoryState, repository: string): void => {
  if (!state.exists) throw new DomainError('CATALOG.REPOSITORY_NOT_FOUND', { repository });
};

/** The bytes of an image: its manifest, the blobs it references and, for an index, its children. */
const imageSize = (state: RepositoryState, manifest: Pick<ManifestState, 'size' | 'blobs' | 'children'>, seen = new Set<string>()): number => {
  const blobs = manifest.blobs.reduce((sum, blob) => sum + (state.blobs.get(blob) ?? 0), 0);
  const children = manifest.children.reduce((sum, child) => {
    const known = state.manifests.get(child);
    if (!known || seen.has(child)) return sum;
    seen.add(child);
    return sum + imageSize(state, known, seen);
  }, 0);
  return manifest.size + blobs + children;
};

/** The size of a blob the repository links or a manifest it holds (the same bytes either way). */
const storedSize = (state: RepositoryState, digest: string): number | undefined => state.blobs.get(digest) ?? state.manifests.get(digest)?.size;

export const decide = (command: RepositoryCommand, state: RepositoryState): RepositoryEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'CreateRepository': {
      requireLevel(command, 3);
      if (state.exists) throw new DomainError('CATALOG.REPOSITORY_ALREADY_EXISTS', { repository: command.data.repository });
      return [created(command)];
    }
    case 'UpdateRepository': {
      const { repository, category, description, isPublic } = command.data;
      requireLevel(command, 3);
      requireRepository(state, repository);
      return [{ type: 'RepositoryUpdated', data: { repository, category, description, isPublic, updatedAt: now } }];
    }
    case 'DeleteRepository': {
      const { repository } = command.data;
      requireLevel(command, 7);
      requireRepository(state, repository);
      return [
        {
          type: 'RepositoryDeleted',
          data: { repository, tags: [...state.tags.keys()].sort(), manifests: [...state.manifests.keys()], blobs: [...state.blobs.keys()], deletedAt: now },
        },
      ];
    }
    case 'LinkBlob': {
      const { repository, digest, size } = command.data;
      requireOwnAccount(command);
      const creation = creationFor(command, state);
      if (state.blobs.has(digest)) return [...creation, { type: 'BlobLinkRefreshed', data: { repository, digest, refreshedAt: now } }];
      return [...creation, { type: 'BlobLinked', data: { repository, digest, size, linkedAt: now } }];
    }
    case 'UnlinkBlob': {
      const { repository, digest } = command.data;
      requireOwnAccount(command);
      requireRepository(state, repository);
      const size = state.blobs.get(digest);
      if (size === undefined) throw new DomainError('CATALOG.BLOB_NOT_LINKED', { repository, digest });
      return [{ type: 'BlobUnlinked', data: { repository, digest, size, unlinkedAt: now } }];
    }
    case 'PushManifest': {
      const { repository, manifest, tag } = command.data;
      requireOwnAccount(command);
      if (tag !== undefined && !isValidTag(tag)) throw new DomainError('CATALOG.INVALID_TAG', { tag });
      const creation = creationFor(command, state);
      const missingBlob = manifest.blobs.find((digest) => !state.blobs.has(digest));
      if (missingBlob) throw new DomainError('CATALOG.MANIFEST_BLOB_UNKNOWN', { digest: missingBlob });
      const missingChild = manifest.children.find((digest) => !state.manifests.has(digest));
      if (missingChild) throw new DomainError('CATALOG.MANIFEST_BLOB_UNKNOWN', { digest: missingChild });
      for (const { digest, size } of command.data.declaredSizes ?? []) {
        const stored = storedSize(state, digest);
        if (stored !== undefined && stored !== size) throw new DomainError('CATALOG.MANIFEST_SIZE_MISMATCH', { digest, declared: size, stored });
      }
      const events: RepositoryEvent[] = [...creation];
      if (!state.manifests.has(manifest.digest)) events.push({ type: 'ManifestPushed', data: { repository, manifest, pushedAt: now } });
      const previous = tag === undefined ? undefined : state.tags.get(tag);
      if (tag !== undefined && previous !== manifest.digest) {
        // A re-push of a known manifest keeps what was recorded first (its content included).
        const recorded = state.manifests.get(manifest.digest) ?? manifest;
        events.push({
          type: 'TagPointed',
          data: {
            repository,
            tag,
            digest: manifest.digest,
            ...(previous ? { previous } : {}),
            mediaType: recorded.mediaType,
            imageSize: imageSize(state, recorded),
            ...(recorded.configDigest ? { configDigest: recorded.configDigest } : {}),
            ...(recorded.content ? { content: recorded.content } : {}),
            taggedAt: now,
          },
        });
      }
      return events;
    }
    case 'DeleteTag': {
      const { repository, tag } = command.data;
      requireOwnAccount(command);
      requireRepository(state, repository);
      const digest = state.tags.get(tag);
      if (!digest) throw new DomainError('CATALOG.TAG_NOT_FOUND', { repository, tag });
      return [{ type: 'TagDeleted', data: { repository, tag, digest, deletedAt: now } }];
    }
    case 'DeleteManifest': {
      const { repository, digest } = command.data;
      requireOwnAccount(command);
      requireRepository(state, repository);
      const manifest = state.manifests.get(digest);
      if (!manifest) throw new DomainError('CATALOG.MANIFEST_NOT_FOUND', { repository, digest });
      const [index] = state.parents.get(digest) ?? [];
      if (index) throw new DomainError('CATALOG.MANIFEST_REFERENCED', { repository, digest, index });
      const tags = [...state.tags].filter(([, target]) => target === digest).map(([tag]) => tag).sort();
      return [{ type: 'ManifestDeleted', data: { repository, digest, size: manifest.size, tags, deletedAt: now } }];
    }
    case 'CollectGarbage': {
      const { repository, protectedAfter } = command.data;
      requireRepository(state, repository);
      const garbage = collectableGarbage(state, command.data.manifests, command.data.blobs, protectedAfter);
      return [
        ...garbage.manifests.map(
          (digest): ManifestDeleted => ({ type: 'ManifestDeleted', data: { repository, digest, size: state.manifests.get(digest)!.size, tags: [], deletedAt: now } }),
        ),
        ...garbage.blobs.map((digest): BlobUnlinked => ({ type: 'BlobUnlinked', data: { repository, digest, size: state.blobs.get(digest)!, unlinkedAt: now } })),
      ];
    }
    case 'RecordPulls': {
      const { repository, count, digests } = command.data;
      if (!state.exists || count <= 0) return [];
      return [{ type: 'PullsRecorded', data: { repository, count, recordedAt: now, ...(digests && digests.length > 0 ? { digests } : {}) } }];
    }
    case 'RetireTags': {
      const { repository, runId, tags, taggedBefore } = command.data;
      requireOwnAccount(command);
      if (!state.exists) return [];
      const retired = new Set<string>();
      return tags
        .filter(({ tag, digest }) => {
          const when = state.taggedAt.get(tag);
          if (retired.has(tag) || state.tags.get(tag) !== digest || when === undefined || when > taggedBefore) return false;
          retired.add(tag);
          return true;
        })
        .map(({ tag, digest }): TagDeleted => ({ type: 'TagDeleted', data: { repository, tag, digest, deletedAt: now, retentionRunId: runId } }));
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const repositoryDecider: Decider<RepositoryState, RepositoryCommand, RepositoryEvent> = { decide, evolve, initialState };

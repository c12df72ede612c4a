import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/** SWR permission levels, shared by organizations and repositories: 7 manage, 3 edit, 1 read. */
export const AuthLevel = z.union([z.literal(7), z.literal(3), z.literal(1)]);
export type AuthLevel = z.infer<typeof AuthLevel>;

/** A namespace: an SWR organization, a Selectel registry. */
export const Namespace = z.object({
  /** SWR's integer id, assigned in creation order. */
  id: z.number().int().positive(),
  /** The namespace's UUID: its id as a Selectel registry. */
  registryId: z.string().uuid(),
  name: z.string(),
  accountId: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  createdAt: z.string(),
});
export type Namespace = z.infer<typeof Namespace>;

export const VisibleNamespace = Namespace.extend({ auth: AuthLevel });
export type VisibleNamespace = z.infer<typeof VisibleNamespace>;

export const CatalogEventTypes = {
  NamespaceCreated: 'NamespaceCreated',
  NamespaceDeleted: 'NamespaceDeleted',
  NamespaceNumberReserved: 'NamespaceNumberReserved',
  RepositoryNumberReserved: 'RepositoryNumberReserved',
} as const;

export const CatalogStreams = {
  /** Namespaces are keyed by name: names are unique in the installation (they are part of image paths). */
  namespace: 'catalog.namespace-',
  /** One stream whose revisions number namespaces. */
  namespaceNumbers: 'catalog.sequence-namespace',
  repositoryNumbers: 'catalog.sequence-repository',
} as const;

export const NamespaceCreatedData = Namespace;
export const NamespaceDeletedData = z.object({ id: z.number(), name: z.string(), accountId: z.string(), deletedAt: z.string() });

const withActor = <T extends z.ZodRawShape>(shape: T) => z.object({ actor: Principal, ...shape });

export const CatalogRpc = {
  createNamespace: rpc('catalog.namespace.create', withActor({ name: z.string() }), z.object({ namespace: VisibleNamespace })),
  listNamespaces: rpc(
    'catalog.namespace.list',
    withActor({
      /** Exact name. */
      name: z.string().optional(),
      /** Substring of the name (SWR's `filter=namespace::…` matches fuzzily). */
      nameContains: z.string().optional(),
      /** Also organizations reached only through repository-level grants (SWR's `mode::visible`). */
      includeRepositoryGrants: z.boolean().optional(),
    }),
    z.object({ namespaces: z.array(VisibleNamespace) }),
  ),
  getNamespace: rpc('catalog.namespace.get', withActor({ name: z.string() }), z.object({ namespace: VisibleNamespace })),
  /** Whether an organization of this name exists in the installation, whoever owns it (names are unique, so creating one tells as much). */
  namespaceExists: rpc('catalog.namespace.exists', z.object({ name: z.string() }), z.object({ exists: z.boolean() })),
  deleteNamespace: rpc('catalog.namespace.delete', withActor({ name: z.string() }), z.object({ deleted: z.literal(true) })),
  /**
   * Identity deleting an account (system administrators only): from now on nothing is created in it; refused while
   * it holds organizations or is creating one.
   */
  closeAccount: rpc('catalog.account.close', withActor({ accountId: z.string() }), z.object({ closed: z.literal(true) })),
} as const;

/** Repository events live on one stream per repository, keyed by its full name (`namespace/…`). */
export const RepositoryStreams = { repository: 'catalog.repository-' } as const;

const Digest = z.string().regex(/^[a-z0-9]+:[a-f0-9]+$/);
const RepositoryName = z.string().min(1).max(255);

export const ManifestFacts = z.object({
  digest: Digest,
  mediaType: z.string(),
  size: z.number().int().nonnegative(),
  /** Config and layers: blobs the repository must link. */
  blobs: z.array(Digest),
  /** Children of an index: manifests the repository must hold. */
  children: z.array(Digest),
  subject: Digest.optional(),
  artifactType: z.string().optional(),
  annotations: z.record(z.string()).optional(),
  /** The config blob of an image manifest (SWR shows it as `image_id`). */
  configDigest: Digest.optional(),
  /** The manifest's JSON text, kept with its facts when it is at most MAX_RECORDED_MANIFEST_BYTES long. */
  content: z.string().optional(),
  /** An image manifest's platform, read by the registry from its config blob at push. */
  platform: z.object({ architecture: z.string(), os: z.string(), variant: z.string().optional() }).optional(),
});
/** Manifests up to this size travel in events (KurrentDB's default append limit is 1 MiB; this leaves room). */
export const MAX_RECORDED_MANIFEST_BYTES = 512 * 1024;
export type ManifestFacts = z.infer<typeof ManifestFacts>;

/** A descriptor's digest and the size it claims. */
export const DeclaredSize = z.object({ digest: Digest, size: z.number().int().nonnegative() });
export type DeclaredSize = z.infer<typeof DeclaredSize>;

export const ResolvedManifest = z.object({ digest: Digest, mediaType: z.string(), size: z.number().int().nonnegative() });
export type ResolvedManifest = z.infer<typeof ResolvedManifest>;

export const ReferrerDescriptor = z.object({
  mediaType: z.string(),
  digest: Digest,
  size: z.number().int().nonnegative(),
  artifactType: z.string().optional(),
  annotations: z.record(z.string()).optional(),
});

/** A manifest or blob link garbage collection took from a repository. */
export const CollectedContent = z.object({ digest: Digest, size: z.number().int().nonnegative() });
export type CollectedContent = z.infer<typeof CollectedContent>;

export const RepositoryRpc = {
  linkBlob: rpc(
    'catalog.blob.link',
    withActor({ repository: RepositoryName, digest: Digest, size: z.number().int().nonnegative() }),
    z.object({ linked: z.literal(true) }),
  ),
  unlinkBlob: rpc('catalog.blob.unlink', withActor({ repository: RepositoryName, digest: Digest }), z.object({ unlinked: z.literal(true) })),
  blobLink: rpc(
    'catalog.blob.linked',
    z.object({ repository: RepositoryName, digest: Digest }),
    z.object({ linked: z.boolean(), size: z.number().int().nonnegative().optional() }),
  ),
  pushManifest: rpc(
    'catalog.manifest.push',
    withActor({
      repository: RepositoryName,
      manifest: ManifestFacts,
      tag: z.string().optional(),
      /** The sizes the manifest's descriptors claim for its blobs and children; each must match what the repository holds. */
      declaredSizes: z.array(DeclaredSize).optional(),
    }),
    z.object({ digest: Digest }),
  ),
  resolveManifest: rpc('catalog.manifest.resolve', z.object({ repository: RepositoryName, reference: z.string() }), ResolvedManifest),
  deleteManifest: rpc('catalog.manifest.delete', withActor({ repository: RepositoryName, digest: Digest }), z.object({ deleted: z.literal(true) })),
  deleteTag: rpc('catalog.tag.delete', withActor({ repository: RepositoryName, tag: z.string() }), z.object({ deleted: z.literal(true) })),
  /**
   * Retention's untagging on behalf of run `runId`: each tag goes only if it still names `digest` and was pointed
   * there at or before `taggedBefore`; the reply lists the tags that went (the others stay, unchanged).
   */
  retireTags: rpc(
    'catalog.tag.retire',
    withActor({
      repository: RepositoryName,
      runId: z.string().uuid(),
      tags: z.array(z.object({ tag: z.string(), digest: Digest })).max(1000),
      taggedBefore: z.string(),
    }),
    z.object({ retired: z.array(z.object({ tag: z.string(), digest: Digest })) }),
  ),
  listTags: rpc(
    'catalog.tag.list',
    z.object({ repository: RepositoryName, limit: z.number().int().positive().max(10000).optional(), after: z.string().optional() }),
    z.object({ tags: z.array(z.string()), more: z.boolean() }),
  ),
  listRepositories: rpc(
    'catalog.repository.list-names',
    z.object({ limit: z.number().int().positive().max(10000), after: z.string().optional() }),
    z.object({ names: z.array(z.string()), more: z.boolean() }),
  ),
  referrers: rpc(
    'catalog.manifest.referrers',
    z.object({ repository: RepositoryName, digest: Digest, artifactType: z.string().optional() }),
    z.object({ manifests: z.array(ReferrerDescriptor) }),
  ),
  /**
   * Garbage collection's deletions in one repository. Each candidate is checked again against the repository as
   * it is now (tags, indexes, referrers, references, and nothing linked or pushed after `protectedAfter`) and
   * left alone when anything keeps it; the reply lists what was deleted and unlinked.
   */
  collectGarbage: rpc(
    'catalog.repository.collect-garbage',
    withActor({ repository: RepositoryName, manifests: z.array(Digest).max(1000), blobs: z.array(Digest).max(1000), protectedAfter: z.string() }),
    z.object({ manifests: z.array(CollectedContent), blobs: z.array(CollectedContent) }),
  ),
} as const;

/** A repository as the management APIs see it (dialects map it to their own field names). */
export const RepositorySummary = z.object({
  id: z.number().int(),
  namespaceId: z.number().int(),
  namespace: z.string(),
  /** The name inside the namespace, e.g. `app` or `tools/app`. */
  name: z.string(),
  fullName: z.string(),
  accountId: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  category: z.string(),
  description: z.string(),
  isPublic: z.boolean(),
  size: z.number().int(),
  tagCount: z.number().int(),
  manifestCount: z.number().int(),
  numDownload: z.number().int(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RepositorySummary = z.infer<typeof RepositorySummary>;

export const TagDetail = z.object({
  /** A stable integer id for the tag (the log position of the event that created it). */
  id: z.number().int(),
  repositoryId: z.number().int(),
  tag: z.string(),
  digest: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  configDigest: z.string().optional(),
  /** The manifest's JSON text when it was small enough to record (see MAX_RECORDED_MANIFEST_BYTES). */
  content: z.string().optional(),
  accountId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TagDetail = z.infer<typeof TagDetail>;

/** A repository in a share listing: its owner's account name and whether any share of it is still valid. */
export const SharedRepository = RepositorySummary.extend({ ownerAccountName: z.string(), shareValid: z.boolean() });
export type SharedRepository = z.infer<typeof SharedRepository>;

const TextMatch = z.object({ value: z.string(), fuzzy: z.boolean() });
const RepositoryRef = { namespace: z.string(), repository: z.string() };
const Settings = { category: z.string().optional(), description: z.string().max(30000).optional() };

export const RepositoryManagementRpc = {
  create: rpc(
    'catalog.repository.create',
    withActor({ ...RepositoryRef, ...Settings, isPublic: z.boolean() }),
    z.object({ repository: RepositorySummary }),
  ),
  get: rpc('catalog.repository.get', withActor(RepositoryRef), z.object({ repository: RepositorySummary })),
  update: rpc(
    'catalog.repository.update',
    withActor({ ...RepositoryRef, ...Settings, isPublic: z.boolean() }),
    z.object({ repository: RepositorySummary }),
  ),
  delete: rpc('catalog.repository.delete', withActor(RepositoryRef), z.object({ deleted: z.literal(true) })),
  search: rpc(
    'catalog.repository.search',
    withActor({
      namespace: TextMatch.optional(),
      name: TextMatch.optional(),
      category: z.string().optional(),
      isPublic: z.boolean().optional(),
      offset: z.number().int().nonnegative(),
      limit: z.number().int().positive().max(1000),
      orderBy: z.enum(['name', 'updatedAt', 'tagCount', 'namespace', 'isPublic', 'id']),
      direction: z.enum(['asc', 'desc']),
      /** Marker paging (SWR v3): only repositories whose id is greater, in id order; the reply's `nextMarker` continues. */
      afterId: z.number().int().nonnegative().optional(),
    }),
    z.object({ repositories: z.array(RepositorySummary), total: z.number().int(), nextMarker: z.number().int().optional() }),
  ),
  /** Repositories shared by the actor's account (`outgoing`), with it (`incoming`) or `both`, one row per repository. */
  searchShared: rpc(
    'catalog.repository.search-shared',
    withActor({
      side: z.enum(['outgoing', 'incoming', 'both']),
      namespace: TextMatch.optional(),
      name: TextMatch.optional(),
      /** The owning account's name (SWR's `domain_name`). */
      ownerAccountName: TextMatch.optional(),
      /** Whether a share of the repository is still valid. */
      valid: z.boolean().optional(),
      offset: z.number().int().nonnegative(),
      limit: z.number().int().positive().max(1000),
      orderBy: z.enum(['name', 'updatedAt', 'tagCount', 'namespace', 'ownerAccountName', 'id']),
      direction: z.enum(['asc', 'desc']),
      afterId: z.number().int().nonnegative().optional(),
    }),
    z.object({ repositories: z.array(SharedRepository), total: z.number().int(), nextMarker: z.number().int().optional() }),
  ),
  listTags: rpc(
    'catalog.tag.list-details',
    withActor({
      ...RepositoryRef,
      tag: z.string().optional(),
      offset: z.number().int().nonnegative(),
      limit: z.number().int().positive().max(1000),
      orderBy: z.enum(['updatedAt', 'tag']),
      direction: z.enum(['asc', 'desc']),
      /** Marker paging (SWR v3): the `nextMarker` of the previous page; `offset` is then ignored. */
      marker: z.string().max(2048).optional(),
    }),
    z.object({ tags: z.array(TagDetail), total: z.number().int(), nextMarker: z.string().optional() }),
  ),
  getTag: rpc('catalog.tag.get', withActor({ ...RepositoryRef, tag: z.string() }), z.object({ tag: TagDetail })),
  deleteTag: rpc('catalog.tag.delete-managed', withActor({ ...RepositoryRef, tag: z.string() }), z.object({ deleted: z.literal(true) })),
  /** `digests`: the manifests pulled in the batch, for retention's `pulled_within`. */
  recordPulls: rpc(
    'catalog.repository.record-pulls',
    z.object({ repository: z.string(), count: z.number().int().positive(), digests: z.array(Digest).max(1000).optional() }),
    z.object({ recorded: z.literal(true) }),
  ),
} as const;

export * from './quotas';
export * from './registries';

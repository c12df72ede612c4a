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
} as const;

export const CatalogStreams = {
  /** Namespaces are keyed by name: names are unique in the installation (they are part of image paths). */
  namespace: 'catalog.namespace-',
  /** One stream whose revisions number namespaces. */
  namespaceNumbers: 'catalog.sequence-namespace',
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
    }),
    z.object({ namespaces: z.array(VisibleNamespace) }),
  ),
  getNamespace: rpc('catalog.namespace.get', withActor({ name: z.string() }), z.object({ namespace: VisibleNamespace })),
  deleteNamespace: rpc('catalog.namespace.delete', withActor({ name: z.string() }), z.object({ deleted: z.literal(true) })),
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
});
export type ManifestFacts = z.infer<typeof ManifestFacts>;

export const ResolvedManifest = z.object({ digest: Digest, mediaType: z.string(), size: z.number().int().nonnegative() });
export type ResolvedManifest = z.infer<typeof ResolvedManifest>;

export const ReferrerDescriptor = z.object({
  mediaType: z.string(),
  digest: Digest,
  size: z.number().int().nonnegative(),
  artifactType: z.string().optional(),
  annotations: z.record(z.string()).optional(),
});

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
    withActor({ repository: RepositoryName, manifest: ManifestFacts, tag: z.string().optional() }),
    z.object({ digest: Digest }),
  ),
  resolveManifest: rpc('catalog.manifest.resolve', z.object({ repository: RepositoryName, reference: z.string() }), ResolvedManifest),
  deleteManifest: rpc('catalog.manifest.delete', withActor({ repository: RepositoryName, digest: Digest }), z.object({ deleted: z.literal(true) })),
  deleteTag: rpc('catalog.tag.delete', withActor({ repository: RepositoryName, tag: z.string() }), z.object({ deleted: z.literal(true) })),
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
} as const;

import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/**
 * Selectel's registries: a registry is a catalog namespace (an SWR organization) seen through the Selectel
 * dialect. Its id is the namespace's `registryId`; its repositories are the namespace's repositories, named
 * here without the registry's name in front (`nginx`, `tools/app`).
 */

/**
 * `CREATING` is never shown: a registry is usable when its create call answers. `DELETING` lasts while a
 * registry's repositories are being deleted. `GARBAGE_COLLECTION` and `ERROR` belong to later features.
 */
export const RegistryStatus = z.enum(['CREATING', 'ACTIVE', 'DELETING', 'GARBAGE_COLLECTION', 'ERROR']);
export type RegistryStatus = z.infer<typeof RegistryStatus>;

/** Selectel's default per-registry storage limit (20 GiB); WHARF_REGISTRY_SIZE_LIMIT changes it. */
export const DEFAULT_REGISTRY_SIZE_LIMIT = 21_474_836_480;
/** Selectel allows at most this many registries per project (account). */
export const MAX_REGISTRIES_PER_ACCOUNT = 100;

export const Registry = z.object({
  id: z.string().uuid(),
  name: z.string(),
  createdAt: z.string(),
  status: RegistryStatus,
  /**
   * Bytes of the distinct content the registry's repositories hold: every blob (config or layer) linked by any
   * of its repositories and every manifest they hold, each digest counted once however many repositories
   * share it.
   */
  size: z.number().int().nonnegative(),
  sizeLimit: z.number().int().positive(),
  /** `size` as a percentage of `sizeLimit`, to two decimals. */
  used: z.number().nonnegative(),
});
export type Registry = z.infer<typeof Registry>;

export const SortType = z.enum(['asc', 'desc']);
export type SortType = z.infer<typeof SortType>;
export const RegistrySortField = z.enum(['name', 'createdAt', 'size']);
export type RegistrySortField = z.infer<typeof RegistrySortField>;
export const RepositorySortField = z.enum(['name', 'updatedAt', 'size']);
export type RepositorySortField = z.infer<typeof RepositorySortField>;

/**
 * What a repository holds: `image` for container images and their indexes (and a repository with no manifest
 * yet), `helm_chart` for Helm charts pushed as OCI artifacts, `artifact` for any other OCI artifact.
 */
export const RepositoryType = z.enum(['image', 'helm_chart', 'artifact']);
export type RepositoryType = z.infer<typeof RepositoryType>;

export const RegistryRepository = z.object({
  /** The name inside the registry, e.g. `nginx` or `tools/app`. */
  name: z.string(),
  /** Bytes of the blobs the repository links plus its manifests. */
  size: z.number().int().nonnegative(),
  type: RepositoryType,
  updatedAt: z.string(),
});
export type RegistryRepository = z.infer<typeof RegistryRepository>;

export const ImageLayer = z.object({ digest: z.string(), size: z.number().int().nonnegative() });
export type ImageLayer = z.infer<typeof ImageLayer>;

/**
 * One manifest of a repository. For an image manifest, `layers` are its layers with their stored sizes,
 * `size` is their sum (as Selectel's fixtures show) and `architecture`/`os` come from its config. For an index,
 * `layers` is empty, `size` is the sum of its children's sizes, and `architecture`/`os` list its children's
 * distinct values joined by `,` (e.g. `amd64,arm64`). Artifacts without a platform show empty strings.
 */
export const RegistryImage = z.object({
  digest: z.string(),
  createdAt: z.string(),
  tags: z.array(z.string()),
  size: z.number().int().nonnegative(),
  layers: z.array(ImageLayer),
  architecture: z.string(),
  os: z.string(),
  mediaType: z.string(),
});
export type RegistryImage = z.infer<typeof RegistryImage>;

const withActor = <T extends z.ZodRawShape>(shape: T) => z.object({ actor: Principal, ...shape });
const RegistryId = z.string().uuid();
const Page = { offset: z.number().int().nonnegative(), limit: z.number().int().positive().max(1000) };
const InRegistry = { registryId: RegistryId, repository: z.string().min(1).max(255) };
const Counted = { filteredCount: z.number().int().nonnegative(), totalCount: z.number().int().nonnegative() };

export const RegistryRpc = {
  /** The actor's account's registries it has a level on; `totalCount` counts those matching `search`. */
  list: rpc(
    'catalog.registry.list',
    withActor({ ...Page, search: z.string().optional(), sortField: RegistrySortField, sortType: SortType }),
    z.object({ registries: z.array(Registry), totalCount: z.number().int().nonnegative() }),
  ),
  create: rpc('catalog.registry.create', withActor({ name: z.string() }), z.object({ registry: Registry })),
  get: rpc('catalog.registry.get', withActor({ registryId: RegistryId }), z.object({ registry: Registry })),
  /** Deletes the registry with its repositories; a registry left DELETING by an interrupted call resumes. */
  delete: rpc('catalog.registry.delete', withActor({ registryId: RegistryId }), z.object({ deleted: z.literal(true) })),
  listRepositories: rpc(
    'catalog.registry.repository.list',
    withActor({ registryId: RegistryId, ...Page, search: z.string().optional(), sortField: RepositorySortField, sortType: SortType }),
    z.object({ repositories: z.array(RegistryRepository), ...Counted }),
  ),
  /** Names only, sorted by name (Selectel's `short=true`). */
  listRepositoryNames: rpc(
    'catalog.registry.repository.names',
    withActor({ registryId: RegistryId, ...Page, search: z.string().optional(), sortType: SortType }),
    z.object({ names: z.array(z.string()), ...Counted }),
  ),
  getRepository: rpc('catalog.registry.repository.get', withActor(InRegistry), z.object({ repository: RegistryRepository })),
  deleteRepository: rpc('catalog.registry.repository.delete', withActor(InRegistry), z.object({ deleted: z.literal(true) })),
  /** Newest first; `search` matches a substring of the digest or of a tag. Pages hold at most 100 images. */
  listImages: rpc(
    'catalog.registry.image.list',
    withActor({ ...InRegistry, offset: Page.offset, limit: z.number().int().positive().max(100), search: z.string().optional() }),
    z.object({ images: z.array(RegistryImage), ...Counted }),
  ),
  /** One image by tag or digest. */
  getImage: rpc('catalog.registry.image.get', withActor({ ...InRegistry, reference: z.string().min(1).max(256) }), z.object({ image: RegistryImage })),
  /** Tag names in lexical order, a page at a time (tags are up to 128 characters: pages stay well under 1 MB). */
  listTags: rpc(
    'catalog.registry.tag.list',
    withActor({ ...InRegistry, offset: Page.offset, limit: z.number().int().positive().max(5000) }),
    z.object({ tags: z.array(z.string()), totalCount: z.number().int().nonnegative() }),
  ),
  /** Deletes a manifest by digest with the tags pointing at it; refused while an index in the repository lists it. */
  deleteImage: rpc('catalog.registry.image.delete', withActor({ ...InRegistry, digest: z.string().min(1).max(256) }), z.object({ deleted: z.literal(true) })),
} as const;

import type { RepositorySummary, SharedRepository, TagDetail } from '@wharf/contracts/catalog';
import { z } from 'zod';

const Category = z.string();
const Time = z.string().describe('ISO 8601');
const Path = z.string().describe('<registry host>/<namespace>/<repository>[:<tag>]');

export const SwrRepositorySummary = z.object({
  id: z.number().int(),
  ns_id: z.number().int(),
  name: z.string(),
  category: Category,
  description: z.string(),
  creator_id: z.string(),
  creator_name: z.string(),
  size: z.number().int(),
  is_public: z.boolean(),
  num_images: z.number().int(),
  num_download: z.number().int(),
  url: z.string(),
  path: Path,
  internal_path: Path,
  created: Time,
  updated: Time,
  domain_id: z.string(),
  priority: z.number().int(),
});

export const SwrRepositoryItem = z.object({
  name: z.string(),
  category: Category,
  description: z.string(),
  size: z.number().int(),
  is_public: z.boolean(),
  num_images: z.number().int(),
  num_download: z.number().int(),
  created_at: Time,
  updated_at: Time,
  logo: z.string(),
  url: z.string(),
  path: Path,
  internal_path: Path,
  domain_name: z.string().describe('The owning account'),
  namespace: z.string(),
  tags: z.array(z.string()),
  status: z.boolean().describe('In the shared lists: whether the share is valid'),
  total_range: z.number().int().describe('How many repositories match'),
});

export const SwrV3Repository = z.object({
  id: z.number().int(),
  name: z.string(),
  category: Category,
  description: z.string(),
  size: z.number().int(),
  num_images: z.number().int(),
  num_download: z.number().int(),
  is_public: z.boolean(),
  created_at: Time,
  updated_at: Time,
  domain_name: z.string(),
  namespace_name: z.string(),
  status: z.boolean().optional().describe('In the shared list: whether the share is valid'),
});

export const SwrTag = z.object({
  id: z.number().int(),
  repo_id: z.number().int(),
  tag: z.string(),
  image_id: z.string().describe("The config blob's digest without sha256:"),
  manifest: z.string().describe('The manifest text'),
  digest: z.string(),
  schema: z.literal(2),
  path: Path,
  internal_path: Path,
  size: z.number().int(),
  is_trusted: z.boolean(),
  created: Time,
  updated: Time,
  domain_id: z.string(),
  tag_type: z.union([z.literal(0), z.literal(1)]).describe('1 for an index (manifest list), 0 for an image'),
});

/** The v2 tag list spells the tag's key `Tag`. */
export const SwrV2Tag = SwrTag.omit({ tag: true }).extend({ Tag: z.string(), deleted: z.null(), scanned: z.literal(false) });

/** SWR field names and shapes for repositories and tags, built from the registry's public address. */
export class SwrShapes {
  constructor(private readonly registryHost: string) {}

  path(namespace: string, name: string, tag?: string): string {
    return `${this.registryHost}/${namespace}/${name}${tag !== undefined ? `:${tag}` : ''}`;
  }

  summary(r: RepositorySummary): z.input<typeof SwrRepositorySummary> {
    // There is one registry address, so the "internal" path is the same as the public one.
    return {
      id: r.id,
      ns_id: r.namespaceId,
      name: r.name,
      category: r.category,
      description: r.description,
      creator_id: r.creatorId,
      creator_name: r.creatorName,
      size: r.size,
      is_public: r.isPublic,
      num_images: r.tagCount,
      num_download: r.numDownload,
      url: '',
      path: this.path(r.namespace, r.name),
      internal_path: this.path(r.namespace, r.name),
      created: r.createdAt,
      updated: r.updatedAt,
      domain_id: r.accountId,
      priority: 0,
    };
  }

  /** `status` only means something in the shared lists (whether a share is valid); a plain listing has none. */
  listItem(r: RepositorySummary, domainName: string, total: number, status = false): z.input<typeof SwrRepositoryItem> {
    return {
      name: r.name,
      category: r.category,
      description: r.description,
      size: r.size,
      is_public: r.isPublic,
      num_images: r.tagCount,
      num_download: r.numDownload,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      logo: '',
      url: '',
      path: this.path(r.namespace, r.name),
      internal_path: this.path(r.namespace, r.name),
      domain_name: domainName,
      namespace: r.namespace,
      tags: r.tags,
      status,
      total_range: total,
    };
  }

  sharedItem(r: SharedRepository, total: number): z.input<typeof SwrRepositoryItem> {
    return this.listItem(r, r.ownerAccountName, total, r.shareValid);
  }

  /** The v3 lists' repository (ShowReposRespV3); `status` is set in the shared list only. */
  v3Repository(r: RepositorySummary, domainName: string, status?: boolean): z.input<typeof SwrV3Repository> {
    return {
      id: r.id,
      name: r.name,
      category: r.category,
      description: r.description,
      size: r.size,
      num_images: r.tagCount,
      num_download: r.numDownload,
      is_public: r.isPublic,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      domain_name: domainName,
      namespace_name: r.namespace,
      ...(status !== undefined ? { status } : {}),
    };
  }

  tag(t: TagDetail, namespace: string, name: string): z.input<typeof SwrTag> {
    return {
      id: t.id,
      repo_id: t.repositoryId,
      tag: t.tag,
      image_id: t.configDigest ? t.configDigest.replace(/^sha256:/, '') : '',
      manifest: t.content ?? '',
      digest: t.digest,
      schema: 2,
      path: this.path(namespace, name, t.tag),
      internal_path: this.path(namespace, name, t.tag),
      size: t.size,
      is_trusted: false,
      created: t.createdAt,
      updated: t.updatedAt,
      domain_id: t.accountId,
      tag_type: t.mediaType.includes('index') || t.mediaType.includes('manifest.list') ? 1 : 0,
    };
  }
}

import type { RepositorySummary, SharedRepository, TagDetail } from '@wharf/contracts/catalog';

/** SWR field names and shapes for repositories and tags, built from the registry's public address. */
export class SwrShapes {
  constructor(private readonly registryHost: string) {}

  path(namespace: string, name: string, tag?: string): string {
    return `${this.registryHost}/${namespace}/${name}${tag !== undefined ? `:${tag}` : ''}`;
  }

  summary(r: RepositorySummary) {
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
  listItem(r: RepositorySummary, domainName: string, total: number, status = false) {
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

  sharedItem(r: SharedRepository, total: number) {
    return this.listItem(r, r.ownerAccountName, total, r.shareValid);
  }

  /** The v3 lists' repository (ShowReposRespV3); `status` is set in the shared list only. */
  v3Repository(r: RepositorySummary, domainName: string, status?: boolean) {
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

  tag(t: TagDetail, namespace: string, name: string) {
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

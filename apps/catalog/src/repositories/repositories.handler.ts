import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { RepositoryRpc } from '@wharf/contracts/catalog';
import { looksLikeDigest } from '@wharf/oci';
import { ProjectionHost } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { RepositoryCommands } from './repository-commands';
import { blobLinksProjection, manifestId, manifestsProjection, repositoriesProjection, tagId, tagsProjection } from './repository.projections';

const rpc = RepositoryRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

/** The registry's facts: blob links, manifests and tags, recorded as events on the repository's stream. */
@Controller()
export class RepositoriesHandler {
  constructor(
    private readonly commands: RepositoryCommands,
    private readonly projections: ProjectionHost,
  ) {}

  @MessagePattern(rpc.linkBlob.subject)
  async linkBlob(@Payload(new SchemaPipe(rpc.linkBlob.request)) { actor, repository, digest, size }: In<'linkBlob'>) {
    await this.commands.run('LinkBlob', { actor, repository, digest, size }, actor);
    return { linked: true } satisfies RpcReply<typeof rpc.linkBlob>;
  }

  @MessagePattern(rpc.unlinkBlob.subject)
  async unlinkBlob(@Payload(new SchemaPipe(rpc.unlinkBlob.request)) { actor, repository, digest }: In<'unlinkBlob'>) {
    await this.commands.run('UnlinkBlob', { actor, repository, digest }, actor);
    return { unlinked: true } satisfies RpcReply<typeof rpc.unlinkBlob>;
  }

  @MessagePattern(rpc.pushManifest.subject)
  async pushManifest(@Payload(new SchemaPipe(rpc.pushManifest.request)) { actor, repository, manifest, tag, declaredSizes }: In<'pushManifest'>) {
    await this.commands.run('PushManifest', { actor, repository, manifest, ...(tag !== undefined ? { tag } : {}), ...(declaredSizes ? { declaredSizes } : {}) }, actor);
    return { digest: manifest.digest } satisfies RpcReply<typeof rpc.pushManifest>;
  }

  @MessagePattern(rpc.deleteManifest.subject)
  async deleteManifest(@Payload(new SchemaPipe(rpc.deleteManifest.request)) { actor, repository, digest }: In<'deleteManifest'>) {
    await this.commands.run('DeleteManifest', { actor, repository, digest }, actor);
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteManifest>;
  }

  @MessagePattern(rpc.deleteTag.subject)
  async deleteTag(@Payload(new SchemaPipe(rpc.deleteTag.request)) { actor, repository, tag }: In<'deleteTag'>) {
    await this.commands.run('DeleteTag', { actor, repository, tag }, actor);
    return { deleted: true } satisfies RpcReply<typeof rpc.deleteTag>;
  }

  /** Retention's untagging, re-checked by the decider: a tag pushed or moved since the run's start stays. */
  @MessagePattern(rpc.retireTags.subject)
  async retireTags(@Payload(new SchemaPipe(rpc.retireTags.request)) { actor, repository, runId, tags, taggedBefore }: In<'retireTags'>) {
    const events = await this.commands.run('RetireTags', { actor, repository, runId, tags, taggedBefore }, actor);
    const retired = events.flatMap((event) => (event.type === 'TagDeleted' ? [{ tag: event.data.tag, digest: event.data.digest }] : []));
    return { retired } satisfies RpcReply<typeof rpc.retireTags>;
  }

  /** Garbage collection's deletions, re-checked by the decider against the repository as it is now. */
  @MessagePattern(rpc.collectGarbage.subject)
  async collectGarbage(@Payload(new SchemaPipe(rpc.collectGarbage.request)) { actor, repository, manifests, blobs, protectedAfter }: In<'collectGarbage'>) {
    const events = await this.commands.run('CollectGarbage', { repository, manifests, blobs, protectedAfter }, actor);
    const collected = { manifests: [] as { digest: string; size: number }[], blobs: [] as { digest: string; size: number }[] };
    for (const event of events) {
      if (event.type === 'ManifestDeleted') collected.manifests.push({ digest: event.data.digest, size: event.data.size });
      if (event.type === 'BlobUnlinked') collected.blobs.push({ digest: event.data.digest, size: event.data.size });
    }
    return collected satisfies RpcReply<typeof rpc.collectGarbage>;
  }

  @MessagePattern(rpc.blobLink.subject)
  async blobLink(@Payload(new SchemaPipe(rpc.blobLink.request)) { repository, digest }: In<'blobLink'>) {
    const link = await this.projections.collection(blobLinksProjection).get(manifestId(repository, digest));
    return (link ? { linked: true, size: link.size } : { linked: false }) satisfies RpcReply<typeof rpc.blobLink>;
  }

  /** A tag or a digest to the manifest it names in this repository. */
  @MessagePattern(rpc.resolveManifest.subject)
  async resolveManifest(@Payload(new SchemaPipe(rpc.resolveManifest.request)) { repository, reference }: In<'resolveManifest'>) {
    let digest = reference;
    if (!looksLikeDigest(reference)) {
      const tag = await this.projections.collection(tagsProjection).get(tagId(repository, reference));
      if (!tag) throw new DomainError('CATALOG.MANIFEST_NOT_FOUND', { repository, reference });
      digest = tag.digest;
    }
    const manifest = await this.projections.collection(manifestsProjection).get(manifestId(repository, digest));
    if (!manifest) throw new DomainError('CATALOG.MANIFEST_NOT_FOUND', { repository, reference });
    return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size } satisfies RpcReply<typeof rpc.resolveManifest>;
  }

  /** Tags in lexical order, `limit` of them after `after`. */
  @MessagePattern(rpc.listTags.subject)
  async listTags(@Payload(new SchemaPipe(rpc.listTags.request)) { repository, limit, after }: In<'listTags'>) {
    // Counted rather than read: the repository's document lists every tag.
    if ((await this.projections.collection(repositoriesProjection).count([{ field: 'id', op: 'eq', value: repository }])) === 0) {
      throw new DomainError('CATALOG.REPOSITORY_NOT_FOUND', { repository });
    }
    const where = [
      { field: 'repository', op: 'eq' as const, value: repository },
      ...(after !== undefined ? [{ field: 'tag', op: 'gt' as const, value: after }] : []),
    ];
    // The names only: a tag's document also carries its manifest's text.
    const page = (await this.projections
      .collection(tagsProjection)
      .values('tag', { where, sort: [{ field: 'tag', direction: 'asc' }], ...(limit !== undefined ? { limit: limit + 1 } : {}) })) as string[];
    const tags = page.slice(0, limit ?? page.length);
    return { tags, more: limit !== undefined && page.length > limit } satisfies RpcReply<typeof rpc.listTags>;
  }

  @MessagePattern(rpc.listRepositories.subject)
  async listRepositories(@Payload(new SchemaPipe(rpc.listRepositories.request)) { limit, after }: In<'listRepositories'>) {
    const where = after !== undefined ? [{ field: 'name', op: 'gt' as const, value: after }] : [];
    const page = (await this.projections.collection(repositoriesProjection).values('name', { where, sort: [{ field: 'name', direction: 'asc' }], limit: limit + 1 })) as string[];
    return { names: page.slice(0, limit), more: page.length > limit } satisfies RpcReply<typeof rpc.listRepositories>;
  }

  @MessagePattern(rpc.referrers.subject)
  async referrers(@Payload(new SchemaPipe(rpc.referrers.request)) { repository, digest, artifactType }: In<'referrers'>) {
    const where = [
      { field: 'repository', op: 'eq' as const, value: repository },
      { field: 'subject', op: 'eq' as const, value: digest },
      ...(artifactType !== undefined ? [{ field: 'artifactType', op: 'eq' as const, value: artifactType }] : []),
    ];
    const docs = await this.projections.collection(manifestsProjection).find({ where, sort: [{ field: 'pushedAt', direction: 'asc' }] });
    const manifests = docs.map(({ mediaType, digest: d, size, artifactType: type, annotations }) => ({
      mediaType,
      digest: d,
      size,
      ...(type ? { artifactType: type } : {}),
      ...(annotations ? { annotations } : {}),
    }));
    return { manifests } satisfies RpcReply<typeof rpc.referrers>;
  }
}

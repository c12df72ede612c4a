import { Injectable } from '@nestjs/common';
import type { RegistryImage } from '@wharf/contracts/catalog';
import { ProjectionHost } from '@wharf/platform';
import type { Document, Projection } from '@wharf/read-model';
import { blobLinksProjection, manifestId } from '../repositories/repository.projections';
import { describeImage, layerDigests, type ImageFacts } from './image-view';
import { registryImagesProjection, type RegistryImageDocument } from './registry-images.projection';

const BATCH = 500;

/** Describes a page of a repository's images, loading the children of its indexes and its layers' sizes. */
@Injectable()
export class RegistryImages {
  constructor(private readonly projections: ProjectionHost) {}

  get images() {
    return this.projections.collection(registryImagesProjection);
  }

  async describe(repository: string, docs: readonly RegistryImageDocument[]): Promise<RegistryImage[]> {
    const manifests = new Map<string, ImageFacts>(docs.map((doc) => [doc.digest, doc]));
    // Children of indexes (and theirs), each asked for once; the catalog refuses an index whose children are missing.
    const asked = new Set<string>();
    let wanted = this.missingChildren(docs, manifests);
    while (wanted.length > 0) {
      for (const digest of wanted) asked.add(digest);
      const children = [...(await this.byIds(registryImagesProjection, wanted.map((digest) => manifestId(repository, digest)))).values()];
      for (const child of children) manifests.set(child.digest, child);
      wanted = this.missingChildren(children, manifests).filter((digest) => !asked.has(digest));
    }
    const layers = [...new Set([...manifests.values()].flatMap(layerDigests))];
    const links = await this.byIds(blobLinksProjection, layers.map((digest) => manifestId(repository, digest)));
    const blobSizes = new Map([...links.values()].map((link) => [link.digest, link.size]));
    return docs.map((doc) => describeImage(doc, { manifests, blobSizes }));
  }

  private missingChildren(docs: readonly ImageFacts[], known: ReadonlyMap<string, ImageFacts>): string[] {
    return [...new Set(docs.flatMap((doc) => doc.children))].filter((digest) => !known.has(digest));
  }

  private async byIds<D extends Document>(projection: Projection<D, never>, ids: string[]): Promise<Map<string, D>> {
    const found = new Map<string, D>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const docs = await this.projections.collection(projection).find({ where: [{ field: 'id', op: 'in', values: ids.slice(i, i + BATCH) }] });
      for (const doc of docs) found.set(doc.id, doc);
    }
    return found;
  }
}

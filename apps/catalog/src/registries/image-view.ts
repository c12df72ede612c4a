import type { ImageLayer, RegistryImage } from '@wharf/contracts/catalog';
import { INDEX_MEDIA_TYPES } from '@wharf/oci';
import type { RegistryImageDocument } from './registry-images.projection';

export type ImageFacts = Pick<RegistryImageDocument, 'digest' | 'mediaType' | 'blobs' | 'children' | 'tags' | 'pushedAt'> &
  Partial<Pick<RegistryImageDocument, 'configDigest' | 'platform'>>;

/** What describing images needs beyond their own documents. */
export interface ImageSources {
  /** Manifests of the repository by digest: the children of the indexes being described. */
  manifests: ReadonlyMap<string, ImageFacts>;
  /** Sizes of the blobs the repository links, by digest. */
  blobSizes: ReadonlyMap<string, number>;
}

const isIndex = (image: ImageFacts): boolean => INDEX_MEDIA_TYPES.includes(image.mediaType);

/** An image manifest's layers: its blobs without the config (which the manifest lists first). */
export const layerDigests = (image: ImageFacts): string[] =>
  image.configDigest !== undefined && image.blobs[0] === image.configDigest ? image.blobs.slice(1) : image.blobs;

const layersOf = (image: ImageFacts, sources: ImageSources): ImageLayer[] =>
  isIndex(image) ? [] : layerDigests(image).map((digest) => ({ digest, size: sources.blobSizes.get(digest) ?? 0 }));

/** The children an index lists that the repository holds, each once, nested indexes followed. */
const descendants = (image: ImageFacts, sources: ImageSources, seen = new Set<string>()): ImageFacts[] => {
  const found: ImageFacts[] = [];
  for (const digest of image.children) {
    const child = sources.manifests.get(digest);
    if (!child || seen.has(digest)) continue;
    seen.add(digest);
    found.push(child, ...descendants(child, sources, seen));
  }
  return found;
};

/** An image's size as Selectel shows it: the sum of its layers; an index's, the sum over its distinct children's layers. */
export const imageSize = (image: ImageFacts, sources: ImageSources): number => {
  const images = isIndex(image) ? descendants(image, sources).filter((child) => !isIndex(child)) : [image];
  return images.reduce((sum, one) => sum + layersOf(one, sources).reduce((bytes, layer) => bytes + layer.size, 0), 0);
};

/** Distinct known values in order, joined by `,`; `unknown` (attestation manifests use it) is left out. */
const joinDistinct = (values: (string | undefined)[]): string => [...new Set(values.filter((v): v is string => !!v && v !== 'unknown'))].join(',');

/** An image manifest's platform from its config; an index lists its children's distinct platforms. */
export const platformOf = (image: ImageFacts, sources: ImageSources): { architecture: string; os: string } => {
  if (!isIndex(image)) return { architecture: image.platform?.architecture ?? '', os: image.platform?.os ?? '' };
  const children = descendants(image, sources);
  return { architecture: joinDistinct(children.map((c) => c.platform?.architecture)), os: joinDistinct(children.map((c) => c.platform?.os)) };
};

export const describeImage = (image: ImageFacts, sources: ImageSources): RegistryImage => ({
  digest: image.digest,
  createdAt: image.pushedAt,
  tags: image.tags,
  size: imageSize(image, sources),
  layers: layersOf(image, sources),
  ...platformOf(image, sources),
  mediaType: image.mediaType,
});

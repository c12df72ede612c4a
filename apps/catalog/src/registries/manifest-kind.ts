import type { RepositoryType } from '@wharf/contracts/catalog';
import { INDEX_MEDIA_TYPES } from '@wharf/oci';

/** Config media types of container images (OCI and Docker). */
const IMAGE_CONFIG_TYPES: readonly string[] = ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json'];
/** The config media type Helm gives the charts it pushes to OCI registries. */
export const HELM_CONFIG_TYPE = 'application/vnd.cncf.helm.config.v1+json';

/**
 * What one manifest is. `artifactType` is as the catalog records it: the manifest's own `artifactType`, or for
 * an image manifest without one, its config's media type. An index is an image (a multi-platform image) unless
 * it declares an artifact type.
 */
export const manifestKind = (manifest: { mediaType: string; artifactType?: string | undefined }): RepositoryType => {
  const { mediaType, artifactType } = manifest;
  if (INDEX_MEDIA_TYPES.includes(mediaType)) return artifactType ? 'artifact' : 'image';
  if (artifactType === undefined || IMAGE_CONFIG_TYPES.includes(artifactType)) return 'image';
  if (artifactType === HELM_CONFIG_TYPE) return 'helm_chart';
  return 'artifact';
};

/**
 * A repository's `type` from how many manifests of each kind it holds: `image` as soon as it holds a container image
 * (signatures and other artifacts beside images do not change that), else `helm_chart` if it holds a chart,
 * else `artifact` if it holds anything; a repository with no manifest yet is an `image` repository, as
 * Selectel's repositories are by default.
 */
export const repositoryType = (manifests: Readonly<Record<RepositoryType, number>>): RepositoryType => {
  if (manifests.image > 0) return 'image';
  if (manifests.helm_chart > 0) return 'helm_chart';
  if (manifests.artifact > 0) return 'artifact';
  return 'image';
};

import type { ManifestFacts } from '@wharf/contracts/catalog';

export type ImagePlatform = NonNullable<ManifestFacts['platform']>;

/** Config media types whose JSON carries `architecture` and `os` (OCI image config and Docker's). */
export const IMAGE_CONFIG_MEDIA_TYPES: readonly string[] = ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json'];

/** Image configs are small (kilobytes); one larger than this is not read for its platform. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * The platform an image config names: its `architecture` and `os` strings, and `variant` when present. A
 * config that is not JSON or lacks either field names no platform (the image is then listed without one).
 */
export const platformOfConfig = (config: Buffer): ImagePlatform | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(config.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const { architecture, os, variant } = json as Record<string, unknown>;
  if (typeof architecture !== 'string' || typeof os !== 'string') return undefined;
  return { architecture, os, ...(typeof variant === 'string' && variant !== '' ? { variant } : {}) };
};

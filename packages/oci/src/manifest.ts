import { parseDigest } from './digest';
import { OciError } from './errors';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MediaTypes, NON_DISTRIBUTABLE_LAYER_MEDIA_TYPES } from './media-types';

/** Registries may refuse manifests over 4 MiB (distribution spec); Wharf does. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { architecture?: string; os?: string; variant?: string };
  /** Where else the content may be fetched from (non-distributable layers). */
  urls?: string[];
}

export interface ParsedManifest {
  kind: 'image' | 'index';
  mediaType: string;
  /** The config descriptor of an image manifest. */
  config?: Descriptor;
  /** Layers of an image manifest. */
  layers: Descriptor[];
  /** Children of an index. */
  manifests: Descriptor[];
  subject?: Descriptor;
  /** `artifactType`, or for image manifests without one, the config's media type (as the referrers API reports). */
  artifactType?: string;
  annotations?: Record<string, string>;
}

const invalid = (reason: string): OciError => new OciError('MANIFEST_INVALID', `manifest invalid: ${reason}`, { reason });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const stringMap = (value: unknown, where: string): Record<string, string> | undefined => {
  if (value === undefined) return undefined;
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) throw invalid(`${where} must map strings to strings`);
  return value as Record<string, string>;
};

const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const descriptor = (value: unknown, where: string): Descriptor => {
  if (!isObject(value)) throw invalid(`${where} must be a descriptor object`);
  const { mediaType, digest, size, artifactType, annotations, platform, urls } = value;
  if (typeof mediaType !== 'string' || mediaType.length === 0) throw invalid(`${where}.mediaType must be a string`);
  if (typeof digest !== 'string' || !parseDigest(digest)) throw invalid(`${where}.digest is not a valid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}.size must be a non-negative integer`);
  if (artifactType !== undefined && typeof artifactType !== 'string') throw invalid(`${where}.artifactType must be a string`);
  if (platform !== undefined && !isObject(platform)) throw invalid(`${where}.platform must be an object`);
  if (urls !== undefined && !(Array.isArray(urls) && urls.every(isHttpUrl))) throw invalid(`${where}.urls must be a list of http or https URLs`);
  const parsed: Descriptor = { mediaType, digest, size };
  if (artifactType !== undefined) parsed.artifactType = artifactType;
  if (Array.isArray(urls) && urls.length > 0) parsed.urls = urls as string[];
  const map = stringMap(annotations, `${where}.annotations`);
  if (map) parsed.annotations = map;
  if (platform) {
    const { architecture, os, variant } = platform;
    parsed.platform = {
      ...(typeof architecture === 'string' ? { architecture } : {}),
      ...(typeof os === 'string' ? { os } : {}),
      ...(typeof variant === 'string' ? { variant } : {}),
    };
  }
  return parsed;
};

const descriptors = (value: unknown, where: string): Descriptor[] => {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array`);
  return value.map((item, i) => descriptor(item, `${where}[${i}]`));
};

/**
 * Parses and checks a pushed manifest: an OCI image manifest or index, a Docker v2 schema 2 manifest or
 * manifest list, including artifact manifests. The body's `mediaType`, when present, must agree with the
 * request's Content-Type; schema 1 and unknown types are refused.
 */
export const parseManifest = (bytes: Buffer, contentType: string | undefined): ParsedManifest => {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new OciError('MANIFEST_INVALID', `manifest is larger than ${MAX_MANIFEST_BYTES} bytes`, { size: bytes.length }, 413);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid('not valid JSON');
  }
  if (!isObject(json)) throw invalid('not a JSON object');
  if (json.schemaVersion !== 2) throw invalid('schemaVersion must be 2');
  const headerType = contentType?.split(';')[0]?.trim();
  const bodyType = json.mediaType;
  if (bodyType !== undefined && typeof bodyType !== 'string') throw invalid('mediaType must be a string');
  if (bodyType !== undefined && headerType && bodyType !== headerType) {
    throw invalid(`mediaType ${bodyType} does not match Content-Type ${headerType}`);
  }
  const mediaType = bodyType ?? headerType ?? (json.manifests !== undefined ? MediaTypes.ociIndex : MediaTypes.ociManifest);
  if (json.artifactType !== undefined && typeof json.artifactType !== 'string') throw invalid('artifactType must be a string');
  const subject = json.subject === undefined ? undefined : descriptor(json.subject, 'subject');
  const annotations = stringMap(json.annotations, 'annotations');
  const common = {
    mediaType,
    ...(subject ? { subject } : {}),
    ...(annotations ? { annotations } : {}),
  };

  if (MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    const config = descriptor(json.config, 'config');
    const layers = descriptors(json.layers ?? [], 'layers');
    if (mediaType === MediaTypes.dockerManifest && layers.length === 0) throw invalid('layers must not be empty');
    const artifactType = typeof json.artifactType === 'string' ? json.artifactType : config.mediaType;
    return { kind: 'image', ...common, config, layers, manifests: [], artifactType };
  }
  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    const manifests = descriptors(json.manifests, 'manifests');
    return {
      kind: 'index',
      ...common,
      layers: [],
      manifests,
      ...(typeof json.artifactType === 'string' ? { artifactType: json.artifactType } : {}),
    };
  }
  throw invalid(`unsupported manifest media type ${mediaType}`);
};

/** A non-distributable (foreign) layer with the URLs clients fetch it from: the registry need not hold it. */
export const isForeignLayer = (layer: Descriptor): boolean => NON_DISTRIBUTABLE_LAYER_MEDIA_TYPES.includes(layer.mediaType) && (layer.urls?.length ?? 0) > 0;

/**
 * Every blob a manifest needs in its repository: the config and the layers, but not foreign layers, which
 * clients fetch from their URLs. Children of an index are manifests, not blobs.
 */
export const referencedBlobs = (manifest: ParsedManifest): Descriptor[] => [...(manifest.config ? [manifest.config] : []), ...manifest.layers.filter((layer) => !isForeignLayer(layer))];

import { digestOf, looksLikeDigest, parseDigest } from './digest';
import { OciError } from './errors';
import { MAX_MANIFEST_BYTES, parseManifest, referencedBlobs } from './manifest';
import { MediaTypes } from './media-types';
import { isValidRepositoryName, isValidTag, splitRepositoryName } from './names';

const sha = (c: string) => digestOf(c);
const d = (mediaType: string, content: string) => ({ mediaType, digest: sha(content), size: content.length });

describe('digests', () => {
  it('accepts sha256 and sha512 in lowercase hex of the right length', () => {
    expect(parseDigest(sha('x'))).toMatchObject({ algorithm: 'sha256' });
    expect(parseDigest(digestOf('x', 'sha512'))).toMatchObject({ algorithm: 'sha512' });
    expect(digestOf('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it.each([
    'sha256:' + 'A'.repeat(64),
    'sha256:' + 'a'.repeat(63),
    'sha512:' + 'a'.repeat(64),
    'md5:' + 'a'.repeat(32),
    'sha256',
    'sha256:../../etc/passwd',
    '',
    'sha256:' + 'a'.repeat(64) + '\n',
  ])('refuses %j', (text) => {
    expect(parseDigest(text)).toBeNull();
  });

  it('tells digest-shaped references from tags', () => {
    expect(looksLikeDigest('sha256:abc')).toBe(true);
    expect(looksLikeDigest('latest')).toBe(false);
    expect(looksLikeDigest('v1.0')).toBe(false);
  });
});

describe('repository names and tags', () => {
  it.each(['group/app', 'group/a/b/c', 'my.team/app-1', 'a__b/c--d', 'ns/x'])('accepts %j', (name) => {
    expect(isValidRepositoryName(name)).toBe(true);
  });

  it.each(['Group/app', '../etc/passwd', 'group/../x', 'group//app', '/group/app', 'group/app/', 'group/app:tag', 'a'.repeat(256), '', 'group/.app', 'gr%2Fup/app'])(
    'refuses %j',
    (name) => {
      expect(isValidRepositoryName(name)).toBe(false);
    },
  );

  it('splits the namespace from the rest', () => {
    expect(splitRepositoryName('group/a/b')).toEqual({ namespace: 'group', repository: 'a/b' });
    expect(splitRepositoryName('solo')).toBeNull();
  });

  it('checks tags', () => {
    expect(isValidTag('latest')).toBe(true);
    expect(isValidTag('v1.2.3-rc_1')).toBe(true);
    expect(isValidTag('_x')).toBe(true);
    expect(isValidTag('.hidden')).toBe(false);
    expect(isValidTag('-x')).toBe(false);
    expect(isValidTag('a'.repeat(129))).toBe(false);
    expect(isValidTag('a/b')).toBe(false);
  });
});

describe('manifest parsing', () => {
  const config = d('application/vnd.oci.image.config.v1+json', '{}');
  const layer = d('application/vnd.oci.image.layer.v1.tar+gzip', 'layer');
  const image = { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config, layers: [layer] };
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
  const rejects = (value: Buffer, contentType: string | undefined, code: string) => {
    let thrown: unknown;
    try {
      parseManifest(value, contentType);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OciError);
    expect((thrown as OciError).code).toBe(code);
    return thrown as OciError;
  };

  it('parses an OCI image manifest and lists the blobs it needs', () => {
    const parsed = parseManifest(bytes(image), MediaTypes.ociManifest);
    expect(parsed.kind).toBe('image');
    expect(referencedBlobs(parsed).map((b) => b.digest)).toEqual([config.digest, layer.digest]);
    expect(parsed.artifactType).toBe(config.mediaType);
  });

  it('parses Docker v2 manifests and manifest lists, and OCI indexes with platforms', () => {
    const docker = { ...image, mediaType: MediaTypes.dockerManifest };
    expect(parseManifest(bytes(docker), MediaTypes.dockerManifest).kind).toBe('image');
    const child = { ...d(MediaTypes.ociManifest, 'child'), platform: { architecture: 'arm64', os: 'linux' } };
    const index = parseManifest(bytes({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [child] }), MediaTypes.ociIndex);
    expect(index.kind).toBe('index');
    expect(index.manifests[0]?.platform).toEqual({ architecture: 'arm64', os: 'linux' });
    const list = { schemaVersion: 2, mediaType: MediaTypes.dockerManifestList, manifests: [child] };
    expect(parseManifest(bytes(list), MediaTypes.dockerManifestList).kind).toBe('index');
  });

  it('parses artifact manifests with artifactType and subject', () => {
    const subject = d(MediaTypes.ociManifest, 'subject');
    const artifact = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      artifactType: 'application/vnd.example.sbom',
      config: d(MediaTypes.ociEmpty, '{}'),
      layers: [],
      subject,
    };
    const parsed = parseManifest(bytes(artifact), MediaTypes.ociManifest);
    expect(parsed.artifactType).toBe('application/vnd.example.sbom');
    expect(parsed.subject).toEqual(subject);
  });

  it('takes the media type from Content-Type when the body has none', () => {
    const { mediaType: _omitted, ...bare } = image;
    expect(parseManifest(bytes(bare), `${MediaTypes.ociManifest}; charset=utf-8`).mediaType).toBe(MediaTypes.ociManifest);
  });

  it.each([
    ['malformed JSON', Buffer.from('{"schemaVersion": 2,')],
    ['a JSON array', bytes([image])],
    ['a JSON string', bytes('manifest')],
    ['schema version 1', bytes({ ...image, schemaVersion: 1 })],
    ['a bad layer digest', bytes({ ...image, layers: [{ ...layer, digest: 'sha256:../../x' }] })],
    ['a negative size', bytes({ ...image, layers: [{ ...layer, size: -1 }] })],
    ['a fractional size', bytes({ ...image, layers: [{ ...layer, size: 1.5 }] })],
    ['a missing config', bytes({ ...image, config: undefined })],
    ['layers that are not an array', bytes({ ...image, layers: {} })],
    ['annotations that are not strings', bytes({ ...image, annotations: { a: 1 } })],
    ['layer urls that are not http URLs', bytes({ ...image, layers: [{ ...layer, urls: ['file:///etc/passwd'] }] })],
    ['layer urls that are not a list', bytes({ ...image, layers: [{ ...layer, urls: 'https://example.com/l' }] })],
    ['an unknown media type', bytes({ ...image, mediaType: 'application/x-anything' })],
    ['an index without manifests', bytes({ schemaVersion: 2, mediaType: MediaTypes.ociIndex })],
    ['deeply nested junk', Buffer.from('['.repeat(10000) + ']'.repeat(10000))],
  ])('refuses %s with MANIFEST_INVALID', (_name, body) => {
    rejects(body, MediaTypes.ociManifest, 'MANIFEST_INVALID');
  });

  it('does not count non-distributable layers with URLs among the blobs a repository must hold', () => {
    const foreign = { ...d('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'foreign'), urls: ['https://example.com/foreign'] };
    const docker = { ...d('application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'docker foreign'), urls: ['http://example.com/f'] };
    const withoutUrls = d('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'no urls');
    const parsed = parseManifest(bytes({ ...image, layers: [layer, foreign, docker, withoutUrls] }), MediaTypes.ociManifest);
    expect(parsed.layers[1]?.urls).toEqual(['https://example.com/foreign']);
    expect(referencedBlobs(parsed).map((b) => b.digest)).toEqual([config.digest, layer.digest, withoutUrls.digest]);
  });

  it('refuses a body media type that contradicts Content-Type', () => {
    rejects(bytes(image), MediaTypes.dockerManifest, 'MANIFEST_INVALID');
  });

  it('refuses manifests over 4 MiB with 413 MANIFEST_INVALID', () => {
    const huge = Buffer.alloc(MAX_MANIFEST_BYTES + 1, ' ');
    expect(rejects(huge, MediaTypes.ociManifest, 'MANIFEST_INVALID').status).toBe(413);
  });
});

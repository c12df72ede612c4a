import { planCopy, type LocalManifest } from './sync-plan';

const manifest = (digest: string, blobs: string[] = [], children: string[] = []): LocalManifest => ({
  digest,
  mediaType: children.length ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json',
  size: 100,
  blobs: blobs.map((b) => ({ digest: b, size: 10 })),
  children,
});

describe('the order a sync copies an image in', () => {
  it('copies an image manifest after its config and layers', () => {
    const manifests = new Map([['m', manifest('m', ['config', 'layer'])]]);
    expect(planCopy('m', manifests, () => []).map((i) => `${i.kind}:${i.digest}`)).toEqual(['blob:config', 'blob:layer', 'manifest:m']);
  });

  it('copies every platform of an index before the index, and blobs they share once', () => {
    const manifests = new Map([
      ['index', manifest('index', [], ['amd64', 'arm64'])],
      ['amd64', manifest('amd64', ['config-a', 'shared'])],
      ['arm64', manifest('arm64', ['config-b', 'shared'])],
    ]);
    expect(planCopy('index', manifests, () => []).map((i) => i.digest)).toEqual(['config-a', 'shared', 'amd64', 'config-b', 'arm64', 'index']);
  });

  it('copies referrers after their subject, and the referrers of referrers after them', () => {
    const manifests = new Map([
      ['image', manifest('image', ['layer'])],
      ['sbom', manifest('sbom', ['sbom-blob'])],
      ['sbom-signature', manifest('sbom-signature', ['sig-blob'])],
    ]);
    const referrers: Record<string, string[]> = { image: ['sbom'], sbom: ['sbom-signature'] };
    expect(planCopy('image', manifests, (d) => referrers[d] ?? []).map((i) => i.digest)).toEqual(['layer', 'image', 'sbom-blob', 'sbom', 'sig-blob', 'sbom-signature']);
  });

  it('refuses a manifest the repository does not hold', () => {
    expect(() => planCopy('index', new Map([['index', manifest('index', [], ['gone'])]]), () => [])).toThrow(/gone is not in the repository/);
  });
});

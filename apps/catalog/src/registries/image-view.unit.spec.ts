import { describeImage, type ImageFacts, type ImageSources } from './image-view';

const config = 'sha256:c0';
const base = 'sha256:b1';
const app = 'sha256:a2';
const amd64: ImageFacts = {
  digest: 'sha256:amd64',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  blobs: [config, base, app],
  configDigest: config,
  children: [],
  platform: { architecture: 'amd64', os: 'linux' },
  tags: ['v1-amd64'],
  pushedAt: '2026-11-23T10:00:00.000Z',
};
const arm64: ImageFacts = { ...amd64, digest: 'sha256:arm64', blobs: [config, base], platform: { architecture: 'arm64', os: 'linux', variant: 'v8' }, tags: [] };
const attestation: ImageFacts = { ...amd64, digest: 'sha256:attest', blobs: [config], platform: { architecture: 'unknown', os: 'unknown' }, tags: [] };
const index: ImageFacts = {
  digest: 'sha256:index',
  mediaType: 'application/vnd.oci.image.index.v1+json',
  blobs: [],
  children: [amd64.digest, arm64.digest, attestation.digest],
  tags: ['v1'],
  pushedAt: '2026-11-23T10:01:00.000Z',
};
const sources: ImageSources = {
  manifests: new Map([amd64, arm64, attestation, index].map((m) => [m.digest, m])),
  blobSizes: new Map([
    [config, 1000],
    [base, 30000],
    [app, 2500],
  ]),
};

describe('describing an image', () => {
  it('lists the layers (not the config) with their stored sizes, and sums them as the size', () => {
    expect(describeImage(amd64, sources)).toEqual({
      digest: amd64.digest,
      createdAt: amd64.pushedAt,
      tags: ['v1-amd64'],
      size: 32500,
      layers: [
        { digest: base, size: 30000 },
        { digest: app, size: 2500 },
      ],
      architecture: 'amd64',
      os: 'linux',
      mediaType: amd64.mediaType,
    });
  });

  it("describes an index by its children: no layers of its own, their sizes summed, their platforms listed", () => {
    expect(describeImage(index, sources)).toEqual({
      digest: index.digest,
      createdAt: index.pushedAt,
      tags: ['v1'],
      size: 32500 + 30000 + 0,
      layers: [],
      architecture: 'amd64,arm64',
      os: 'linux',
      mediaType: index.mediaType,
    });
  });

  it('shows an artifact without a platform with empty platform strings', () => {
    const chart: ImageFacts = { ...amd64, digest: 'sha256:chart', blobs: [config, app], tags: ['0.1.0'] };
    delete (chart as { platform?: unknown }).platform;
    expect(describeImage(chart, sources)).toMatchObject({ architecture: '', os: '', size: 2500, layers: [{ digest: app, size: 2500 }] });
  });

  it('counts a layer whose blob link is gone as 0 bytes', () => {
    expect(describeImage(amd64, { ...sources, blobSizes: new Map([[base, 30000]]) })).toMatchObject({ size: 30000, layers: [{ digest: base, size: 30000 }, { digest: app, size: 0 }] });
  });

  it('counts a child listed twice once', () => {
    const twice: ImageFacts = { ...index, children: [amd64.digest, amd64.digest] };
    expect(describeImage(twice, sources).size).toBe(32500);
  });
});

import { HELM_CONFIG_TYPE, manifestKind, repositoryType } from './manifest-kind';

const ociManifest = 'application/vnd.oci.image.manifest.v1+json';

describe('manifest kind', () => {
  it('calls OCI and Docker images and their indexes images', () => {
    expect(manifestKind({ mediaType: ociManifest, artifactType: 'application/vnd.oci.image.config.v1+json' })).toBe('image');
    expect(manifestKind({ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', artifactType: 'application/vnd.docker.container.image.v1+json' })).toBe('image');
    expect(manifestKind({ mediaType: 'application/vnd.oci.image.index.v1+json' })).toBe('image');
    expect(manifestKind({ mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' })).toBe('image');
  });

  it("calls manifests with Helm's config media type Helm charts", () => {
    expect(manifestKind({ mediaType: ociManifest, artifactType: HELM_CONFIG_TYPE })).toBe('helm_chart');
  });

  it('calls anything else an artifact, indexes that declare an artifact type included', () => {
    expect(manifestKind({ mediaType: ociManifest, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' })).toBe('artifact');
    expect(manifestKind({ mediaType: ociManifest, artifactType: 'application/vnd.oci.empty.v1+json' })).toBe('artifact');
    expect(manifestKind({ mediaType: 'application/vnd.oci.image.index.v1+json', artifactType: 'application/vnd.example.bundle' })).toBe('artifact');
  });
});

describe('repository type', () => {
  it('is image once the repository holds an image, whatever else it holds', () => {
    expect(repositoryType({ image: 1, helm_chart: 2, artifact: 3 })).toBe('image');
  });

  it('is helm_chart for charts (with or without other artifacts such as signatures)', () => {
    expect(repositoryType({ image: 0, helm_chart: 1, artifact: 0 })).toBe('helm_chart');
    expect(repositoryType({ image: 0, helm_chart: 1, artifact: 4 })).toBe('helm_chart');
  });

  it('is artifact for other artifacts only, and image for a repository with no manifest yet', () => {
    expect(repositoryType({ image: 0, helm_chart: 0, artifact: 2 })).toBe('artifact');
    expect(repositoryType({ image: 0, helm_chart: 0, artifact: 0 })).toBe('image');
  });
});

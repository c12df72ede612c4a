import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerTools } from './container-tools';
import { adminToken } from './http';
import { createNamespace } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses, type Mode } from './wharf-processes';

/** Real registry clients against Wharf, in both run modes: buildah builds, podman and skopeo push and pull. */
describe.each<Mode>(['embedded', 'distributed'])('real clients (%s mode)', (mode) => {
  let wharf: WharfProcesses;
  let tools: ContainerTools;
  let host: string;
  const creds = `admin:${ADMIN_PASSWORD}`;

  beforeAll(async () => {
    const missing = await ContainerTools.missing();
    if (missing.length > 0) throw new Error(`These tests need ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    wharf = await WharfProcesses.start(mode);
    host = new URL(wharf.registryUrl).host;
    await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'clients');
    tools = new ContainerTools();
    await tools.buildImage('hello:1', `hello from ${mode}`);
  }, 180000);

  afterAll(async () => {
    await wharf?.stop();
    tools?.cleanup();
  });

  it('pushes with skopeo, then inspects, lists tags and pulls back the same digest', async () => {
    const pushed = tools.digestFile('skopeo-push');
    await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', creds, '--digestfile', pushed, tools.local('hello:1'), `docker://${host}/clients/hello:v1`);
    const digest = tools.read(pushed);
    const inspected = JSON.parse(await tools.skopeo('inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/clients/hello:v1`)) as { Digest: string; RepoTags: string[] };
    expect(inspected.Digest).toBe(digest);
    expect(inspected.RepoTags).toEqual(['v1']);
    const tags = JSON.parse(await tools.skopeo('list-tags', '--tls-verify=false', '--creds', creds, `docker://${host}/clients/hello`)) as { Tags: string[] };
    expect(tags.Tags).toEqual(['v1']);
    const layout = join(tools.dir, 'pulled');
    await tools.skopeo('copy', '--src-tls-verify=false', '--src-creds', creds, `docker://${host}/clients/hello:v1`, `oci:${layout}:v1`);
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    expect(index.manifests[0]?.digest).toBe(digest);
  });

  it('logs in with podman, pushes, and pulls back the same digest', async () => {
    await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, host);
    const pushed = tools.digestFile('podman-push');
    await tools.podman('push', '--tls-verify=false', '--digestfile', pushed, 'localhost/hello:1', `${host}/clients/podman:latest`);
    const digest = tools.read(pushed);
    await tools.podman('pull', '--tls-verify=false', `${host}/clients/podman:latest`);
    // The image existed locally before the push, so its own Digest stays; the pull is recorded in RepoDigests.
    const repoDigests = await tools.podman('image', 'inspect', '--format', '{{json .RepoDigests}}', `${host}/clients/podman:latest`);
    expect(JSON.parse(repoDigests)).toContain(`${host}/clients/podman@${digest}`);
  });

  it('copies a two-platform image index with skopeo copy --all, and back', async () => {
    const source = await tools.buildIndex('multi');
    const pushed = tools.digestFile('index-push');
    await tools.skopeo('copy', '--all', '--dest-tls-verify=false', '--dest-creds', creds, '--digestfile', pushed, source, `docker://${host}/clients/multi:v1`);
    const raw = JSON.parse(await tools.skopeo('inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${host}/clients/multi:v1`)) as {
      mediaType: string;
      manifests: Array<{ platform: { architecture: string } }>;
    };
    expect(raw.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(raw.manifests.map((m) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
    const layout = join(tools.dir, 'multi-back');
    await tools.skopeo('copy', '--all', '--src-tls-verify=false', '--src-creds', creds, `docker://${host}/clients/multi:v1`, `oci:${layout}:v1`);
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    expect(index.manifests[0]?.digest).toBe(tools.read(pushed));
  });

  it('deletes with skopeo delete, which removes the manifest and its tags', async () => {
    await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', creds, tools.local('hello:1'), `docker://${host}/clients/doomed:v1`);
    await tools.skopeo('delete', '--tls-verify=false', '--creds', creds, `docker://${host}/clients/doomed:v1`);
    const tags = JSON.parse(await tools.skopeo('list-tags', '--tls-verify=false', '--creds', creds, `docker://${host}/clients/doomed`)) as { Tags: string[] };
    expect(tags.Tags).toEqual([]);
    await expect(tools.skopeo('inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/clients/doomed:v1`)).rejects.toThrow(/manifest unknown|not found/i);
  });

  it('refuses a wrong password at login and anonymous pulls of a private repository', async () => {
    await expect(tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', 'wrong-password', host)).rejects.toThrow(/401|unauthorized|invalid/i);
    await expect(tools.skopeo('inspect', '--tls-verify=false', '--no-creds', `docker://${host}/clients/hello:v1`)).rejects.toThrow(/unauthorized|authentication required/i);
  });
});

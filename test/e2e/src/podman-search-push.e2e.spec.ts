import { ContainerTools } from './container-tools';
import { adminToken } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

/** podman's search and its push into an organization that does not exist (embedded mode). */
describe('podman search and pushes to a missing organization', () => {
  let wharf: WharfProcesses;
  let tools: ContainerTools;
  let host: string;

  beforeAll(async () => {
    const missing = await ContainerTools.missing();
    if (missing.length > 0) throw new Error(`These tests need ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    wharf = await WharfProcesses.start('embedded');
    host = new URL(wharf.registryUrl).host;
    await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'searchable');
    const oci = new OciHttp(wharf.registryUrl);
    const { token } = await oci.token(['repository:searchable/findme:pull,push']);
    expect((await oci.pushImage('searchable/findme', 'v1', token)).result.status).toBe(201);
    tools = new ContainerTools();
    await tools.podman('login', '--tls-verify=false', '-u', 'admin', '-p', ADMIN_PASSWORD, host);
  }, 180000);

  afterAll(async () => {
    await wharf?.stop();
    tools?.cleanup();
  });

  it('finds a repository with podman search, which asks the token endpoint for no catalog scope', async () => {
    const found = await tools.podman('search', '--tls-verify=false', '--format', '{{.Name}}', `${host}/findme`);
    expect(found.trim().split('\n')).toEqual([`${host}/searchable/findme`]);
  });

  it('tells podman push that the organization does not exist and how to create it', async () => {
    await tools.buildImage('orphan:1', 'pushed nowhere');
    await expect(tools.podman('push', '--tls-verify=false', 'localhost/orphan:1', `${host}/missing-org/orphan:1`)).rejects.toThrow(
      /organization "missing-org" does not exist: create it first \(SWR: POST \/v2\/manage\/namespaces/,
    );
  });
});

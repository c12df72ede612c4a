import { ContainerTools } from './container-tools';
import { adminToken, http, passwordLogin } from './http';
import { WharfProcesses, type Mode } from './wharf-processes';

const REFUSED = /unauthorized|denied|authentication required|forbidden|invalid username\/password/i;

/**
 * Selectel tokens with real clients: `podman login -u token -p <secret>`, scopes enforced by the token endpoint.
 * Distributed mode checks that identity learns catalog's new registries across processes.
 */
describe.each<Mode>(['embedded', 'distributed'])('Selectel token scopes with podman and skopeo (%s mode)', (mode) => {
  let wharf: WharfProcesses;
  let tools: ContainerTools;
  let host: string;
  let session: string;
  let alpha: string;

  const call = (method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session }, ...(json !== undefined ? { json } : {}) });
  const createRegistry = async (name: string): Promise<string> => {
    const created = await call('POST', '/api/v1/registries', { name });
    if (created.status !== 201) throw new Error(`creating registry ${name}: ${created.status} ${created.text}`);
    return (created.body as { id: string }).id;
  };
  const createToken = async (name: string, scope: { modeRW: boolean; allRegistries: boolean; registryIds: string[] }) => {
    const created = await call('POST', '/api/v2/tokens', { name, expiration: { isSet: false }, scope });
    if (created.status !== 201) throw new Error(`creating token ${name}: ${created.status} ${created.text}`);
    return created.body as { id: string; token: string };
  };
  const podmanLogin = (secret: string) => tools.podman('login', '--tls-verify=false', '-u', 'token', '-p', secret, host);
  /** Pulls fresh from the registry: the local copy goes first, so nothing is served from podman's own storage. */
  const pull = async (reference: string) => {
    await tools.podman('rmi', '--force', `${host}/${reference}`).catch(() => undefined);
    await tools.podman('pull', '--tls-verify=false', `${host}/${reference}`);
  };
  const push = (reference: string) => tools.podman('push', '--tls-verify=false', 'localhost/source:1', `${host}/${reference}`);

  beforeAll(async () => {
    wharf = await WharfProcesses.start(mode);
    host = new URL(wharf.registryUrl).host;
    const system = await adminToken(wharf.apiUrl);
    const domain = await http(`${wharf.apiUrl}/v3/domains`, { method: 'POST', headers: { 'X-Auth-Token': system }, json: { domain: { name: 'acme' } } });
    const domainId = (domain.body as { domain: { id: string } }).domain.id;
    await http(`${wharf.apiUrl}/v3/users`, { method: 'POST', headers: { 'X-Auth-Token': system }, json: { user: { name: 'acme-admin', password: 'acme-admin-pw', domain_id: domainId, account_admin: true } } });
    session = (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('acme-admin', 'acme-admin-pw') })).headers.get('x-subject-token')!;
    alpha = await createRegistry('alpha');
    await createRegistry('beta');
    tools = new ContainerTools();
    await tools.buildImage('source:1', 'pushed for the token scope tests');
    for (const target of ['alpha/app:v1', 'beta/app:v1']) {
      await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', 'acme-admin:acme-admin-pw', tools.local('source:1'), `docker://${host}/${target}`);
    }
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
    tools?.cleanup();
  });

  it('lets a read-only token pull and never push', async () => {
    const readOnly = await createToken('ro-alpha', { modeRW: false, allRegistries: false, registryIds: [alpha] });
    await podmanLogin(readOnly.token);
    await pull('alpha/app:v1');
    await expect(push('alpha/app:from-ro')).rejects.toThrow(REFUSED);
    await expect(push('alpha/new:from-ro')).rejects.toThrow(REFUSED);
  }, 120000);

  it('gives a token scoped to registry A nothing from registry B, while it pushes to A', async () => {
    const scoped = await createToken('rw-alpha', { modeRW: true, allRegistries: false, registryIds: [alpha] });
    await podmanLogin(scoped.token);
    await push('alpha/app:from-rw');
    await pull('alpha/app:from-rw');
    await expect(pull('beta/app:v1')).rejects.toThrow(REFUSED);
    await expect(push('beta/app:from-rw')).rejects.toThrow(REFUSED);
    // skopeo with the same credentials sees the same scope.
    const creds = `token:${scoped.token}`;
    const inspected = JSON.parse(await tools.skopeo('inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/alpha/app:from-rw`)) as { Name: string };
    expect(inspected.Name).toBe(`${host}/alpha/app`);
    await expect(tools.skopeo('inspect', '--tls-verify=false', '--creds', creds, `docker://${host}/beta/app:v1`)).rejects.toThrow(REFUSED);
  }, 120000);

  it('refuses a revoked token on its next login and pull', async () => {
    const revoked = await createToken('to-revoke', { modeRW: false, allRegistries: true, registryIds: [] });
    await podmanLogin(revoked.token);
    await pull('beta/app:v1');
    expect((await call('POST', `/api/v2/tokens/${revoked.id}/revoke`)).status).toBe(204);
    await expect(pull('beta/app:v1')).rejects.toThrow(REFUSED);
    await expect(podmanLogin(revoked.token)).rejects.toThrow(REFUSED);
  }, 120000);

  it("refuses a regenerated token's old secret at once and accepts the new one", async () => {
    const rotated = await createToken('to-rotate', { modeRW: false, allRegistries: true, registryIds: [] });
    await podmanLogin(rotated.token);
    await pull('alpha/app:v1');
    const regenerated = await call('POST', `/api/v2/tokens/${rotated.id}/regenerate`, { expiration: { isSet: false } });
    const fresh = (regenerated.body as { token: string }).token;
    await expect(pull('alpha/app:v1')).rejects.toThrow(REFUSED);
    await expect(podmanLogin(rotated.token)).rejects.toThrow(REFUSED);
    await podmanLogin(fresh);
    await pull('alpha/app:v1');
  }, 120000);

  it("pulls with a cluster integration's secret from its registry only, until the integration is removed", async () => {
    const added = await call('POST', `/api/v1/registries/${alpha}/clusters`, { name: 'k8s-prod', pool: 'ru-9' });
    const { id, pullSecret } = added.body as { id: string; pullSecret: { username: string; password: string } };
    await tools.podman('login', '--tls-verify=false', '-u', pullSecret.username, '-p', pullSecret.password, host);
    await pull('alpha/app:v1');
    await expect(push('alpha/app:from-cluster')).rejects.toThrow(REFUSED);
    await expect(pull('beta/app:v1')).rejects.toThrow(REFUSED);
    expect((await call('DELETE', `/api/v1/registries/${alpha}/clusters/${id}`)).status).toBe(204);
    await expect(pull('alpha/app:v1')).rejects.toThrow(REFUSED);
  }, 120000);
});

import { createHmac } from 'node:crypto';
import { ContainerTools } from './container-tools';
import { adminToken, http, passwordLogin } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

interface KeystoneUser {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  account_admin: boolean;
}

/** Accounts, users and access keys (Keystone/IAM style), and what they allow on the data plane. */
describe('accounts, users and access keys', () => {
  let wharf: WharfProcesses;
  let systemToken: string;
  const call = (token: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': token }, ...(json !== undefined ? { json } : {}) });
  const login = async (name: string, password: string) => {
    const result = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(name, password) });
    return { status: result.status, token: result.headers.get('x-subject-token') ?? '' };
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    systemToken = await adminToken(wharf.apiUrl);
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('lets the installation administrator create accounts and their administrators, and nobody else', async () => {
    const domain = await call(systemToken, 'POST', '/v3/domains', { domain: { name: 'acme', description: 'Acme Corp' } });
    expect(domain.status).toBe(201);
    const acme = (domain.body as { domain: { id: string; name: string; enabled: boolean } }).domain;
    expect(acme).toMatchObject({ name: 'acme', enabled: true });
    const admin = await call(systemToken, 'POST', '/v3/users', { user: { name: 'acme-admin', password: 'acme-admin-pw', domain_id: acme.id, account_admin: true } });
    expect(admin.status).toBe(201);
    expect((admin.body as { user: KeystoneUser }).user).toMatchObject({ name: 'acme-admin', domain_id: acme.id, enabled: true, account_admin: true });
    const { token: acmeToken } = await login('acme-admin', 'acme-admin-pw');
    const refused = await call(acmeToken, 'POST', '/v3/domains', { domain: { name: 'sneaky' } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 403 } });
    const visible = await call(acmeToken, 'GET', '/v3/domains');
    expect((visible.body as { domains: Array<{ name: string }> }).domains.map((d) => d.name)).toEqual(['acme']);
    const taken = await call(systemToken, 'POST', '/v3/domains', { domain: { name: 'acme' } });
    expect(taken.status).toBe(409);
  });

  it("lets an account's administrator manage its users, with names unique in the account and a password policy", async () => {
    const { token: acmeToken } = await login('acme-admin', 'acme-admin-pw');
    const dev = await call(acmeToken, 'POST', '/v3/users', { user: { name: 'acme-dev', password: 'developer-pw' } });
    expect(dev.status).toBe(201);
    expect((await call(acmeToken, 'POST', '/v3/users', { user: { name: 'acme-dev', password: 'whatever-pw' } })).status).toBe(409);
    const weak = await call(acmeToken, 'POST', '/v3/users', { user: { name: 'weakling', password: 'short' } });
    expect(weak.status).toBe(400);
    const listed = await call(acmeToken, 'GET', '/v3/users');
    expect((listed.body as { users: KeystoneUser[] }).users.map((u) => u.name)).toEqual(['acme-admin', 'acme-dev']);
    const { token: devToken } = await login('acme-dev', 'developer-pw');
    expect((await call(devToken, 'POST', '/v3/users', { user: { name: 'intruder', password: 'intruder-pw' } })).status).toBe(403);
    const systemAccountId = ((await call(systemToken, 'GET', '/v3/domains?name=admin')).body as { domains: Array<{ id: string }> }).domains[0]!.id;
    expect((await call(acmeToken, 'GET', `/v3/users?domain_id=${systemAccountId}`)).status).toBe(403);
  });

  it('lets users change their own password with the current one, after which only the new one works', async () => {
    const { token: devToken } = await login('acme-dev', 'developer-pw');
    expect((await call(devToken, 'GET', '/v3/users')).status).toBe(403);
    const { token: acmeToken } = await login('acme-admin', 'acme-admin-pw');
    const devId = ((await call(acmeToken, 'GET', '/v3/users?name=acme-dev')).body as { users: KeystoneUser[] }).users[0]!.id;
    expect((await call(devToken, 'POST', `/v3/users/${devId}/password`, { user: { original_password: 'wrong', password: 'new-developer-pw' } })).status).toBe(401);
    expect((await call(devToken, 'POST', `/v3/users/${devId}/password`, { user: { original_password: 'developer-pw', password: 'new-developer-pw' } })).status).toBe(204);
    expect((await login('acme-dev', 'developer-pw')).status).toBe(401);
    expect((await login('acme-dev', 'new-developer-pw')).status).toBe(201);
  });

  it('logs podman in with an access key (region@AK, hex HMAC-SHA256(SK, AK)) and stops it when the user is disabled', async () => {
    const { token: acmeToken } = await login('acme-admin', 'acme-admin-pw');
    await createNamespace(wharf.apiUrl, acmeToken, 'acme-images');
    const adminId = ((await call(acmeToken, 'GET', '/v3/users?name=acme-admin')).body as { users: KeystoneUser[] }).users[0]!.id;
    const created = await call(acmeToken, 'POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: adminId, description: 'ci' } });
    expect(created.status).toBe(201);
    const { access, secret } = (created.body as { credential: { access: string; secret: string } }).credential;
    expect(access).toMatch(/^[A-Z0-9]{20}$/);
    const listed = await call(acmeToken, 'GET', `/v3.0/OS-CREDENTIAL/credentials?user_id=${adminId}`);
    expect((listed.body as { credentials: Array<Record<string, unknown>> }).credentials).toEqual([
      { access, user_id: adminId, description: 'ci', status: 'active', created_at: expect.any(String) },
    ]);

    const username = `region-1@${access}`;
    const password = createHmac('sha256', secret).update(access).digest('hex');
    const oci = new OciHttp(wharf.registryUrl);
    const granted = await oci.token(['repository:acme-images/app:pull,push'], { username, password });
    expect(granted.status).toBe(200);
    const pushed = await oci.pushImage('acme-images/app', 'v1', granted.token);
    expect(pushed.result.status).toBe(201);
    expect((await oci.token(['repository:acme-images/app:pull'], { username, password: 'f'.repeat(64) })).status).toBe(401);

    const tools = new ContainerTools();
    try {
      const host = new URL(wharf.registryUrl).host;
      await tools.buildImage('ak-login:1', 'pushed with an access key');
      await tools.podman('login', '--tls-verify=false', '-u', username, '-p', password, host);
      const digestFile = tools.digestFile('ak-push');
      await tools.podman('push', '--tls-verify=false', '--digestfile', digestFile, 'localhost/ak-login:1', `${host}/acme-images/real:v1`);
      await tools.podman('pull', '--tls-verify=false', `${host}/acme-images/real:v1`);
      const repoDigests = JSON.parse(await tools.podman('image', 'inspect', '--format', '{{json .RepoDigests}}', `${host}/acme-images/real:v1`)) as string[];
      expect(repoDigests).toContain(`${host}/acme-images/real@${tools.read(digestFile)}`);
    } finally {
      tools.cleanup();
    }

    // Disabling the user ends its session tokens and its access keys at once.
    const devId = ((await call(acmeToken, 'GET', '/v3/users?name=acme-dev')).body as { users: KeystoneUser[] }).users[0]!.id;
    const { token: devToken } = await login('acme-dev', 'new-developer-pw');
    expect((await call(devToken, 'GET', '/v2/manage/namespaces')).status).toBe(200);
    expect((await call(acmeToken, 'PATCH', `/v3/users/${devId}`, { user: { enabled: false } })).status).toBe(200);
    expect((await call(devToken, 'GET', '/v2/manage/namespaces')).status).toBe(401);
    expect((await login('acme-dev', 'new-developer-pw')).status).toBe(401);

    expect((await call(systemToken, 'PATCH', `/v3/users/${adminId}`, { user: { enabled: false } })).status).toBe(200);
    expect((await oci.token(['repository:acme-images/app:pull'], { username, password })).status).toBe(401);
    expect((await call(systemToken, 'PATCH', `/v3/users/${adminId}`, { user: { enabled: true } })).status).toBe(200);
    expect((await oci.token(['repository:acme-images/app:pull'], { username, password })).status).toBe(200);
    // Re-enabling revives no session: the administrator signs in again.
    expect((await call(acmeToken, 'GET', '/v3/users')).status).toBe(401);
    const { token: renewedAcmeToken } = await login('acme-admin', 'acme-admin-pw');
    expect((await call(renewedAcmeToken, 'DELETE', `/v3.0/OS-CREDENTIAL/credentials/${access}`)).status).toBe(204);
    expect((await oci.token(['repository:acme-images/app:pull'], { username, password })).status).toBe(401);
  });

  it("keeps accounts apart: another account's organizations and users are invisible", async () => {
    const { token: acmeToken } = await login('acme-admin', 'acme-admin-pw');
    await createNamespace(wharf.apiUrl, systemToken, 'system-org');
    const list = await call(acmeToken, 'GET', '/v2/manage/namespaces');
    expect((list.body as { namespaces: Array<{ name: string }> }).namespaces.map((n) => n.name)).toEqual(['acme-images']);
    const other = await call(acmeToken, 'GET', '/v2/manage/namespaces/system-org');
    expect(other.status).toBe(404);
    expect((await call(acmeToken, 'DELETE', '/v2/manage/namespaces/system-org')).status).toBe(404);
    const oci = new OciHttp(wharf.registryUrl);
    const denied = await oci.token(['repository:system-org/app:pull,push'], { username: 'acme-admin', password: 'acme-admin-pw' });
    expect((await oci.request('POST', '/v2/system-org/app/blobs/uploads/', { token: denied.token })).status).toBe(403);
  });

  it('refuses to delete an account while it holds organizations, naming them', async () => {
    const { token: acmeToken } = await login('acme-admin', 'acme-admin-pw');
    const acmeId = ((await call(systemToken, 'GET', '/v3/domains?name=acme')).body as { domains: Array<{ id: string }> }).domains[0]!.id;
    const refused = await call(systemToken, 'DELETE', `/v3/domains/${acmeId}`);
    expect(refused.status).toBe(409);
    expect((refused.body as { error: { code: number; message: string } }).error).toEqual({ code: 409, title: 'Conflict', message: expect.stringContaining('acme-images') });
    expect((await call(acmeToken, 'GET', '/v2/manage/namespaces/acme-images')).status).toBe(200);
    expect((await login('acme-admin', 'acme-admin-pw')).status).toBe(201);
    const { registries } = (await call(acmeToken, 'GET', '/api/v2/registries')).body as { registries: Array<{ id: string; name: string }> };
    for (const registry of registries) expect((await call(acmeToken, 'DELETE', `/api/v1/registries/${registry.id}`)).status).toBe(204);
  });

  it('deletes a user at once, and an account with its users', async () => {
    const { token: acmeToken } = await login('acme-admin', 'acme-admin-pw');
    const temp = await call(acmeToken, 'POST', '/v3/users', { user: { name: 'acme-temp', password: 'temporary-pw' } });
    const tempId = (temp.body as { user: KeystoneUser }).user.id;
    const { token: tempToken } = await login('acme-temp', 'temporary-pw');
    expect((await call(acmeToken, 'DELETE', `/v3/users/${tempId}`)).status).toBe(204);
    expect((await call(tempToken, 'GET', '/v2/manage/namespaces')).status).toBe(401);
    expect((await call(acmeToken, 'GET', `/v3/users/${tempId}`)).status).toBe(404);

    const acmeId = ((await call(systemToken, 'GET', '/v3/domains?name=acme')).body as { domains: Array<{ id: string }> }).domains[0]!.id;
    expect((await call(systemToken, 'DELETE', `/v3/domains/${acmeId}`)).status).toBe(204);
    expect((await call(acmeToken, 'GET', '/v2/manage/namespaces')).status).toBe(401);
    expect((await login('acme-admin', 'acme-admin-pw')).status).toBe(401);
    expect((await call(systemToken, 'GET', `/v3/domains/${acmeId}`)).status).toBe(404);
  });
});

import { ContainerTools } from './container-tools';
import { adminToken, http } from './http';
import { OciHttp } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

interface KeystoneToken {
  token: { user: { name: string; domain: { id: string; name: string } } };
}

/** User names are unique per account: each account may have its own `admin`, and logins say which one. */
describe('user names per account', () => {
  let wharf: WharfProcesses;
  let systemToken: string;
  const accounts: Record<string, string> = {};

  const call = (token: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': token }, ...(json !== undefined ? { json } : {}) });
  const keystoneLogin = (name: string, password: string, domain?: { name: string } | { id: string }) =>
    http<KeystoneToken>(`${wharf.apiUrl}/v3/auth/tokens`, {
      method: 'POST',
      json: { auth: { identity: { methods: ['password'], password: { user: { name, password, ...(domain ? { domain } : {}) } } } } },
    });

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    systemToken = await adminToken(wharf.apiUrl);
    for (const name of ['beta', 'gamma']) {
      const created = await call(systemToken, 'POST', '/v3/domains', { domain: { name } });
      accounts[name] = (created.body as { domain: { id: string } }).domain.id;
    }
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it("creates a user whose name another account has (no conflict, so no hint), and refuses one the account has", async () => {
    const admin = await call(systemToken, 'POST', '/v3/users', { user: { name: 'admin', password: 'beta-admin-pw', domain_id: accounts.beta, account_admin: true } });
    expect(admin.status).toBe(201);
    expect(admin.body).toMatchObject({ user: { name: 'admin', domain_id: accounts.beta } });
    for (const [account, password] of [['beta', 'beta-deployer-pw'], ['gamma', 'gamma-deployer-pw']] as const) {
      expect((await call(systemToken, 'POST', '/v3/users', { user: { name: 'deployer', password, domain_id: accounts[account] } })).status).toBe(201);
    }
    expect((await call(systemToken, 'POST', '/v3/users', { user: { name: 'solo', password: 'gamma-solo-pw', domain_id: accounts.gamma } })).status).toBe(201);
    const again = await call(systemToken, 'POST', '/v3/users', { user: { name: 'deployer', password: 'another-pw', domain_id: accounts.beta } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 409 } });
    const betaUsers = await call(systemToken, 'GET', `/v3/users?domain_id=${accounts.beta}`);
    expect((betaUsers.body as { users: Array<{ name: string }> }).users.map((u) => u.name)).toEqual(['admin', 'deployer']);
  });

  it("logs in to Keystone with the user's domain by name or id, and with a bare name only while one account has it", async () => {
    const byName = await keystoneLogin('deployer', 'beta-deployer-pw', { name: 'beta' });
    expect(byName.status).toBe(201);
    expect(byName.body.token.user.domain).toEqual({ id: accounts.beta, name: 'beta' });
    const byId = await keystoneLogin('deployer', 'gamma-deployer-pw', { id: accounts.gamma! });
    expect(byId.status).toBe(201);
    expect(byId.body.token.user.domain).toEqual({ id: accounts.gamma, name: 'gamma' });
    expect((await keystoneLogin('deployer', 'gamma-deployer-pw', { name: 'beta' })).status).toBe(401);
    // Two accounts have a `deployer` (and an `admin`): a bare name names nobody.
    expect((await keystoneLogin('deployer', 'beta-deployer-pw')).status).toBe(401);
    expect((await keystoneLogin('admin', ADMIN_PASSWORD)).status).toBe(401);
    expect((await keystoneLogin('admin', ADMIN_PASSWORD, { name: 'admin' })).status).toBe(201);
    const solo = await keystoneLogin('solo', 'gamma-solo-pw');
    expect(solo.status).toBe(201);
    expect(solo.body.token.user.domain.name).toBe('gamma');
    expect((await keystoneLogin('deployer', 'beta-deployer-pw', {} as { name: string })).status).toBe(400);
  });

  it('logs in to the registry as account/user always, and as a bare user while it is unambiguous', async () => {
    const betaAdmin = await keystoneLogin('admin', 'beta-admin-pw', { name: 'beta' });
    const betaToken = betaAdmin.headers.get('x-subject-token')!;
    expect((await call(betaToken, 'POST', '/v2/manage/namespaces', { namespace: 'beta-images' })).status).toBe(201);
    const oci = new OciHttp(wharf.registryUrl);
    const scope = ['repository:beta-images/app:pull,push'];
    const granted = await oci.token(scope, { username: 'beta/admin', password: 'beta-admin-pw' });
    expect(granted.status).toBe(200);
    expect((await oci.pushImage('beta-images/app', 'v1', granted.token)).result.status).toBe(201);
    expect((await oci.token(scope, { username: 'admin', password: 'beta-admin-pw' })).status).toBe(401);
    expect((await oci.token(scope, { username: 'gamma/deployer', password: 'gamma-deployer-pw' })).status).toBe(200);
    expect((await oci.token(scope, { username: 'gamma/deployer', password: 'beta-deployer-pw' })).status).toBe(401);
    expect((await oci.token(scope, { username: 'deployer', password: 'gamma-deployer-pw' })).status).toBe(401);
    expect((await oci.token(scope, { username: 'solo', password: 'gamma-solo-pw' })).status).toBe(200);

    const tools = new ContainerTools();
    try {
      const host = new URL(wharf.registryUrl).host;
      await tools.buildImage('per-account:1', 'pushed by beta/admin');
      await tools.podman('login', '--tls-verify=false', '-u', 'beta/admin', '-p', 'beta-admin-pw', host);
      await tools.podman('push', '--tls-verify=false', 'localhost/per-account:1', `${host}/beta-images/real:v1`);
      const tags = JSON.parse(await tools.skopeo('list-tags', '--tls-verify=false', '--creds', 'beta/admin:beta-admin-pw', `docker://${host}/beta-images/real`)) as { Tags: string[] };
      expect(tags.Tags).toEqual(['v1']);
    } finally {
      tools.cleanup();
    }
  });
});

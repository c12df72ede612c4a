import { adminToken, http, passwordLogin } from './http';
import { OciHttp } from './oci-http';
import { WharfProcesses, type Mode } from './wharf-processes';

/**
 * Revocation is immediate: a registry token obtained before a user is disabled or deleted, before a grant or
 * share is revoked or a repository made private, or before a Selectel token is revoked stops working on the next request, well inside its
 * 300 s lifetime; sessions end on a password change or a disable and stay ended after re-enabling.
 */
describe.each<Mode>(['embedded', 'distributed'])('revocation (%s)', (mode) => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let system: string;
  let owner: string;
  const password = (user: string) => `${user}-password`;
  const call = (session: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session }, ...(json !== undefined ? { json } : {}) });
  const login = async (user: string, secret = password(user)) => {
    const result = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(user, secret) });
    return { status: result.status, session: result.headers.get('x-subject-token') ?? '' };
  };
  const createUser = async (name: string): Promise<string> => {
    const created = await call(owner, 'POST', '/v3/users', { user: { name, password: password(name) } });
    if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${created.text}`);
    return (created.body as { user: { id: string } }).user.id;
  };
  const grantOn = (namespace: string, userId: string, user: string, auth: number) =>
    call(owner, 'POST', `/v2/manage/namespaces/${namespace}/access`, [{ user_id: userId, user_name: user, auth }]);
  /** A registry token for `repository` with pull and push, as the token endpoint grants it to these credentials. */
  const registryToken = async (repository: string, username: string, secret: string) => {
    const issued = await oci.token([`repository:${repository}:pull,push`], { username, password: secret });
    if (issued.status !== 200) throw new Error(`token for ${username}: ${issued.status}`);
    return issued.token;
  };
  const tags = (repository: string, token: string) => oci.request('GET', `/v2/${repository}/tags/list`, { token });

  beforeAll(async () => {
    wharf = await WharfProcesses.start(mode);
    oci = new OciHttp(wharf.registryUrl);
    system = await adminToken(wharf.apiUrl);
    const domain = await call(system, 'POST', '/v3/domains', { domain: { name: 'revoking' } });
    const domainId = (domain.body as { domain: { id: string } }).domain.id;
    await call(system, 'POST', '/v3/users', { user: { name: 'rev-owner', password: password('rev-owner'), domain_id: domainId, account_admin: true } });
    owner = (await login('rev-owner')).session;
    expect((await call(owner, 'POST', '/v2/manage/namespaces', { namespace: 'rev' })).status).toBe(201);
    const pushed = await oci.pushImage('rev/app', 'v1', await registryToken('rev/app', 'rev-owner', password('rev-owner')));
    expect(pushed.result.status).toBe(201);
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it("refuses a disabled user's registry token at once, and still refuses it after re-enabling", async () => {
    const userId = await createUser('rev-disabled');
    expect((await grantOn('rev', userId, 'rev-disabled', 1)).status).toBe(200);
    const token = await registryToken('rev/app', 'rev-disabled', password('rev-disabled'));
    expect((await tags('rev/app', token)).status).toBe(200);

    expect((await call(owner, 'PATCH', `/v3/users/${userId}`, { user: { enabled: false } })).status).toBe(200);
    const refused = await tags('rev/app', token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Bearer realm=');

    expect((await call(owner, 'PATCH', `/v3/users/${userId}`, { user: { enabled: true } })).status).toBe(200);
    expect((await tags('rev/app', token)).status).toBe(401);
    expect((await tags('rev/app', await registryToken('rev/app', 'rev-disabled', password('rev-disabled')))).status).toBe(200);
  });

  it("refuses a deleted user's registry token at once", async () => {
    const userId = await createUser('rev-deleted');
    expect((await grantOn('rev', userId, 'rev-deleted', 1)).status).toBe(200);
    const token = await registryToken('rev/app', 'rev-deleted', password('rev-deleted'));
    expect((await tags('rev/app', token)).status).toBe(200);
    expect((await call(owner, 'DELETE', `/v3/users/${userId}`)).status).toBe(204);
    expect((await tags('rev/app', token)).status).toBe(401);
  });

  it('refuses a registry token for a repository whose organization grant was revoked after it was issued', async () => {
    const userId = await createUser('rev-grantee');
    expect((await grantOn('rev', userId, 'rev-grantee', 3)).status).toBe(200);
    const token = await registryToken('rev/app', 'rev-grantee', password('rev-grantee'));
    expect((await oci.pushBlob('rev/app', 'pushed while granted', token)).status).toBe(201);

    expect((await call(owner, 'DELETE', '/v2/manage/namespaces/rev/access', [userId])).status).toBe(204);
    const refused = await oci.pushBlob('rev/app', 'pushed after the revocation', token);
    expect(refused.status).toBe(401);
    expect((await tags('rev/app', token)).status).toBe(401);
    // A token issued now carries what is allowed now: nothing on this repository.
    const now = await oci.token(['repository:rev/app:pull,push'], { username: 'rev-grantee', password: password('rev-grantee') });
    expect((await tags('rev/app', now.token)).status).toBe(403);
  });

  it("refuses another account's registry token for a shared repository once the share is removed", async () => {
    const partner = await call(system, 'POST', '/v3/domains', { domain: { name: 'rev-partner' } });
    const partnerId = (partner.body as { domain: { id: string } }).domain.id;
    await call(system, 'POST', '/v3/users', { user: { name: 'rev-partner-admin', password: password('rev-partner-admin'), domain_id: partnerId, account_admin: true } });
    const shares = '/v2/manage/namespaces/rev/repositories/app/access-domains';
    expect((await call(owner, 'POST', shares, { access_domain: 'rev-partner', permit: 'read', deadline: 'forever' })).status).toBe(201);
    const token = await registryToken('rev/app', 'rev-partner-admin', password('rev-partner-admin'));
    expect((await tags('rev/app', token)).status).toBe(200);
    expect((await call(owner, 'DELETE', `${shares}/rev-partner`)).status).toBe(204);
    expect((await tags('rev/app', token)).status).toBe(401);
  });

  it('refuses an anonymous registry token for a repository once it is no longer public', async () => {
    expect((await call(owner, 'PATCH', '/v2/manage/namespaces/rev/repos/app', { is_public: true })).status).toBe(201);
    // Access learns that the repository is public from catalog's events; in distributed mode that can take a moment.
    const pullGranted = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { access: { actions: string[] }[] }).access.some((entry) => entry.actions.includes('pull'));
    let anonymous = await oci.token(['repository:rev/app:pull'], null);
    for (let attempt = 0; attempt < 50 && !pullGranted(anonymous.token); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      anonymous = await oci.token(['repository:rev/app:pull'], null);
    }
    expect((await tags('rev/app', anonymous.token)).status).toBe(200);
    expect((await call(owner, 'PATCH', '/v2/manage/namespaces/rev/repos/app', { is_public: false })).status).toBe(201);
    expect((await tags('rev/app', anonymous.token)).status).toBe(401);
  });

  it('refuses a registry token obtained with a Selectel token once that token is revoked, and once it is deleted', async () => {
    const create = async (name: string) => {
      const created = await call(owner, 'POST', '/api/v2/tokens', { name, expiration: { isSet: false }, scope: { modeRW: true, allRegistries: true, registryIds: [] } });
      if (created.status !== 201) throw new Error(`creating token: ${created.status} ${created.text}`);
      return created.body as { id: string; token: string };
    };
    const revoked = await create('to-revoke');
    const beforeRevoke = await registryToken('rev/app', 'token', revoked.token);
    expect((await tags('rev/app', beforeRevoke)).status).toBe(200);
    expect((await call(owner, 'POST', `/api/v2/tokens/${revoked.id}/revoke`)).status).toBe(204);
    expect((await tags('rev/app', beforeRevoke)).status).toBe(401);

    const deleted = await create('to-delete');
    const beforeDelete = await registryToken('rev/app', 'token', deleted.token);
    expect((await tags('rev/app', beforeDelete)).status).toBe(200);
    expect((await call(owner, 'DELETE', `/api/v2/tokens/${deleted.id}`)).status).toBe(204);
    expect((await tags('rev/app', beforeDelete)).status).toBe(401);
  });

  it("ends a user's other sessions when they change their password, keeping the one that changed it", async () => {
    const userId = await createUser('rev-changer');
    const { session: changing } = await login('rev-changer');
    const { session: other } = await login('rev-changer');
    const ownUser = (session: string) => call(session, 'GET', `/v3/users/${userId}`);
    expect((await ownUser(other)).status).toBe(200);
    const changed = await call(changing, 'POST', `/v3/users/${userId}/password`, { user: { original_password: password('rev-changer'), password: 'rev-changer-new-password' } });
    expect(changed.status).toBe(204);
    expect((await ownUser(other)).status).toBe(401);
    expect((await ownUser(changing)).status).toBe(200);
  });

  it("ends every session of a user an administrator gives a new password, and of a disabled user for good", async () => {
    const userId = await createUser('rev-sessions');
    const { session: first } = await login('rev-sessions');
    expect((await call(owner, 'PATCH', `/v3/users/${userId}`, { user: { password: 'rev-sessions-new-password' } })).status).toBe(200);
    expect((await call(first, 'GET', `/v3/users/${userId}`)).status).toBe(401);

    const { session: second } = await login('rev-sessions', 'rev-sessions-new-password');
    expect((await call(second, 'GET', `/v3/users/${userId}`)).status).toBe(200);
    expect((await call(owner, 'PATCH', `/v3/users/${userId}`, { user: { enabled: false } })).status).toBe(200);
    expect((await call(owner, 'PATCH', `/v3/users/${userId}`, { user: { enabled: true } })).status).toBe(200);
    expect((await call(second, 'GET', `/v3/users/${userId}`)).status).toBe(401);
    const { status, session: third } = await login('rev-sessions', 'rev-sessions-new-password');
    expect(status).toBe(201);
    expect((await call(third, 'GET', `/v3/users/${userId}`)).status).toBe(200);
  });
});

import { ContainerTools } from './container-tools';
import { adminToken, http, passwordLogin } from './http';
import { createNamespace } from './oci-http';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

type SwrError = [{ errorCode: string }];

/** Sharing a private repository with another account, pull only, until a deadline. */
describe('SWR shared accounts', () => {
  let wharf: WharfProcesses;
  let adminSession: string;
  let partnerSession: string;
  const sessions = new Map<string, string>();
  let tools: ContainerTools;
  let host: string;
  const base = '/v2/manage/namespaces/sharing/repositories/app/access-domains';
  const call = (session: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session }, ...(json !== undefined ? { json } : {}) });
  const codeOf = (body: unknown) => (body as SwrError)[0]?.errorCode;

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    host = new URL(wharf.registryUrl).host;
    adminSession = await adminToken(wharf.apiUrl);
    const partner = (await call(adminSession, 'POST', '/v3/domains', { domain: { name: 'partner' } })).body as { domain: { id: string } };
    await call(adminSession, 'POST', '/v3/users', { user: { name: 'partner-admin', password: 'partner-password', domain_id: partner.domain.id, account_admin: true } });
    const login = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('partner-admin', 'partner-password') });
    partnerSession = login.headers.get('x-subject-token')!;
    await createNamespace(wharf.apiUrl, adminSession, 'sharing');
    for (const name of ['first-owner', 'next-owner']) {
      const domain = (await call(adminSession, 'POST', '/v3/domains', { domain: { name } })).body as { domain: { id: string } };
      await call(adminSession, 'POST', '/v3/users', { user: { name: `${name}-admin`, password: `${name}-password`, domain_id: domain.domain.id, account_admin: true } });
      const session = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(`${name}-admin`, `${name}-password`) });
      sessions.set(name, session.headers.get('x-subject-token')!);
    }
    tools = new ContainerTools();
    await tools.buildImage('shared:1', 'shared across accounts');
    await tools.buildImage('private:1', 'the next owner keeps this to itself');
    await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', `admin:${ADMIN_PASSWORD}`, tools.local('shared:1'), `docker://${host}/sharing/app:v1`);
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
    tools?.cleanup();
  });

  it('lets the partner account pull with podman until the deadline, then refuses it', async () => {
    const pull = () => tools.podman('pull', '--tls-verify=false', `${host}/sharing/app:v1`);
    await tools.podman('login', '--tls-verify=false', '-u', 'partner-admin', '-p', 'partner-password', host);
    await expect(pull()).rejects.toThrow(/unauthorized|denied|authentication required/i);

    const deadline = new Date(Date.now() + 8000).toISOString();
    const shared = await call(adminSession, 'POST', base, { access_domain: 'partner', permit: 'read', deadline, description: 'for the partner' });
    expect([shared.status, shared.body]).toEqual([201, {}]);
    await pull();
    // Sharing gives pull, never push.
    await expect(tools.podman('push', '--tls-verify=false', 'localhost/shared:1', `${host}/sharing/app:partner-push`)).rejects.toThrow(/unauthorized|denied/i);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(deadline) - Date.now() + 500)));
    await tools.podman('rmi', '--force', `${host}/sharing/app:v1`);
    await expect(pull()).rejects.toThrow(/unauthorized|denied|authentication required/i);
    const listed = await call(adminSession, 'GET', base);
    expect(listed.body).toEqual([
      {
        namespace: 'sharing',
        repository: 'app',
        access_domain: 'partner',
        permit: 'read',
        deadline,
        description: 'for the partner',
        creator_id: expect.any(String),
        creator_name: 'admin',
        created: expect.any(String),
        updated: expect.any(String),
        status: false,
      },
    ]);
  }, 60000);

  it('updates, checks and removes a share, with SWR codes for bad requests', async () => {
    const forever = await call(adminSession, 'PATCH', `${base}/partner`, { permit: 'read', deadline: 'forever' });
    expect(forever.status).toBe(201);
    const exists = await call(adminSession, 'GET', `${base}/partner`);
    expect(exists.body).toMatchObject({ exist: true, access_domain: 'partner', deadline: 'forever', status: true });
    expect((await call(adminSession, 'GET', `${base}/nobody`)).body).toEqual({ exist: false });
    const duplicate = await call(adminSession, 'POST', base, { access_domain: 'partner', permit: 'read', deadline: 'forever' });
    expect([duplicate.status, codeOf(duplicate.body)]).toEqual([409, 'SVCSTG.SWR.4090089']);
    for (const [body, code] of [
      [{ access_domain: 'no-such-account', permit: 'read', deadline: 'forever' }, 'SVCSTG.SWR.4001041'],
      [{ access_domain: 'admin', permit: 'read', deadline: 'forever' }, 'SVCSTG.SWR.4001041'],
      [{ access_domain: 'partner', permit: 'write', deadline: 'forever' }, 'SVCSTG.SWR.4000014'],
      [{ access_domain: 'partner', permit: 'read', deadline: '2001-01-01T00:00:00Z' }, 'SVCSTG.SWR.4000014'],
      [{ access_domain: 'partner', permit: 'read', deadline: 'tomorrow' }, 'SVCSTG.SWR.4000014'],
    ] as const) {
      const result = await call(adminSession, 'PATCH', `${base}/${body.access_domain}`, body);
      expect([body, result.status, codeOf(result.body)]).toEqual([body, 400, code]);
    }
    // the partner can pull but not manage the share
    expect((await call(partnerSession, 'DELETE', `${base}/partner`)).status).toBe(404);
    expect((await call(adminSession, 'DELETE', `${base}/partner`)).status).toBe(204);
    const gone = await call(adminSession, 'DELETE', `${base}/partner`);
    expect([gone.status, codeOf(gone.body)]).toEqual([404, 'SVCSTG.SWR.4040091']);
    expect((await call(adminSession, 'GET', '/v2/manage/namespaces/sharing/repositories/missing/access-domains')).status).toBe(404);
  });

  describe('a share goes with the repository it was made on', () => {
    const creds = (account: string) => `${account}-admin:${account}-password`;
    const partnerPull = (org: string) =>
      tools.skopeo('copy', '--src-tls-verify=false', '--src-creds', 'partner-admin:partner-password', `docker://${host}/${org}/app:v1`, `dir:${tools.dir}/pulled-${org}-${Date.now()}`);
    const sharedWithPartner = async () =>
      ((await call(partnerSession, 'GET', '/v2/manage/shared-repositories?filter=center::thirdparty')).body as Array<{ namespace: string; name: string; domain_name: string }>).map(
        ({ namespace, name, domain_name }) => `${domain_name}:${namespace}/${name}`,
      );

    /** The first owner shares org/app with the partner and deletes it; the next owner pushes its own private org/app. */
    const reuseAfterDelete = async (org: string, deleteOrganization: (session: string) => Promise<void>) => {
      const first = sessions.get('first-owner')!;
      const next = sessions.get('next-owner')!;
      await createNamespace(wharf.apiUrl, first, org);
      await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', creds('first-owner'), tools.local('shared:1'), `docker://${host}/${org}/app:v1`);
      const access = `/v2/manage/namespaces/${org}/repositories/app/access-domains`;
      expect((await call(first, 'POST', access, { access_domain: 'partner', permit: 'read', deadline: 'forever' })).status).toBe(201);
      await partnerPull(org);
      expect(await sharedWithPartner()).toContain(`first-owner:${org}/app`);

      await deleteOrganization(first);
      await createNamespace(wharf.apiUrl, next, org);
      await tools.skopeo('copy', '--dest-tls-verify=false', '--dest-creds', creds('next-owner'), tools.local('private:1'), `docker://${host}/${org}/app:v1`);

      await expect(partnerPull(org)).rejects.toThrow(/unauthorized|denied|authentication required/i);
      expect((await sharedWithPartner()).filter((entry) => entry.endsWith(`:${org}/app`))).toEqual([]);
      expect(await call(next, 'GET', access)).toMatchObject({ status: 200, body: [] });
      // The next owner's own share is a new one (not a conflict with the old), and it alone lets the partner pull.
      expect((await call(next, 'POST', access, { access_domain: 'partner', permit: 'read', deadline: 'forever' })).status).toBe(201);
      await partnerPull(org);
      expect((await sharedWithPartner()).filter((entry) => entry.endsWith(`:${org}/app`))).toEqual([`next-owner:${org}/app`]);
    };

    it('through SWR repository and organization delete', async () => {
      await reuseAfterDelete('reused-swr', async (session) => {
        expect((await call(session, 'DELETE', '/v2/manage/namespaces/reused-swr/repos/app')).status).toBe(204);
        expect((await call(session, 'DELETE', '/v2/manage/namespaces/reused-swr')).status).toBe(204);
      });
    }, 120000);

    it('through Selectel registry delete', async () => {
      await reuseAfterDelete('reused-selectel', async (session) => {
        const { registries } = (await call(session, 'GET', '/api/v2/registries')).body as { registries: Array<{ id: string; name: string }> };
        const registry = registries.find((candidate) => candidate.name === 'reused-selectel')!;
        expect((await call(session, 'DELETE', `/api/v1/registries/${registry.id}`)).status).toBe(204);
      });
    }, 120000);
  });
});

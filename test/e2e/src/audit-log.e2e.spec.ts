import type { AuditEntry, AuditLogReply } from '@wharf/contracts/identity';
import { adminToken, http, passwordLogin } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses, type Mode } from './wharf-processes';

const WRONG_PASSWORD = 'not-the-password-4711';

/**
 * The audit log (`GET /v1/audit-logs`) across two accounts: each account administrator sees what happened in
 * their account (changes, a refused command, failed logins with the client address) and nothing of the other;
 * the installation's administrator sees both; filters and paging narrow it; a password tried is never shown.
 */
describe.each<Mode>(['embedded', 'distributed'])('audit log (%s)', (mode) => {
  let wharf: WharfProcesses;
  let system: string;
  const sessions: Record<'alpha' | 'beta' | 'alphaDev', string> = { alpha: '', beta: '', alphaDev: '' };
  const accounts: Record<'alpha' | 'beta', string> = { alpha: '', beta: '' };
  let pushedDigest: string;

  const login = async (name: string, password: string, domain: string) => {
    const result = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(name, password, domain) });
    return { status: result.status, token: result.headers.get('x-subject-token') ?? '' };
  };
  const audit = (session: string, query = '') => http<AuditLogReply>(`${wharf.apiUrl}/v1/audit-logs${query}`, { headers: { 'X-Auth-Token': session } });
  const entries = async (session: string, query = ''): Promise<AuditEntry[]> => {
    const page = await audit(session, query);
    expect(page.status).toBe(200);
    return page.body.entries;
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start(mode);
    system = await adminToken(wharf.apiUrl);
    const call = (path: string, json: unknown) => http<Record<string, { id: string }>>(`${wharf.apiUrl}${path}`, { method: 'POST', headers: { 'X-Auth-Token': system }, json });
    for (const name of ['alpha', 'beta'] as const) {
      accounts[name] = (await call('/v3/domains', { domain: { name } })).body.domain!.id;
      expect((await call('/v3/users', { user: { name: `${name}-admin`, password: `${name}-admin-password`, domain_id: accounts[name], account_admin: true } })).status).toBe(201);
      sessions[name] = (await login(`${name}-admin`, `${name}-admin-password`, name)).token;
      await createNamespace(wharf.apiUrl, sessions[name], `${name}-ns`);
    }
    expect((await call('/v3/users', { user: { name: 'alpha-dev', password: 'alpha-dev-password', domain_id: accounts.alpha } })).status).toBe(201);
    sessions.alphaDev = (await login('alpha-dev', 'alpha-dev-password', 'alpha')).token;

    // A push into alpha through the registry, with alpha's administrator's credentials.
    const oci = new OciHttp(wharf.registryUrl);
    const { token } = await oci.token(['repository:alpha-ns/app:pull,push'], { username: 'alpha/alpha-admin', password: 'alpha-admin-password' });
    const pushed = await oci.pushImage('alpha-ns/app', 'v1', token);
    expect(pushed.result.status).toBe(201);
    pushedDigest = pushed.digest;

    // Refused by the namespace's decider: alpha-dev has no permission on alpha-ns.
    const refused = await http(`${wharf.apiUrl}/v2/manage/namespaces/alpha-ns`, { method: 'DELETE', headers: { 'X-Auth-Token': sessions.alphaDev } });
    expect(refused.status).toBe(403);

    // Failed logins: Keystone for alpha-dev, the registry's token endpoint for beta's administrator.
    expect((await login('alpha-dev', WRONG_PASSWORD, 'alpha')).status).toBe(401);
    const registryLogin = await oci.token(['repository:beta-ns/app:pull'], { username: 'beta/beta-admin', password: WRONG_PASSWORD });
    expect(registryLogin.status).toBe(401);
  }, 180000);

  afterAll(async () => {
    await wharf?.stop();
  });

  it("shows an account administrator their account's changes, refusals and failed logins, and nothing of another account", async () => {
    const alpha = await entries(sessions.alpha, '?limit=1000');
    expect(alpha.every((entry) => entry.accountId === accounts.alpha)).toBe(true);
    expect(alpha).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'NamespaceCreated', outcome: 'success', resource: { type: 'namespace', name: 'alpha-ns' }, actor: expect.objectContaining({ userName: 'alpha-admin', accountName: 'alpha', tokenId: expect.any(String) }) }),
        expect.objectContaining({ operation: 'ManifestPushed', resource: { type: 'repository', name: 'alpha-ns/app' }, details: { digest: pushedDigest }, actor: expect.objectContaining({ userName: 'alpha-admin' }) }),
        expect.objectContaining({ operation: 'TagPointed', resource: { type: 'repository', name: 'alpha-ns/app' }, details: expect.objectContaining({ tag: 'v1', digest: pushedDigest }) }),
        expect.objectContaining({ operation: 'DeleteNamespace', outcome: 'failure', errorCode: 'CATALOG.NAMESPACE_FORBIDDEN', resource: { type: 'namespace', name: 'alpha-ns' }, actor: expect.objectContaining({ userName: 'alpha-dev' }) }),
        expect.objectContaining({
          operation: 'LoginFailed',
          outcome: 'failure',
          resource: { type: 'user', name: 'alpha-dev' },
          clientAddress: expect.stringMatching(/127\.0\.0\.1$/),
          details: { via: 'keystone', login: 'alpha-dev' },
        }),
      ]),
    );
    expect(JSON.stringify(alpha)).not.toMatch(/beta/);

    const beta = await entries(sessions.beta, '?limit=1000');
    expect(beta.every((entry) => entry.accountId === accounts.beta)).toBe(true);
    expect(beta).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'NamespaceCreated', resource: { type: 'namespace', name: 'beta-ns' } }),
        expect.objectContaining({ operation: 'LoginFailed', resource: { type: 'user', name: 'beta-admin' }, details: { via: 'registry', login: 'beta/beta-admin' } }),
      ]),
    );
    expect(JSON.stringify(beta)).not.toMatch(/alpha/);
  });

  it("shows the installation's administrator every account, one account with account_id", async () => {
    const all = await entries(system, '?limit=1000');
    const accountsSeen = new Set(all.map((entry) => entry.accountId));
    expect([...accountsSeen]).toEqual(expect.arrayContaining([accounts.alpha, accounts.beta]));
    // The installation administrator's own work in the other accounts is in those accounts' logs.
    expect(all).toEqual(expect.arrayContaining([expect.objectContaining({ operation: 'AccountCreated', accountId: accounts.beta, resource: { type: 'account', name: 'beta' }, actor: expect.objectContaining({ userName: 'admin' }) })]));

    const onlyBeta = await entries(system, `?account_id=${accounts.beta}&limit=1000`);
    expect(onlyBeta.length).toBeGreaterThan(0);
    expect(onlyBeta.every((entry) => entry.accountId === accounts.beta)).toBe(true);
  });

  it("refuses users who are not an account's administrator, and another account's log to an account administrator", async () => {
    expect((await audit(sessions.alphaDev)).status).toBe(403);
    expect((await audit(sessions.alpha, `?account_id=${accounts.beta}`)).status).toBe(403);
    expect((await http(`${wharf.apiUrl}/v1/audit-logs`)).status).toBe(401);
  });

  it('never shows a password that was tried', async () => {
    const page = await audit(system, '?limit=1000');
    expect(page.text).not.toContain(WRONG_PASSWORD);
    expect(page.text).not.toContain('alpha-admin-password');
  });

  it('filters by operation, user, resource (exact or prefix), outcome and time', async () => {
    const created = await entries(sessions.alpha, '?operation=NamespaceCreated,RepositoryCreated');
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((entry) => ['NamespaceCreated', 'RepositoryCreated'].includes(entry.operation))).toBe(true);

    const byDev = await entries(sessions.alpha, '?user_name=alpha-dev');
    expect(new Set(byDev.map((entry) => entry.operation))).toEqual(new Set(['SessionTokenIssued', 'DeleteNamespace', 'LoginFailed']));
    const devId = byDev[0]!.actor.userId!;
    expect((await entries(sessions.alpha, `?user_id=${devId}`)).map((entry) => entry.id)).toEqual(byDev.map((entry) => entry.id));

    const failures = await entries(sessions.alpha, '?outcome=failure');
    expect(new Set(failures.map((entry) => entry.operation))).toEqual(new Set(['DeleteNamespace', 'LoginFailed']));

    const namespace = await entries(sessions.alpha, '?resource=alpha-ns');
    expect(namespace.map((entry) => entry.operation).sort()).toEqual(['DeleteNamespace', 'NamespaceCreated']);
    const underNamespace = await entries(sessions.alpha, '?resource=alpha-ns*&resource_type=repository');
    expect(underNamespace.length).toBeGreaterThan(0);
    expect(underNamespace.every((entry) => entry.resource.type === 'repository' && entry.resource.name === 'alpha-ns/app')).toBe(true);

    const newest = (await entries(sessions.alpha, '?limit=1'))[0]!;
    const oldest = (await entries(sessions.alpha, '?limit=1000')).at(-1)!;
    expect((await entries(sessions.alpha, `?since=${encodeURIComponent(newest.time)}`)).map((entry) => entry.id)).toContain(newest.id);
    expect(await entries(sessions.alpha, `?since=${encodeURIComponent(new Date(Date.parse(newest.time) + 1).toISOString())}`)).toEqual([]);
    expect(await entries(sessions.alpha, `?until=${encodeURIComponent(oldest.time)}`)).toEqual([]);
  });

  it('pages newest first with next and before, missing and repeating nothing', async () => {
    const all = await entries(sessions.alpha, '?limit=1000');
    expect(all.map((entry) => entry.position)).toEqual([...all.map((entry) => entry.position)].sort((a, b) => b - a));
    const paged: AuditEntry[] = [];
    for (let before: number | null | undefined; ; ) {
      const page = await audit(sessions.alpha, `?limit=3${before ? `&before=${before}` : ''}`);
      expect(page.status).toBe(200);
      paged.push(...page.body.entries);
      if (page.body.next === null) break;
      before = page.body.next;
    }
    expect(paged.map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));
  });

  it('answers bad parameters with 400', async () => {
    for (const query of ['?limit=0', '?limit=1001', '?since=yesterday', '?outcome=maybe', '?before=x', '?colour=blue', '?resource=a*b']) {
      const page = await audit(sessions.alpha, query);
      expect([query, page.status]).toEqual([query, 400]);
    }
  });
});

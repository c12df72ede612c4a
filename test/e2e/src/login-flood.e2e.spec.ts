import { adminToken, http, passwordLogin } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

const FLOOD = 64;

/** A flood of wrong passwords: slowed per user and per address with 429s, and never in the way of pulls. */
describe('login floods', () => {
  let wharf: WharfProcesses;
  let systemToken: string;
  let oci: OciHttp;

  const createUser = async (name: string, password: string) => {
    const created = await http(`${wharf.apiUrl}/v3/users`, { method: 'POST', headers: { 'X-Auth-Token': systemToken }, json: { user: { name, password } } });
    expect(created.status).toBe(201);
  };
  const keystoneLogin = (name: string, password: string) => http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(name, password) });
  const registryLogin = (username: string, password: string) =>
    http(`${wharf.registryUrl}/auth/token?service=${oci.service}&scope=repository:flood/app:pull`, {
      headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    });

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    systemToken = await adminToken(wharf.apiUrl);
    oci = new OciHttp(wharf.registryUrl);
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('answers a flood of wrong Keystone logins with 429 and Retry-After, while a manifest GET issued during it completes', async () => {
    await createUser('flood-target', 'the-right-password');
    await createNamespace(wharf.apiUrl, systemToken, 'flood');
    const { token } = await oci.token(['repository:flood/app:pull,push']);
    const pushed = await oci.pushImage('flood/app', 'v1', token);
    expect(pushed.result.status).toBe(201);

    const finished: string[] = [];
    const logins = Array.from({ length: FLOOD }, () =>
      keystoneLogin('flood-target', 'a-wrong-password').then((result) => {
        finished.push(`login ${result.status}`);
        return result;
      }),
    );
    const manifest = await oci.request('GET', `/v2/flood/app/manifests/${pushed.digest}`, { token }).then((result) => {
      finished.push('manifest');
      return result;
    });
    const answers = await Promise.all(logins);

    expect(manifest.status).toBe(200);
    expect(manifest.body.toString()).toBe(pushed.bytes);
    // The pull did not wait behind the password checks: most of the checked (401) logins were answered after it.
    const checked = finished.filter((answer) => answer === 'login 401').length;
    const checkedBeforeManifest = finished.slice(0, finished.indexOf('manifest')).filter((answer) => answer === 'login 401').length;
    expect(checked).toBeGreaterThan(0);
    expect(checkedBeforeManifest).toBeLessThan(checked / 2);

    const limited = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status !== 429).every((answer) => answer.status === 401)).toBe(true);
    expect(limited.length).toBeGreaterThanOrEqual(FLOOD / 2);
    for (const answer of limited) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(answer.body).toEqual({ error: { code: 429, title: 'Too Many Requests', message: expect.any(String) } });
    }
    // Each checked failure is in the audit log; the logins refused unchecked (429) are not written one by one.
    const audit = await http<{ entries: unknown[] }>(`${wharf.apiUrl}/v1/audit-logs?operation=LoginFailed&user_name=flood-target&limit=1000`, { headers: { 'X-Auth-Token': systemToken } });
    expect(audit.body.entries).toHaveLength(FLOOD - limited.length);
  });

  it("answers a flood of wrong registry logins with 429 and Retry-After in the token endpoint's OCI error body", async () => {
    await createUser('flood-robot', 'the-robot-password');
    const answers = await Promise.all(Array.from({ length: FLOOD }, () => registryLogin('flood-robot', 'a-wrong-password')));
    const limited = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status !== 429).every((answer) => answer.status === 401)).toBe(true);
    expect(limited.length).toBeGreaterThanOrEqual(FLOOD / 2);
    for (const answer of limited) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(answer.body).toEqual({ errors: [{ code: 'TOOMANYREQUESTS', message: expect.any(String), detail: { retryAfterSeconds: expect.any(Number) } }] });
    }
  });

  it('slows guessing the current password through a password change as it slows logins', async () => {
    await createUser('flood-changer', 'the-changer-password');
    const session = await keystoneLogin('flood-changer', 'the-changer-password');
    const sessionToken = session.headers.get('x-subject-token')!;
    const { id } = (session.body as { token: { user: { id: string } } }).token.user;
    const change = (original: string) =>
      http(`${wharf.apiUrl}/v3/users/${id}/password`, { method: 'POST', headers: { 'X-Auth-Token': sessionToken }, json: { user: { original_password: original, password: 'a-new-password' } } });
    const answers = await Promise.all(Array.from({ length: FLOOD }, () => change('a-guessed-password')));
    const limited = answers.filter((answer) => answer.status === 429);
    expect(answers.filter((answer) => answer.status !== 429).every((answer) => answer.status === 401)).toBe(true);
    expect(limited.length).toBeGreaterThanOrEqual(FLOOD / 2);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('slows one address that tries many user names, not just each name', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `sprayed-name-${i}`);
    const answers = await Promise.all(names.map((name) => keystoneLogin(name, 'a-guessed-password')));
    // Each name is tried once, so only the address's count can have refused some of them.
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
    expect(answers.filter((answer) => answer.status !== 429).every((answer) => answer.status === 401)).toBe(true);
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import { passwordLogin } from './http';
import { sha256 } from './oci-http';
import { ADMIN_PASSWORD, DISTRIBUTED_APPS, WharfProcesses, type Mode } from './wharf-processes';

const OPERATOR_KEY = randomBytes(32).toString('base64');
const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

interface Sent {
  id: string;
  method: string;
  /** The path the access line must show. */
  logged: string;
  status: number;
  principal?: string;
}

interface LogLine {
  level: string;
  msg: string;
  reqId?: string;
  principal?: string;
  method?: string;
  path?: string;
  status?: number;
  bytes?: number;
  durationMs?: number;
  context?: string;
}

/**
 * The logs of a scenario full of secrets (passwords at login, a failed login, session tokens in X-Auth-Token,
 * Basic credentials at the token endpoint, registry bearer tokens, Selectel tokens in bodies and in a path, an
 * access key's secret and its login password, SWR login secrets, the operator key, secrets in query strings),
 * captured at the most verbose level: JSON lines, one access line per request with the id the caller sent, and
 * none of the secrets anywhere.
 */
describe.each<Mode>(['embedded', 'distributed'])('structured logs (%s)', (mode) => {
  let wharf: WharfProcesses;
  const secrets = new Set<string>([ADMIN_PASSWORD, OPERATOR_KEY]);
  const sent: Sent[] = [];
  let counter = 0;

  /** Sends one request with its own X-Request-Id, and notes what its access line must say. */
  const send = async (base: 'api' | 'registry', method: string, path: string, init: { headers?: Record<string, string>; body?: string; logged?: string; principal?: string } = {}) => {
    const id = `logs-${mode}-${++counter}`;
    const url = `${base === 'api' ? wharf.apiUrl : wharf.registryUrl}${path}`;
    const response = await fetch(url, { method, headers: { 'X-Request-Id': id, ...init.headers }, ...(init.body !== undefined ? { body: init.body } : {}) });
    const text = await response.text();
    expect([path, response.headers.get('x-request-id')]).toEqual([path, id]);
    sent.push({ id, method, logged: init.logged ?? path.split('?')[0]!, status: response.status, ...(init.principal ? { principal: init.principal } : {}) });
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };
  const json = { 'Content-Type': 'application/json' };
  const output = () => (mode === 'embedded' ? wharf.output('wharf') : DISTRIBUTED_APPS.map((app) => wharf.output(app)).join(''));
  const lines = (): LogLine[] =>
    output()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          throw new Error(`not a JSON log line: ${line}`);
        }
      });

  beforeAll(async () => {
    wharf = await WharfProcesses.start(mode, { WHARF_LOG_LEVEL: 'debug', WHARF_SECRET_KEY: OPERATOR_KEY });
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('runs a scenario full of secrets and logs one JSON access line per request, naming the caller, with no secret in any line', async () => {
    // Logins: a wrong password, then the administrator's.
    const wrong = 'wrong-password-for-the-log-test';
    secrets.add(wrong);
    expect((await send('api', 'POST', '/v3/auth/tokens', { headers: json, body: JSON.stringify(passwordLogin('admin', wrong, 'admin')) })).status).toBe(401);
    const login = await send('api', 'POST', '/v3/auth/tokens', { headers: json, body: JSON.stringify(passwordLogin('admin', ADMIN_PASSWORD, 'admin')) });
    const session = login.headers.get('x-subject-token')!;
    secrets.add(session);
    const admin = { headers: { 'X-Auth-Token': session, ...json }, principal: 'admin/admin' };
    expect((await send('api', 'POST', '/v2/manage/namespaces', { ...admin, body: JSON.stringify({ namespace: 'logged' }) })).status).toBe(201);

    // A user with a password, which it then changes; its session as a Bearer token.
    const devPassword = 'dev-password-for-the-log-test';
    const devNewPassword = 'dev-new-password-for-the-log-test';
    secrets.add(devPassword).add(devNewPassword);
    const created = await send('api', 'POST', '/v3/users', { ...admin, body: JSON.stringify({ user: { name: 'dev', password: devPassword } }) });
    const devId = (created.json().user as { id: string }).id;
    const devLogin = await send('api', 'POST', '/v3/auth/tokens', { headers: json, body: JSON.stringify(passwordLogin('dev', devPassword, 'admin')) });
    const devSession = devLogin.headers.get('x-subject-token')!;
    secrets.add(devSession);
    const changed = await send('api', 'POST', `/v3/users/${devId}/password`, {
      headers: { Authorization: `Bearer ${devSession}`, ...json },
      body: JSON.stringify({ user: { original_password: devPassword, password: devNewPassword } }),
      principal: 'admin/dev',
    });
    expect(changed.status).toBeLessThan(300);

    // An access key: its secret, and the long-term registry login derived from it.
    const key = (await send('api', 'POST', '/v3.0/OS-CREDENTIAL/credentials', { ...admin, body: JSON.stringify({ credential: { user_id: devId, description: 'ci' } }) })).json()
      .credential as { access: string; secret: string };
    const longTerm = createHmac('sha256', key.secret).update(key.access).digest('hex');
    secrets.add(key.secret).add(longTerm);

    // SWR's temporary login: the password is in a header and, base64'd with the user, in the body.
    const swr = await send('api', 'POST', '/v2/manage/utils/secret', admin);
    const swrLogin = swr.headers.get('x-swr-dockerlogin')!.split(' ');
    const [swrUser, swrPassword] = [swrLogin[3]!, swrLogin[5]!];
    secrets.add(swrPassword);

    // Selectel tokens: a v2 token in a body, a v1 token in a body and then in paths.
    const v2 = (await send('api', 'POST', '/api/v2/tokens', { ...admin, body: JSON.stringify({ name: 'ci', expiration: { isSet: false }, scope: { modeRW: true, allRegistries: true, registryIds: [] } }) })).json();
    const selectel = v2.token as string;
    secrets.add(selectel);
    const v1 = (await send('api', 'POST', '/api/v1/token?ttl=12h', admin)).json().token as string;
    secrets.add(v1);
    expect((await send('api', 'GET', `/api/v1/token/${v1}`, { ...admin, logged: '/api/v1/token/:token' })).status).toBe(200);
    expect((await send('api', 'POST', `/api/v1/token/${v1}/refresh?secret=${v1}`, { ...admin, logged: '/api/v1/token/:token/refresh' })).status).toBe(200);

    // The token endpoint: Basic credentials of every kind, the OAuth2 password form, a password in a query string.
    const scope = 'scope=repository:logged/app:pull,push';
    const registryTokens: string[] = [];
    for (const [username, password] of [
      ['admin', ADMIN_PASSWORD],
      ['admin/dev', devNewPassword],
      ['token', selectel],
      [swrUser, swrPassword],
      [`wharf-1@${key.access}`, longTerm],
    ] as const) {
      secrets.add(Buffer.from(`${username}:${password}`).toString('base64'));
      const issued = await send('registry', 'GET', `/auth/token?service=${new URL(wharf.registryUrl).host}&${scope}`, { headers: { Authorization: basic(username, password) } });
      expect([username, issued.status]).toEqual([username, 200]);
      registryTokens.push(issued.json().token as string);
    }
    const form = new URLSearchParams({ grant_type: 'password', username: 'admin', password: ADMIN_PASSWORD, service: new URL(wharf.registryUrl).host, scope: 'repository:logged/app:pull,push' });
    const posted = await send('registry', 'POST', '/auth/token', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(posted.status).toBe(200);
    registryTokens.push(posted.json().token as string);
    expect((await send('registry', 'GET', `/auth/token?password=${encodeURIComponent(ADMIN_PASSWORD)}`, { headers: { Authorization: basic('admin', wrong) } })).status).toBe(401);
    for (const token of registryTokens) secrets.add(token);

    // The data plane with those bearer tokens: a push and a pull, and a token in a query string.
    const bearer = (token: string, principal: string, extra: Record<string, string> = {}) => ({ headers: { Authorization: `Bearer ${token}`, ...extra }, principal });
    const [adminToken, , selectelToken] = registryTokens;
    expect((await send('registry', 'GET', `/v2/?access_token=${adminToken}`, bearer(adminToken!, 'admin/admin'))).status).toBe(200);
    const config = '{"architecture":"amd64","os":"linux"}';
    const layer = 'a layer in the log test';
    for (const blob of [config, layer]) {
      const pushed = await send('registry', 'POST', `/v2/logged/app/blobs/uploads/?digest=${sha256(blob)}`, { ...bearer(selectelToken!, 'admin/token', { 'Content-Type': 'application/octet-stream' }), body: blob });
      expect(pushed.status).toBe(201);
    }
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: IMAGE,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
    });
    expect((await send('registry', 'PUT', '/v2/logged/app/manifests/v1', { ...bearer(adminToken!, 'admin/admin', { 'Content-Type': IMAGE }), body: manifest })).status).toBe(201);
    expect((await send('registry', 'GET', '/v2/logged/app/manifests/v1', bearer(adminToken!, 'admin/admin', { Accept: IMAGE }))).status).toBe(200);
    expect((await send('registry', 'GET', '/v2/logged/app/manifests/v1')).status).toBe(401);

    // Every request has its access line (written once its response is over, so wait for the last ones).
    let written = lines();
    while (!sent.every((request) => written.some((line) => line.reqId === request.id && line.msg === 'request completed'))) {
      await sleep(50);
      written = lines();
    }

    for (const request of sent) {
      const access = written.filter((line) => line.reqId === request.id && line.msg === 'request completed');
      expect(access.map(({ method, path, status, principal }) => ({ method, path, status, ...(principal ? { principal } : {}) }))).toEqual([
        { method: request.method, path: request.logged, status: request.status, ...(request.principal ? { principal: request.principal } : {}) },
      ]);
      expect([typeof access[0]!.bytes, typeof access[0]!.durationMs, access[0]!.level]).toEqual(['number', 'number', request.status >= 500 ? 'error' : 'info']);
    }
    // Nest's own logs come through the same logger, as JSON with their context.
    expect(written.some((line) => line.context === 'NestApplication' || line.context === 'NestMicroservice')).toBe(true);

    const text = output();
    const leaked = [...secrets].filter((secret) => secret.length >= 8 && text.includes(secret));
    expect(leaked).toEqual([]);
    expect(secrets.size).toBeGreaterThanOrEqual(20);
  });

  it('keeps a caller’s sane X-Request-Id, and replaces anything else with a new UUID', async () => {
    const mine = await fetch(`${wharf.registryUrl}/v2/`, { headers: { 'X-Request-Id': 'trace:4bf92f3577b34da6a3ce929d0e0e4736' } });
    expect(mine.headers.get('x-request-id')).toBe('trace:4bf92f3577b34da6a3ce929d0e0e4736');
    for (const bad of ['has spaces in it', 'x'.repeat(200), '{"json":1}']) {
      const replaced = await fetch(`${wharf.apiUrl}/v2/manage/namespaces`, { headers: { 'X-Request-Id': bad } });
      expect([bad, replaced.headers.get('x-request-id')]).toEqual([bad, expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)]);
    }
    const fresh = await fetch(`${wharf.apiUrl}/v2/manage/namespaces`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

import { randomUUID } from 'node:crypto';
import { adminToken, http, passwordLogin } from './http';
import { OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

interface WireToken {
  id: string;
  name: string;
  createdAt: string;
  expiration: { isSet: boolean; expiresAt?: string };
  scope: { modeRW: boolean; allRegistries: boolean; registryIds: string[] };
  status: string;
  lastUsedAt?: string;
  token?: string;
}
type TokenList = { tokens: WireToken[]; totalCount: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Selectel API tokens v1 and v2 and registry cluster integrations, over HTTP against the real processes. */
describe('Selectel tokens and cluster integrations (HTTP)', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let system: string;
  let admin: string;
  let member: string;
  let stranger: string;
  let alpha: string;
  let beta: string;
  let foreign: string;

  const call = (session: string | null, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: session ? { 'X-Auth-Token': session } : {}, ...(json !== undefined ? { json } : {}) });
  const login = async (name: string, password: string) => {
    const result = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(name, password) });
    if (result.status !== 201) throw new Error(`login ${name}: ${result.status} ${result.text}`);
    return result.headers.get('x-subject-token')!;
  };
  /** An account with an administrator (and optionally a plain user); returns their sessions. */
  const account = async (name: string, withMember = false) => {
    const domain = await call(system, 'POST', '/v3/domains', { domain: { name } });
    const domainId = (domain.body as { domain: { id: string } }).domain.id;
    await call(system, 'POST', '/v3/users', { user: { name: `${name}-admin`, password: `${name}-admin-pw`, domain_id: domainId, account_admin: true } });
    if (withMember) await call(system, 'POST', '/v3/users', { user: { name: `${name}-dev`, password: `${name}-dev-pw`, domain_id: domainId } });
    return {
      domainId,
      admin: await login(`${name}-admin`, `${name}-admin-pw`),
      member: withMember ? await login(`${name}-dev`, `${name}-dev-pw`) : '',
    };
  };
  const createRegistry = async (session: string, name: string): Promise<string> => {
    const created = await call(session, 'POST', '/api/v1/registries', { name });
    if (created.status !== 201) throw new Error(`creating registry ${name}: ${created.status} ${created.text}`);
    return (created.body as { id: string }).id;
  };
  const createToken = async (session: string, body: Record<string, unknown>) => {
    const created = await call(session, 'POST', '/api/v2/tokens', body);
    if (created.status !== 201) throw new Error(`creating token: ${created.status} ${created.text}`);
    return created.body as WireToken & { token: string };
  };
  const roOn = (...registryIds: string[]) => ({ modeRW: false, allRegistries: false, registryIds });
  const rwAll = { modeRW: true, allRegistries: true, registryIds: [] };
  const noExpiry = { isSet: false };

  /** What the registry's token endpoint grants these credentials for `alpha/app` and `beta/app` (status 401: nothing). */
  const grants = async (secret: string, username = 'token') => {
    const issued = await oci.token(['repository:alpha/app:pull,push,delete', 'repository:beta/app:pull,push'], { username, password: secret });
    if (issued.status !== 200) return { status: issued.status, access: {} as Record<string, string[]> };
    const claims = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString()) as { access: Array<{ type: string; name: string; actions: string[] }> };
    const repositories = claims.access.filter((entry) => entry.type === 'repository');
    return { status: 200, access: Object.fromEntries(repositories.map((entry) => [entry.name, entry.actions])) };
  };
  const selectelError = (body: unknown) => body as { error: string; message: string };
  const notFoundError = (body: unknown) => body as { error: string };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    oci = new OciHttp(wharf.registryUrl);
    system = await adminToken(wharf.apiUrl);
    ({ admin, member } = await account('acme', true));
    ({ admin: stranger } = await account('other'));
    alpha = await createRegistry(admin, 'alpha');
    beta = await createRegistry(admin, 'beta');
    foreign = await createRegistry(stranger, 'foreign');
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  describe('v2 tokens', () => {
    it('creates a token (201) with its secret in that answer only, and shows it without the secret afterwards', async () => {
      const created = await call(admin, 'POST', '/api/v2/tokens', { name: 'ci', expiration: { isSet: true, expiresAt: '2030-01-01T00:00:00Z' }, scope: roOn(alpha) });
      expect(created.status).toBe(201);
      const token = created.body as WireToken;
      expect(token).toEqual({
        id: expect.stringMatching(UUID),
        name: 'ci',
        createdAt: expect.stringMatching(RFC3339),
        expiration: { isSet: true, expiresAt: '2030-01-01T00:00:00Z' },
        scope: { modeRW: false, allRegistries: false, registryIds: [alpha] },
        status: 'active',
        token: expect.stringMatching(SECRET),
      });
      const secret = token.token!;

      const got = await call(admin, 'GET', `/api/v2/tokens/${token.id}`);
      expect(got.status).toBe(200);
      const { token: _secret, ...withoutSecret } = token;
      expect(got.body).toEqual(withoutSecret);
      expect(got.text).not.toContain(secret);
      const listed = await call(admin, 'GET', '/api/v2/tokens?limit=1000');
      expect(listed.status).toBe(200);
      expect((listed.body as TokenList).tokens).toContainEqual(withoutSecret);
      expect(listed.text).not.toContain(secret);
      // Users of the account who are not administrators may read tokens.
      expect((await call(member, 'GET', `/api/v2/tokens/${token.id}`)).body).toEqual(withoutSecret);
    });

    it('answers a Docker config.json with docker-config=true, whose credentials log in to the registry', async () => {
      const created = await call(admin, 'POST', '/api/v2/tokens?docker-config=true', { name: 'docker', expiration: noExpiry, scope: rwAll });
      expect(created.status).toBe(201);
      const host = new URL(wharf.registryUrl).host;
      const config = created.body as { auths: Record<string, { auth: string }> };
      expect(Object.keys(config)).toEqual(['auths']);
      expect(Object.keys(config.auths)).toEqual([host]);
      const [username, secret] = Buffer.from(config.auths[host]!.auth, 'base64').toString().split(':');
      expect(username).toBe('token');
      expect(secret).toMatch(SECRET);
      expect(await grants(secret!)).toEqual({ status: 200, access: { 'alpha/app': ['pull', 'push', 'delete'], 'beta/app': ['pull', 'push'] } });
    });

    it('names unnamed tokens after their id and keeps no registry list for all-registries tokens', async () => {
      const token = await createToken(admin, { expiration: noExpiry, scope: { modeRW: true, allRegistries: true, registryIds: [alpha] } });
      expect(token.name).toBe(`token-${token.id.slice(0, 8)}`);
      expect(token.expiration).toEqual({ isSet: false });
      expect(token.scope).toEqual(rwAll);
      // Go clients send null for an empty list, and the zero time when no expiry is set.
      const fromGo = await createToken(admin, { name: 'go', expiration: { isSet: false, expiresAt: '0001-01-01T00:00:00Z' }, scope: { modeRW: false, allRegistries: true, registryIds: null } });
      expect([fromGo.expiration, fromGo.scope]).toEqual([{ isSet: false }, { modeRW: false, allRegistries: true, registryIds: [] }]);
    });

    it('refuses bad input with 400 in Selectel error shape', async () => {
      const valid = { name: 'x', expiration: noExpiry, scope: roOn(alpha) };
      const cases: Array<[string, unknown, string?]> = [
        ['unknown field', { ...valid, owner: 'me' }],
        ['name of the wrong type', { ...valid, name: 42 }],
        ['empty name', { ...valid, name: '' }],
        ['blank name', { ...valid, name: '   ' }],
        ['name too long', { ...valid, name: 'n'.repeat(256) }],
        ['missing expiration', { name: 'x', scope: roOn(alpha) }],
        ['missing scope', { name: 'x', expiration: noExpiry }],
        ['isSet not a boolean', { ...valid, expiration: { isSet: 'yes' } }],
        ['expiry in the past', { ...valid, expiration: { isSet: true, expiresAt: '2001-01-01T00:00:00Z' } }],
        ['expiry not a time', { ...valid, expiration: { isSet: true, expiresAt: 'tomorrow' } }],
        ['expiry missing', { ...valid, expiration: { isSet: true } }],
        ['unknown expiration field', { ...valid, expiration: { isSet: false, forever: true } }],
        ['modeRW missing', { ...valid, scope: { allRegistries: true } }],
        ['registry id not a UUID', { ...valid, scope: roOn('alpha') }],
        ["another account's registry", { ...valid, scope: roOn(alpha, foreign) }],
        ['unknown registry', { ...valid, scope: roOn(randomUUID()) }],
        ['no registry and not all', { ...valid, scope: roOn() }],
        ['a body that is not an object', ['ci']],
        ['docker-config not a boolean', valid, '?docker-config=yes'],
        ['unknown query parameter', valid, '?ttl=12h'],
      ];
      for (const [why, body, query = ''] of cases) {
        const refused = await call(admin, 'POST', `/api/v2/tokens${query}`, body);
        expect([why, refused.status, typeof selectelError(refused.body).error]).toEqual([why, 400, 'string']);
      }
      const pastExpiry = await call(admin, 'POST', '/api/v2/tokens', { ...valid, expiration: { isSet: true, expiresAt: '2001-01-01T00:00:00Z' } });
      expect(selectelError(pastExpiry.body).error).toMatch(/future/);
    });

    it('lets only account administrators manage tokens (403 for other users), and hides them from other accounts (404)', async () => {
      const token = await createToken(admin, { name: 'guarded', expiration: noExpiry, scope: roOn(alpha) });
      const body = { expiration: noExpiry };
      expect((await call(member, 'POST', '/api/v2/tokens', { name: 'mine', expiration: noExpiry, scope: rwAll })).status).toBe(403);
      for (const [method, path, json] of [
        ['PATCH', `/api/v2/tokens/${token.id}`, { name: 'taken-over' }],
        ['POST', `/api/v2/tokens/${token.id}/refresh`, body],
        ['POST', `/api/v2/tokens/${token.id}/regenerate`, body],
        ['POST', `/api/v2/tokens/${token.id}/revoke`, undefined],
        ['DELETE', `/api/v2/tokens/${token.id}`, undefined],
      ] as const) {
        const refused = await call(member, method, path, json);
        expect([method, path, refused.status, typeof selectelError(refused.body).error]).toEqual([method, path, 403, 'string']);
        const hidden = await call(stranger, method, path, json);
        expect([method, path, hidden.status, hidden.body]).toEqual([method, path, 404, { error: 'Token not found.' }]);
      }
      expect((await call(stranger, 'GET', `/api/v2/tokens/${token.id}`)).body).toEqual({ error: 'Token not found.' });
      expect(((await call(stranger, 'GET', '/api/v2/tokens')).body as TokenList).tokens.map((t) => t.id)).not.toContain(token.id);
      const unknown = randomUUID();
      expect(await call(admin, 'GET', `/api/v2/tokens/${unknown}`)).toMatchObject({ status: 404, body: { error: 'Token not found.' } });
      expect((await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).body).toMatchObject({ name: 'guarded', status: 'active' });
    });

    it('needs a session: no X-Auth-Token is 401, and a Selectel token is not a session', async () => {
      const token = await createToken(admin, { name: 'not-a-session', expiration: noExpiry, scope: rwAll });
      const anonymous = await call(null, 'GET', '/api/v2/tokens');
      expect([anonymous.status, typeof selectelError(anonymous.body).error]).toEqual([401, 'string']);
      expect((await call(token.token, 'GET', '/api/v2/tokens')).status).toBe(401);
      expect((await call(token.token, 'GET', '/api/v1/registries')).status).toBe(401);
    });

    it('updates name, scope and expiry (PATCH), refusing bad input', async () => {
      const token = await createToken(admin, { name: 'before', expiration: noExpiry, scope: roOn(alpha) });
      const renamed = await call(admin, 'PATCH', `/api/v2/tokens/${token.id}`, { name: 'after', scope: { modeRW: true, allRegistries: false, registryIds: [beta] } });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({
        id: token.id,
        name: 'after',
        createdAt: token.createdAt,
        expiration: { isSet: false },
        scope: { modeRW: true, allRegistries: false, registryIds: [beta] },
        status: 'active',
      });
      expect(await grants(token.token)).toEqual({ status: 200, access: { 'alpha/app': [], 'beta/app': ['pull', 'push'] } });
      const expiring = await call(admin, 'PATCH', `/api/v2/tokens/${token.id}`, { expiration: { isSet: true, expiresAt: '2031-05-01T00:00:00Z' } });
      expect((expiring.body as WireToken).expiration).toEqual({ isSet: true, expiresAt: '2031-05-01T00:00:00Z' });
      expect((expiring.body as WireToken).name).toBe('after');
      for (const body of [{ scope: roOn(foreign) }, { nickname: 'x' }, { expiration: { isSet: true, expiresAt: '2001-01-01T00:00:00Z' } }, { name: null }]) {
        expect([body, (await call(admin, 'PATCH', `/api/v2/tokens/${token.id}`, body)).status]).toEqual([body, 400]);
      }
    });

    it('refreshes the expiry keeping the secret, and regenerates a new secret that kills the old one at once', async () => {
      const token = await createToken(admin, { name: 'rotating', expiration: { isSet: true, expiresAt: '2030-01-01T00:00:00Z' }, scope: roOn(alpha) });
      const refreshed = await call(admin, 'POST', `/api/v2/tokens/${token.id}/refresh`, { expiration: { isSet: true, expiresAt: '2029-03-20T00:00:00Z' } });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toEqual({ ...token, token: undefined, expiration: { isSet: true, expiresAt: '2029-03-20T00:00:00Z' }, lastUsedAt: undefined });
      expect(refreshed.text).not.toContain(token.token);
      // Selectel's SDK sends the bare expiration object.
      const bare = await call(admin, 'POST', `/api/v2/tokens/${token.id}/refresh`, { isSet: false });
      expect((bare.body as WireToken).expiration).toEqual({ isSet: false });
      expect((await grants(token.token)).status).toBe(200);
      expect((await call(admin, 'POST', `/api/v2/tokens/${token.id}/refresh`, {})).status).toBe(400);

      const regenerated = await call(admin, 'POST', `/api/v2/tokens/${token.id}/regenerate`, { expiration: { isSet: true, expiresAt: '2032-01-01T00:00:00Z' } });
      expect(regenerated.status).toBe(200);
      const renewed = regenerated.body as WireToken;
      expect(renewed).toMatchObject({ id: token.id, name: 'rotating', status: 'active', expiration: { isSet: true, expiresAt: '2032-01-01T00:00:00Z' }, token: expect.stringMatching(SECRET) });
      expect(renewed.token).not.toBe(token.token);
      expect((await grants(token.token)).status).toBe(401);
      expect(await grants(renewed.token!)).toEqual({ status: 200, access: { 'alpha/app': ['pull'], 'beta/app': [] } });
      expect((await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).text).not.toContain(renewed.token);
    });

    it('revokes (204; listed as revoked, dead at once, no refresh), regenerates a revoked token, and deletes (204, then 404)', async () => {
      const token = await createToken(admin, { name: 'short-lived', expiration: noExpiry, scope: rwAll });
      expect((await grants(token.token)).status).toBe(200);
      const revoked = await call(admin, 'POST', `/api/v2/tokens/${token.id}/revoke`);
      expect([revoked.status, revoked.text]).toEqual([204, '']);
      expect((await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).body).toMatchObject({ id: token.id, status: 'revoked' });
      const listed = (await call(admin, 'GET', '/api/v2/tokens?search=short-lived')).body as TokenList;
      expect(listed.tokens.map((t) => [t.id, t.status])).toEqual([[token.id, 'revoked']]);
      expect((await grants(token.token)).status).toBe(401);
      expect((await call(admin, 'POST', `/api/v2/tokens/${token.id}/revoke`)).status).toBe(204);
      const refused = await call(admin, 'POST', `/api/v2/tokens/${token.id}/refresh`, { expiration: noExpiry });
      expect([refused.status, typeof selectelError(refused.body).error]).toEqual([409, 'string']);

      const revived = (await call(admin, 'POST', `/api/v2/tokens/${token.id}/regenerate`, { expiration: noExpiry })).body as WireToken;
      expect(revived.status).toBe('active');
      expect((await grants(revived.token!)).status).toBe(200);

      const deleted = await call(admin, 'DELETE', `/api/v2/tokens/${token.id}`);
      expect([deleted.status, deleted.text]).toEqual([204, '']);
      expect(await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).toMatchObject({ status: 404, body: { error: 'Token not found.' } });
      expect((await call(admin, 'DELETE', `/api/v2/tokens/${token.id}`)).status).toBe(404);
      expect((await grants(revived.token!)).status).toBe(401);
    });

    it('lets a token expire: status expired and refused at the token endpoint', async () => {
      const token = await createToken(admin, { name: 'expiring', expiration: { isSet: true, expiresAt: inSeconds(2) }, scope: rwAll });
      expect((await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).body).toMatchObject({ status: 'active' });
      await sleep(Date.parse(token.expiration.expiresAt!) - Date.now() + 200);
      expect((await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).body).toMatchObject({ status: 'expired' });
      expect((await grants(token.token)).status).toBe(401);
    });

    it('records lastUsedAt on docker login, not again within a minute', async () => {
      const token = await createToken(admin, { name: 'used', expiration: noExpiry, scope: roOn(alpha) });
      expect((await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).body).not.toHaveProperty('lastUsedAt');
      const before = Date.now() - 1000;
      expect((await grants(token.token)).status).toBe(200);
      const first = ((await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).body as WireToken).lastUsedAt!;
      expect(first).toMatch(RFC3339);
      expect(Date.parse(first)).toBeGreaterThanOrEqual(before);
      expect((await grants(token.token)).status).toBe(200);
      expect(((await call(admin, 'GET', `/api/v2/tokens/${token.id}`)).body as WireToken).lastUsedAt).toBe(first);
      // A wrong user name is not a token login.
      expect((await grants(token.token, 'admin')).status).toBe(401);
    });

    it('narrows what the token endpoint grants to the scope: read-only pulls, registry lists, other accounts never', async () => {
      const roAlpha = await createToken(admin, { name: 'ro-alpha', expiration: noExpiry, scope: roOn(alpha) });
      const rwBoth = await createToken(admin, { name: 'rw-both', expiration: noExpiry, scope: { modeRW: true, allRegistries: false, registryIds: [alpha, beta] } });
      const roAll = await createToken(admin, { name: 'ro-all', expiration: noExpiry, scope: { modeRW: false, allRegistries: true } });
      expect(await grants(roAlpha.token)).toEqual({ status: 200, access: { 'alpha/app': ['pull'], 'beta/app': [] } });
      expect(await grants(rwBoth.token)).toEqual({ status: 200, access: { 'alpha/app': ['pull', 'push', 'delete'], 'beta/app': ['pull', 'push'] } });
      expect(await grants(roAll.token)).toEqual({ status: 200, access: { 'alpha/app': ['pull'], 'beta/app': ['pull'] } });
      const other = await createToken(stranger, { name: 'theirs', expiration: noExpiry, scope: rwAll });
      expect(await grants(other.token)).toEqual({ status: 200, access: { 'alpha/app': [], 'beta/app': [] } });
      const catalog = async (secret: string) => {
        const issued = await oci.token(['registry:catalog:*'], { username: 'token', password: secret });
        return (JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString()) as { access: unknown[] }).access;
      };
      expect(await catalog(roAll.token)).toEqual([{ type: 'registry', name: 'catalog', actions: ['*'] }]);
      expect(await catalog(roAlpha.token)).toEqual([]);
    });

    it('pages, sorts, searches and filters by scope mode', async () => {
      const { admin: lister } = await account('lister');
      const mine = await createRegistry(lister, 'lister-registry');
      const specs = [
        { name: 'alpha-ro', expiration: { isSet: true, expiresAt: '2031-01-01T00:00:00Z' }, scope: roOn(mine) },
        { name: 'beta-RW', expiration: noExpiry, scope: rwAll },
        { name: 'gamma-ro', expiration: { isSet: true, expiresAt: '2029-01-01T00:00:00Z' }, scope: roOn(mine) },
        { name: 'delta-rw', expiration: { isSet: true, expiresAt: '2030-01-01T00:00:00Z' }, scope: { modeRW: true, allRegistries: false, registryIds: [mine] } },
        { name: 'epsilon-ro', expiration: noExpiry, scope: { modeRW: false, allRegistries: true } },
      ];
      const created: Array<WireToken & { token: string }> = [];
      for (const body of specs) created.push(await createToken(lister, body));
      const list = async (query: string) => {
        const result = await call(lister, 'GET', `/api/v2/tokens${query}`);
        expect([query, result.status]).toEqual([query, 200]);
        const body = result.body as TokenList;
        return { names: body.tokens.map((t) => t.name), totalCount: body.totalCount };
      };
      const inOrder = specs.map((s) => s.name);
      expect(await list('')).toEqual({ names: inOrder, totalCount: 5 });
      expect(await list('?limit=2')).toEqual({ names: inOrder.slice(0, 2), totalCount: 5 });
      expect(await list('?limit=2&offset=2')).toEqual({ names: inOrder.slice(2, 4), totalCount: 5 });
      expect(await list('?limit=2&offset=4')).toEqual({ names: inOrder.slice(4), totalCount: 5 });
      expect(await list('?offset=5')).toEqual({ names: [], totalCount: 5 });
      expect(await list('?offset=500&limit=1000')).toEqual({ names: [], totalCount: 5 });
      expect(await list('?sort_type=desc')).toEqual({ names: [...inOrder].reverse(), totalCount: 5 });
      expect(await list('?sort_field=name')).toEqual({ names: ['alpha-ro', 'beta-RW', 'delta-rw', 'epsilon-ro', 'gamma-ro'], totalCount: 5 });
      expect(await list('?sort_field=name&sort_type=desc&limit=2')).toEqual({ names: ['gamma-ro', 'epsilon-ro'], totalCount: 5 });
      const byExpiry = (await list('?sort_field=expiresAt')).names;
      expect(byExpiry.slice(0, 3)).toEqual(['gamma-ro', 'delta-rw', 'alpha-ro']);
      expect(byExpiry.slice(3).sort()).toEqual(['beta-RW', 'epsilon-ro']);
      expect((await list('?sort_field=expiresAt&sort_type=desc')).names.slice(2)).toEqual(['alpha-ro', 'delta-rw', 'gamma-ro']);
      expect(await list('?search=rw')).toEqual({ names: ['beta-RW', 'delta-rw'], totalCount: 2 });
      expect(await list('?search=RO&limit=1')).toEqual({ names: ['alpha-ro'], totalCount: 3 });
      expect(await list('?search=nothing-like-this')).toEqual({ names: [], totalCount: 0 });
      expect(await list('?scope_mode=ro')).toEqual({ names: ['alpha-ro', 'gamma-ro', 'epsilon-ro'], totalCount: 3 });
      expect(await list('?scope_mode=rw&sort_field=name&sort_type=desc')).toEqual({ names: ['delta-rw', 'beta-RW'], totalCount: 2 });
      expect(await list('?scope_mode=ro&search=a-')).toEqual({ names: ['alpha-ro', 'gamma-ro'], totalCount: 2 });

      // lastUsedAt: never-used tokens have none and sort first ascending, last descending.
      expect((await grants(created[3]!.token)).status).toBe(200);
      expect((await list('?sort_field=lastUsedAt&sort_type=desc')).names[0]).toBe('delta-rw');
      expect((await list('?sort_field=lastUsedAt')).names[4]).toBe('delta-rw');

      for (const query of ['?limit=0', '?limit=1001', '?limit=abc', '?offset=-1', '?offset=1.5', '?sort_field=size', '?sort_type=up', '?scope_mode=all', '?limit=1&limit=2', '?page=2']) {
        const refused = await call(lister, 'GET', `/api/v2/tokens${query}`);
        expect([query, refused.status, typeof selectelError(refused.body).error]).toEqual([query, 400, 'string']);
      }
    });

    it('stops every token of an account deleted by the installation administrator', async () => {
      const doomed = await account('doomed');
      const token = await createToken(doomed.admin, { name: 'orphan', expiration: noExpiry, scope: rwAll });
      expect((await grants(token.token)).status).toBe(200);
      expect((await call(system, 'DELETE', `/v3/domains/${doomed.domainId}`)).status).toBe(204);
      expect((await grants(token.token)).status).toBe(401);
    });
  });

  describe('v1 tokens', () => {
    const create = async (query = '') => {
      const created = await call(admin, 'POST', `/api/v1/token${query}`);
      expect([query, created.status]).toEqual([query, 201]);
      return created.body as { token: string; expireAt: number; expireIn: number };
    };

    it('creates 12-hour (default) and one-year tokens: 201 {token, expireAt, expireIn}', async () => {
      for (const [query, ttl] of [
        ['', 12 * 3600],
        ['?ttl=12h', 12 * 3600],
        ['?ttl=1y', 365 * 24 * 3600],
      ] as const) {
        const before = Math.floor(Date.now() / 1000);
        const token = await create(query);
        expect(Object.keys(token).sort()).toEqual(['expireAt', 'expireIn', 'token']);
        expect(token.token).toMatch(SECRET);
        expect(token.expireAt).toBeGreaterThanOrEqual(before + ttl);
        expect(token.expireIn).toBeGreaterThan(ttl - 120);
        expect(token.expireIn).toBeLessThanOrEqual(ttl);
      }
    });

    it('refuses other lifetimes and unknown parameters (400), and non-administrators (403)', async () => {
      for (const query of ['?ttl=2h', '?ttl=', '?ttl=12h&ttl=1y', '?docker-config=1', '?scope=ro']) {
        const refused = await call(admin, 'POST', `/api/v1/token${query}`);
        expect([query, refused.status, typeof selectelError(refused.body).error]).toEqual([query, 400, 'string']);
      }
      expect((await call(member, 'POST', '/api/v1/token')).status).toBe(403);
    });

    it('answers a Docker config.json with docker-config=true', async () => {
      const created = await call(admin, 'POST', '/api/v1/token?ttl=1y&docker-config=true');
      expect(created.status).toBe(201);
      const host = new URL(wharf.registryUrl).host;
      const auth = (created.body as { auths: Record<string, { auth: string }> }).auths[host]!.auth;
      const [username, secret] = Buffer.from(auth, 'base64').toString().split(':');
      expect(username).toBe('token');
      expect(await grants(secret!)).toEqual({ status: 200, access: { 'alpha/app': ['pull', 'push', 'delete'], 'beta/app': ['pull', 'push'] } });
    });

    it('gets and refreshes by the token itself, keeps it the same, revokes it (204), and then it is gone', async () => {
      const token = await create();
      const got = await call(admin, 'GET', `/api/v1/token/${token.token}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual({ expireAt: token.expireAt, expireIn: expect.any(Number) });
      expect((await call(member, 'GET', `/api/v1/token/${token.token}`)).status).toBe(200);

      const refreshed = await call(admin, 'POST', `/api/v1/token/${token.token}/refresh`);
      expect(refreshed.status).toBe(200);
      const renewed = refreshed.body as { token: string; expireAt: number; expireIn: number };
      expect(renewed.token).toBe(token.token);
      expect(renewed.expireAt).toBeGreaterThanOrEqual(token.expireAt);
      expect((await call(member, 'POST', `/api/v1/token/${token.token}/refresh`)).status).toBe(403);
      expect((await call(member, 'DELETE', `/api/v1/token/${token.token}`)).status).toBe(403);
      expect((await call(stranger, 'GET', `/api/v1/token/${token.token}`)).status).toBe(404);
      expect((await call(stranger, 'DELETE', `/api/v1/token/${token.token}`)).status).toBe(404);
      expect((await grants(token.token)).status).toBe(200);

      const revoked = await call(admin, 'DELETE', `/api/v1/token/${token.token}`);
      expect([revoked.status, revoked.text]).toEqual([204, '']);
      expect((await grants(token.token)).status).toBe(401);
      for (const [method, path] of [
        ['GET', `/api/v1/token/${token.token}`],
        ['POST', `/api/v1/token/${token.token}/refresh`],
        ['DELETE', `/api/v1/token/${token.token}`],
      ] as const) {
        const gone = await call(admin, method, path);
        expect([method, gone.status, notFoundError(gone.body).error]).toEqual([method, 404, 'Token not found.']);
      }
    });

    it('answers 400 to what cannot be a token and 404 to unknown ones; v1 tokens are not in the v2 list', async () => {
      const malformed = await call(admin, 'GET', '/api/v1/token/not-a-token');
      expect([malformed.status, selectelError(malformed.body).error]).toEqual([400, 'Invalid or malformed token.']);
      expect((await call(admin, 'DELETE', '/api/v1/token/not-a-token')).status).toBe(400);
      const unknown = 'A'.repeat(43);
      expect(await call(admin, 'GET', `/api/v1/token/${unknown}`)).toMatchObject({ status: 404, body: { error: 'Token not found.' } });
      const v2 = await createToken(admin, { name: 'v2-only', expiration: noExpiry, scope: rwAll });
      expect((await call(admin, 'GET', `/api/v1/token/${v2.token}`)).status).toBe(404);
      const v1 = await create();
      const listed = await call(admin, 'GET', '/api/v2/tokens?limit=1000');
      expect(listed.text).not.toContain(v1.token);
      expect((listed.body as TokenList).tokens.every((t) => t.name !== '')).toBe(true);
    });
  });

  describe('integrated clusters', () => {
    const path = (registryId: string) => `/api/v1/registries/${registryId}/clusters`;
    interface AddedCluster {
      id: string;
      name: string;
      pool: string;
      pullSecret: { username: string; password: string; dockerConfig: { auths: Record<string, { auth: string }> } };
    }

    it('lists none at first, adds one (201, pull secret once), lists it without the secret', async () => {
      expect(await call(admin, 'GET', path(alpha))).toMatchObject({ status: 200, body: { clusters: [], totalCount: 0 } });
      const added = await call(admin, 'POST', path(alpha), { name: 'cluster-1', pool: 'ru-9' });
      expect(added.status).toBe(201);
      const cluster = added.body as AddedCluster;
      const host = new URL(wharf.registryUrl).host;
      expect(cluster).toEqual({
        id: expect.stringMatching(UUID),
        name: 'cluster-1',
        pool: 'ru-9',
        pullSecret: {
          username: 'token',
          password: expect.stringMatching(SECRET),
          dockerConfig: { auths: { [host]: { auth: Buffer.from(`token:${cluster.pullSecret.password}`).toString('base64') } } },
        },
      });
      const listed = await call(admin, 'GET', path(alpha));
      expect(listed.body).toEqual({ clusters: [{ id: cluster.id, name: 'cluster-1', pool: 'ru-9' }], totalCount: 1 });
      expect(listed.text).not.toContain(cluster.pullSecret.password);
      expect((await call(admin, 'GET', path(beta))).body).toEqual({ clusters: [], totalCount: 0 });
      // The integration's token pulls from its registry only, and is not one of the account's v2 tokens.
      expect(await grants(cluster.pullSecret.password)).toEqual({ status: 200, access: { 'alpha/app': ['pull'], 'beta/app': [] } });
      expect(((await call(admin, 'GET', '/api/v2/tokens?limit=1000')).body as TokenList).tokens.map((t) => t.name)).not.toContain('cluster cluster-1');
    });

    it('answers a user without a level on the registry 403, as the registry itself does, and lists once granted', async () => {
      const registry = await call(member, 'GET', `/api/v1/registries/${alpha}`);
      const clusters = await call(member, 'GET', path(alpha));
      expect([clusters.status, typeof selectelError(clusters.body).error]).toEqual([registry.status, 'string']);
      expect(clusters.status).toBe(403);
      const users = (await call(admin, 'GET', '/v3/users')).body as { users: Array<{ id: string; name: string }> };
      const dev = users.users.find((user) => user.name === 'acme-dev')!;
      expect((await call(admin, 'POST', '/v2/manage/namespaces/alpha/access', [{ user_id: dev.id, user_name: dev.name, auth: 1 }])).status).toBe(200);
      expect(await call(member, 'GET', path(alpha))).toMatchObject({ status: 200, body: { totalCount: 1 } });
      expect((await call(admin, 'DELETE', '/v2/manage/namespaces/alpha/access', [dev.id])).status).toBe(204);
    });

    it('sorts by name and refuses a taken name (409), bad input (400) and non-administrators (403)', async () => {
      await call(admin, 'POST', path(beta), { name: 'zeta', pool: 'ru-1' });
      await call(admin, 'POST', path(beta), { name: 'eta', pool: 'ru-7' });
      expect(((await call(admin, 'GET', path(beta))).body as { clusters: Array<{ name: string }> }).clusters.map((c) => c.name)).toEqual(['eta', 'zeta']);
      const taken = await call(admin, 'POST', path(beta), { name: 'zeta', pool: 'ru-9' });
      expect([taken.status, typeof selectelError(taken.body).error]).toEqual([409, 'string']);
      for (const body of [{ name: 'ok' }, { name: 'ok', pool: 9 }, { name: '', pool: 'ru-9' }, { name: 'bad name', pool: 'ru-9' }, { name: 'ok', pool: 'RU 9' }, { name: 'ok', pool: 'ru-9', size: 3 }]) {
        const refused = await call(admin, 'POST', path(beta), body);
        expect([body, refused.status, typeof selectelError(refused.body).error]).toEqual([body, 400, 'string']);
      }
      expect((await call(member, 'POST', path(beta), { name: 'sneaky', pool: 'ru-9' })).status).toBe(403);
    });

    it("answers 404 with the registry id for unknown registries and other accounts' registries", async () => {
      const unknown = randomUUID();
      for (const [session, registryId] of [
        [admin, unknown],
        [admin, 'not-a-uuid'],
        [stranger, alpha],
        [admin, foreign],
      ] as const) {
        for (const [method, suffix, json] of [
          ['GET', '', undefined],
          ['POST', '', { name: 'c', pool: 'ru-9' }],
          ['DELETE', `/${randomUUID()}`, undefined],
        ] as const) {
          const answer = await call(session, method, `${path(registryId)}${suffix}`, json);
          expect([method, registryId, answer.status, answer.body]).toEqual([method, registryId, 404, { error: 'Registry not found.' }]);
        }
      }
    });

    it('removes an integration (204) and with it its pull secret; unknown ones are 404 with the cluster id', async () => {
      const cluster = (await call(admin, 'POST', path(alpha), { name: 'short-term', pool: 'ru-3' })).body as AddedCluster;
      expect((await grants(cluster.pullSecret.password)).status).toBe(200);
      expect((await call(member, 'DELETE', `${path(alpha)}/${cluster.id}`)).status).toBe(403);
      expect((await call(admin, 'DELETE', `${path(beta)}/${cluster.id}`)).body).toEqual({ error: 'Cluster integration not found.' });
      const removed = await call(admin, 'DELETE', `${path(alpha)}/${cluster.id}`);
      expect([removed.status, removed.text]).toEqual([204, '']);
      expect((await grants(cluster.pullSecret.password)).status).toBe(401);
      expect(((await call(admin, 'GET', path(alpha))).body as { clusters: Array<{ id: string }> }).clusters.map((c) => c.id)).not.toContain(cluster.id);
      const again = await call(admin, 'DELETE', `${path(alpha)}/${cluster.id}`);
      expect([again.status, again.body]).toEqual([404, { error: 'Cluster integration not found.' }]);
      // The name is free again.
      expect((await call(admin, 'POST', path(alpha), { name: 'short-term', pool: 'ru-3' })).status).toBe(201);
    });
  });
});

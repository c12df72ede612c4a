import { adminToken, http, passwordLogin } from './http';
import { OciHttp } from './oci-http';
import { WharfProcesses, type Mode } from './wharf-processes';

/**
 * A registry token names repositories by name, and names are reused: once an organization is deleted and another
 * account creates one of the same name, tokens issued before (the old owner's push token, a share's pull token)
 * no longer reach what now lives under that name.
 */
describe.each<Mode>(['embedded', 'distributed'])('registry tokens after a name changes hands (%s)', (mode) => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let system: string;
  const password = (user: string) => `${user}-password`;
  const call = (session: string, method: string, path: string, json?: unknown) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': session }, ...(json !== undefined ? { json } : {}) });
  /** An account with an administrator; answers the administrator's session. */
  const account = async (name: string): Promise<string> => {
    const domain = await call(system, 'POST', '/v3/domains', { domain: { name } });
    const domainId = (domain.body as { domain: { id: string } }).domain.id;
    await call(system, 'POST', '/v3/users', { user: { name: `${name}-admin`, password: password(`${name}-admin`), domain_id: domainId, account_admin: true } });
    const login = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(`${name}-admin`, password(`${name}-admin`)) });
    return login.headers.get('x-subject-token') ?? '';
  };
  const registryToken = async (repository: string, user: string, actions = 'pull,push') => {
    const issued = await oci.token([`repository:${repository}:${actions}`], { username: user, password: password(user) });
    if (issued.status !== 200) throw new Error(`token for ${user}: ${issued.status}`);
    return issued.token;
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start(mode);
    oci = new OciHttp(wharf.registryUrl);
    system = await adminToken(wharf.apiUrl);
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it("refuses the old owner's push token and an old share's pull token once another account re-creates the name", async () => {
    const first = await account('reuse-first');
    await account('reuse-partner');
    const next = await account('reuse-next');

    expect((await call(first, 'POST', '/v2/manage/namespaces', { namespace: 'reused' })).status).toBe(201);
    expect((await oci.pushImage('reused/app', 'v1', await registryToken('reused/app', 'reuse-first-admin'))).result.status).toBe(201);
    const shares = '/v2/manage/namespaces/reused/repositories/app/access-domains';
    expect((await call(first, 'POST', shares, { access_domain: 'reuse-partner', permit: 'read', deadline: 'forever' })).status).toBe(201);

    // Tokens taken while the first account still owns the name.
    const oldPush = await registryToken('reused/app', 'reuse-first-admin');
    const oldShare = await registryToken('reused/app', 'reuse-partner-admin', 'pull');
    expect((await oci.request('GET', '/v2/reused/app/manifests/v1', { token: oldShare })).status).toBe(200);

    expect((await call(first, 'DELETE', '/v2/manage/namespaces/reused/repos/app')).status).toBe(204);
    expect((await call(first, 'DELETE', '/v2/manage/namespaces/reused')).status).toBe(204);

    // Access may not have projected the delete and the creation when catalog answers: it catches up before it
    // answers for a name it sees owned by another account, so the creation answers 201 in both modes.
    expect((await call(next, 'POST', '/v2/manage/namespaces', { namespace: 'reused' })).status).toBe(201);
    const nextPush = await registryToken('reused/app', 'reuse-next-admin');
    const image = await oci.pushImage('reused/app', 'v1', nextPush, 'the next account’s private layer');
    expect(image.result.status).toBe(201);

    // The old owner cannot overwrite the new owner's tag (with a manifest of the new owner's own blobs) nor upload.
    const overwrite = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: image.configDigest, size: JSON.parse(image.bytes).config.size },
      layers: JSON.parse(image.bytes).layers,
      annotations: { 'org.example.by': 'the old owner' },
    };
    expect([401, 403]).toContain((await oci.pushManifest('reused/app', 'v1', overwrite, oldPush)).status);
    expect([401, 403]).toContain((await oci.pushBlob('reused/app', 'the old owner’s layer', oldPush)).status);
    // The old share's token does not pull the new owner's private image.
    expect((await oci.request('GET', '/v2/reused/app/manifests/v1', { token: oldShare })).status).toBe(401);

    const pulled = await oci.request('GET', '/v2/reused/app/manifests/v1', { token: nextPush });
    expect(pulled.status).toBe(200);
    expect(pulled.body.toString()).toBe(image.bytes);
  });
});

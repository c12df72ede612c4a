import { ContainerTools } from './container-tools';
import { adminToken, http } from './http';
import { createNamespace } from './oci-http';
import { WharfProcesses } from './wharf-processes';

/** SWR's temporary and enhanced login commands, used for real by podman. */
describe('SWR login commands', () => {
  let wharf: WharfProcesses;
  let token: string;
  let tools: ContainerTools;
  let host: string;

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    token = await adminToken(wharf.apiUrl);
    host = new URL(wharf.registryUrl).host;
    await createNamespace(wharf.apiUrl, token, 'logins');
    tools = new ContainerTools();
    await tools.buildImage('login-test:1', 'pushed after a login command');
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
    tools?.cleanup();
  });

  it.each([
    ['secret', 6, /^eu-de@[A-Z0-9]{20}$/, '?projectname=eu-de'],
    ['authorizationtoken', 24, /^bearertoken@[A-Z0-9]{20}$/, ''],
  ] as const)('%s: answers a working docker login valid for %i hours', async (route, hours, userPattern, query) => {
    const issued = await http<{ auths: Record<string, { auth: string }> }>(`${wharf.apiUrl}/v2/manage/utils/${route}${query}`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    });
    expect(issued.status).toBe(200);
    const command = issued.headers.get('x-swr-dockerlogin')!;
    const match = /^docker login -u (\S+) -p ([0-9a-f]{64}) (\S+)$/.exec(command);
    expect(match).not.toBeNull();
    const [, username, password, registry] = match!;
    expect(username).toMatch(userPattern);
    expect(registry).toBe(host);
    expect(Buffer.from(issued.body.auths[host]!.auth, 'base64').toString()).toBe(`${username}:${password}`);
    const expiresIn = Date.parse(issued.headers.get('x-swr-expireat')!) - Date.now();
    expect(Math.abs(expiresIn - hours * 3600 * 1000)).toBeLessThan(60 * 1000);

    await tools.podman('login', '--tls-verify=false', '-u', username!, '-p', password!, host);
    await tools.podman('push', '--tls-verify=false', 'localhost/login-test:1', `${host}/logins/${route}:v1`);
    await tools.podman('pull', '--tls-verify=false', `${host}/logins/${route}:v1`);
    await expect(tools.podman('login', '--tls-verify=false', '-u', username!, '-p', '0'.repeat(64), host)).rejects.toThrow(/401|unauthorized|invalid/i);
  });

  it('needs a session token and a sane project name', async () => {
    expect((await http(`${wharf.apiUrl}/v2/manage/utils/secret`, { method: 'POST' })).status).toBe(401);
    const bad = await http(`${wharf.apiUrl}/v2/manage/utils/secret?projectname=${encodeURIComponent('a b')}`, { method: 'POST', headers: { 'X-Auth-Token': token } });
    expect(bad.status).toBe(400);
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerTools } from './container-tools';
import { httpsRequest, servedCertificate } from './https-client';
import { TestCa, type TestCertificate } from './test-certificates';
import { ADMIN_PASSWORD, WharfProcesses, type AppName, type Mode } from './wharf-processes';
import { passwordLogin } from './http';

/** Checks `probe` until it holds; the deadline only bounds a wait for something asynchronous, it is not what is tested. */
const eventually = async (probe: () => Promise<boolean>, what: string): Promise<void> => {
  const deadline = Date.now() + 20000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Still not so: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * HTTPS on both ports (WHARF_TLS_CERT / WHARF_TLS_KEY) with a CA made for the test: podman and skopeo push and
 * pull with TLS verification on, trusting only that CA through a per-test cert dir; the token realm follows
 * the scheme; SIGHUP serves a new certificate without a restart and keeps the old one when the new is broken.
 */
describe.each<Mode>(['embedded', 'distributed'])('TLS (%s)', (mode) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-tls-'));
  const served = { cert: join(dir, 'served.crt'), key: join(dir, 'served.key') };
  const certDir = join(dir, 'client-certs');
  const httpApps: AppName[] = mode === 'embedded' ? ['wharf'] : ['gateway', 'registry'];
  let ca: TestCa;
  let first: TestCertificate;
  let second: TestCertificate;
  let wharf: WharfProcesses;
  let tools: ContainerTools;
  let host: string;
  const serve = (certificate: TestCertificate) => {
    copyFileSync(certificate.certPath, served.cert);
    copyFileSync(certificate.keyPath, served.key);
  };
  const fingerprints = async () => Promise.all([wharf.apiUrl, wharf.registryUrl].map(async (url) => (await servedCertificate(url, ca.pem)).fingerprint256));

  beforeAll(async () => {
    const missing = await ContainerTools.missing();
    if (missing.length > 0) throw new Error(`These tests need ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`);
    ca = await TestCa.create(dir);
    first = await ca.issue('first');
    second = await ca.issue('second');
    serve(first);
    // containers-certs.d layout: every *.crt in the directory is a trusted CA.
    mkdirSync(certDir);
    copyFileSync(ca.certPath, join(certDir, 'ca.crt'));
    wharf = await WharfProcesses.start(mode, { WHARF_TLS_CERT: served.cert, WHARF_TLS_KEY: served.key }, { tlsCa: ca.pem });
    host = new URL(wharf.registryUrl).host;
    tools = new ContainerTools();
    await tools.buildImage('secure:1', `served over TLS in ${mode} mode`);
    const session = await httpsRequest(`${wharf.apiUrl}/v3/auth/tokens`, ca.pem, { method: 'POST', json: passwordLogin('admin', ADMIN_PASSWORD, 'admin') });
    const created = await httpsRequest(`${wharf.apiUrl}/v2/manage/namespaces`, ca.pem, {
      method: 'POST',
      headers: { 'X-Auth-Token': String(session.headers['x-subject-token']) },
      json: { namespace: 'secure' },
    });
    expect(created.status).toBe(201);
  }, 180000);

  afterAll(async () => {
    await wharf?.stop();
    tools?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves both ports over HTTPS with the configured certificate, verified against the CA, and no plain HTTP', async () => {
    expect(await fingerprints()).toEqual([first.fingerprint256, first.fingerprint256]);
    for (const url of [wharf.apiUrl, wharf.registryUrl]) {
      const plain = url.replace(/^https:/, 'http:');
      const answer = await fetch(`${plain}/livez`).then(
        (response) => response.status,
        () => 'no HTTP answer',
      );
      expect(answer).not.toBe(200);
    }
  });

  it("points the token challenge's realm and the API's links at https", async () => {
    const challenge = await httpsRequest(`${wharf.registryUrl}/v2/`, ca.pem);
    expect(challenge.status).toBe(401);
    expect(challenge.headers['www-authenticate']).toContain(`realm="https://${host}/auth/token"`);
    const versions = await httpsRequest<{ version: { links: { href: string } } }>(`${wharf.apiUrl}/v2`, ca.pem);
    expect(versions.body.version.links.href).toBe(`${wharf.apiUrl}/v2/`);
  });

  it('refuses podman and skopeo when they do not trust the CA: verification is on', async () => {
    await expect(tools.podman('login', '-u', 'admin', '-p', ADMIN_PASSWORD, host)).rejects.toThrow(/x509|certificate/i);
    await expect(tools.skopeo('inspect', '--creds', `admin:${ADMIN_PASSWORD}`, `docker://${host}/secure/none:v1`)).rejects.toThrow(/x509|certificate/i);
  });

  it('logs in, pushes and pulls with podman and copies and inspects with skopeo, verifying the certificate', async () => {
    await tools.podman('login', '--cert-dir', certDir, '-u', 'admin', '-p', ADMIN_PASSWORD, host);
    const pushed = tools.digestFile(`podman-${mode}`);
    await tools.podman('push', '--cert-dir', certDir, '--digestfile', pushed, 'localhost/secure:1', `${host}/secure/podman:v1`);
    await tools.podman('pull', '--cert-dir', certDir, `${host}/secure/podman:v1`);
    const repoDigests = await tools.podman('image', 'inspect', '--format', '{{json .RepoDigests}}', `${host}/secure/podman:v1`);
    expect(JSON.parse(repoDigests)).toContain(`${host}/secure/podman@${tools.read(pushed)}`);

    const copied = tools.digestFile(`skopeo-${mode}`);
    await tools.skopeo('copy', '--dest-cert-dir', certDir, '--dest-creds', `admin:${ADMIN_PASSWORD}`, '--digestfile', copied, tools.local('secure:1'), `docker://${host}/secure/skopeo:v1`);
    const inspected = JSON.parse(await tools.skopeo('inspect', '--cert-dir', certDir, '--creds', `admin:${ADMIN_PASSWORD}`, `docker://${host}/secure/skopeo:v1`)) as { Digest: string };
    expect(inspected.Digest).toBe(tools.read(copied));
  });

  it('serves a new certificate on both ports after SIGHUP, without a restart, and keeps it when the next pair is broken', async () => {
    const pids = httpApps.map((app) => wharf.pid(app));
    serve(second);
    for (const app of httpApps) wharf.hangUp(app);
    await eventually(async () => (await fingerprints()).every((fingerprint) => fingerprint === second.fingerprint256), 'both ports serve the new certificate');
    expect(httpApps.map((app) => wharf.pid(app))).toEqual(pids);
    const pushed = tools.digestFile(`after-reload-${mode}`);
    await tools.podman('push', '--cert-dir', certDir, '--digestfile', pushed, 'localhost/secure:1', `${host}/secure/reloaded:v1`);
    expect(tools.read(pushed)).toMatch(/^sha256:/);

    writeFileSync(served.key, 'not a private key');
    for (const app of httpApps) wharf.hangUp(app);
    await eventually(async () => httpApps.every((app) => (wharf.output(app).match(/TLS certificate not reloaded/g) ?? []).length >= (mode === 'embedded' ? 2 : 1)), 'the broken pair is refused');
    expect(await fingerprints()).toEqual([second.fingerprint256, second.fingerprint256]);
    expect(httpApps.map((app) => wharf.pid(app))).toEqual(pids);
  });
});

describe('TLS files at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-tls-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops a start whose certificate cannot be read, or whose key does not fit it, naming the variables', async () => {
    const ca = await TestCa.create(dir);
    const [first, second] = [await ca.issue('first'), await ca.issue('second')];
    await expect(WharfProcesses.start('embedded', { WHARF_TLS_CERT: join(dir, 'missing.crt'), WHARF_TLS_KEY: first.keyPath }, { tlsCa: ca.pem })).rejects.toThrow(
      /exited with 2[\s\S]*WHARF_TLS_CERT: cannot read/,
    );
    await expect(WharfProcesses.start('embedded', { WHARF_TLS_CERT: first.certPath, WHARF_TLS_KEY: second.keyPath }, { tlsCa: ca.pem })).rejects.toThrow(
      /exited with 2[\s\S]*WHARF_TLS_CERT, WHARF_TLS_KEY: not a usable certificate and private key/,
    );
  }, 60000);
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { adminToken } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

const modeOf = (path: string) => statSync(path).mode & 0o777;
/** Every directory and file under `root`, with its path relative to it. */
const walk = (root: string, relative = ''): { path: string; directory: boolean }[] =>
  readdirSync(join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const path = join(relative, entry.name);
    return entry.isDirectory() ? [{ path, directory: true }, ...walk(root, path)] : [{ path, directory: false }];
  });
const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

/** The data directory is private, and the registry-token signing key is sealed with the operator's key. */
describe('secrets at rest (embedded)', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  const tags = (token: string) => oci.request('GET', '/v2/vault/app/tags/list', { token });

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    oci = new OciHttp(wharf.registryUrl);
    await createNamespace(wharf.apiUrl, await adminToken(wharf.apiUrl), 'vault');
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('keeps the data directory 0700 and everything in it 0600: SQLite with its -wal and -shm, blobs, the generated key', async () => {
    const { token } = await oci.token(['repository:vault/app:pull,push']);
    expect((await oci.pushImage('vault/app', 'v1', token)).result.status).toBe(201);
    const dir = wharf.dataDir;
    expect(modeOf(dir)).toBe(0o700);
    const entries = walk(dir);
    const files = entries.filter((entry) => !entry.directory).map((entry) => entry.path);
    expect(files).toEqual(expect.arrayContaining(['wharf.db', 'wharf.db-wal', 'wharf.db-shm', 'secret.key']));
    expect(files.some((path) => path.startsWith('blobs') || path.includes('sha256'))).toBe(true);
    expect(entries.filter((entry) => modeOf(join(dir, entry.path)) !== (entry.directory ? 0o700 : 0o600))).toEqual([]);
    expect(wharf.output('wharf')).toContain('generated an operator key');
  });

  it('stores no private key in plain text', async () => {
    await oci.token(['repository:vault/app:pull']);
    for (const file of ['wharf.db', 'wharf.db-wal']) expect(readFileSync(join(wharf.dataDir, file)).includes('PRIVATE KEY')).toBe(false);
  });

  it('rotates the operator key: old tokens still verify, a new signing key signs, and a missing key stops start-up by name', async () => {
    const { token: before } = await oci.token(['repository:vault/app:pull']);
    expect((await tags(before)).status).toBe(200);
    const generatedKey = readFileSync(join(wharf.dataDir, 'secret.key'), 'utf8').trim();
    const newKey = 'rotated-operator-key-'.padEnd(48, 'x');

    await wharf.terminate('wharf');
    await expect(wharf.restart('wharf', { WHARF_SECRET_KEY: newKey })).rejects.toThrow(/WHARF_PREVIOUS_SECRET_KEYS/);

    await wharf.restart('wharf', { WHARF_SECRET_KEY: newKey, WHARF_PREVIOUS_SECRET_KEYS: generatedKey });
    expect((await tags(before)).status).toBe(200);
    const { token: after } = await oci.token(['repository:vault/app:pull']);
    expect(kidOf(after)).not.toBe(kidOf(before));
    expect((await tags(after)).status).toBe(200);

    // Once every key in use is sealed with the new key, the previous one can go.
    await wharf.terminate('wharf');
    await wharf.restart('wharf', { WHARF_SECRET_KEY: newKey, WHARF_PREVIOUS_SECRET_KEYS: '' });
    const { token: later } = await oci.token(['repository:vault/app:pull']);
    expect(kidOf(later)).toBe(kidOf(after));
    expect((await tags(later)).status).toBe(200);
  });
});

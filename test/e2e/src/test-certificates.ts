import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  certPath: string;
  keyPath: string;
  /** SHA-256 fingerprint as node's `PeerCertificate.fingerprint256` shows it (`AB:CD:…`). */
  fingerprint256: string;
}

const fingerprintOf = async (certPath: string): Promise<string> => {
  const { stdout } = await run('openssl', ['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256']);
  return stdout.trim().replace(/^.*=/, '');
};

/**
 * A private CA made for one test with Debian's openssl, and server certificates it signs for 127.0.0.1 and
 * localhost. Clients trust only this CA, so every connection in the test is verified against it.
 */
export class TestCa {
  readonly certPath: string;
  private readonly keyPath: string;

  private constructor(private readonly dir: string) {
    this.certPath = join(dir, 'ca.crt');
    this.keyPath = join(dir, 'ca.key');
  }

  static async create(dir: string): Promise<TestCa> {
    const ca = new TestCa(dir);
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=Wharf test CA', '-keyout', ca.keyPath, '-out', ca.certPath,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return ca;
  }

  get pem(): string {
    return readFileSync(this.certPath, 'utf8');
  }

  /** A server certificate (with its key) for 127.0.0.1 and localhost, signed by this CA; `name` keeps files apart. */
  async issue(name: string): Promise<TestCertificate> {
    const keyPath = join(this.dir, `${name}.key`);
    const csrPath = join(this.dir, `${name}.csr`);
    const certPath = join(this.dir, `${name}.crt`);
    const extensions = join(this.dir, `${name}.ext`);
    writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
    await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-keyout', keyPath, '-out', csrPath]);
    await run('openssl', ['x509', '-req', '-in', csrPath, '-CA', this.certPath, '-CAkey', this.keyPath, '-CAcreateserial', '-days', '2', '-extfile', extensions, '-out', certPath]);
    return { certPath, keyPath, fingerprint256: await fingerprintOf(certPath) };
  }
}

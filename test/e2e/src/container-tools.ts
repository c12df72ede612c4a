import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Debian's buildah, podman and skopeo with private vfs storage and auth file, talking plain http to 127.0.0.1.
 * Nothing here touches the machine's own container storage or credentials.
 */
export class ContainerTools {
  readonly dir = mkdtempSync(join(tmpdir(), 'wharf-clients-'));
  private readonly storage = ['--storage-driver', 'vfs', '--root', join(this.dir, 'storage'), '--runroot', join(this.dir, 'run')];
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    const authFile = join(this.dir, 'auth.json');
    writeFileSync(authFile, '{}');
    this.env = { PATH: process.env.PATH, HOME: this.dir, REGISTRY_AUTH_FILE: authFile, TMPDIR: this.dir };
  }

  static async missing(): Promise<string[]> {
    const missing: string[] = [];
    for (const tool of ['buildah', 'podman', 'skopeo']) {
      await run(tool, ['--version']).catch(() => missing.push(tool));
    }
    return missing;
  }

  private async exec(tool: string, args: string[]): Promise<string> {
    try {
      const { stdout } = await run(tool, args, { env: this.env, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const failure = error as { stderr?: string; message: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${failure.stderr ?? failure.message}`);
    }
  }

  buildah = (...args: string[]) => this.exec('buildah', [...this.storage, ...args]);
  podman = (...args: string[]) => this.exec('podman', [...this.storage, ...args]);
  skopeo = (...args: string[]) => this.exec('skopeo', args);

  /** The containers-storage reference skopeo needs for an image built here. */
  local(name: string): string {
    return `containers-storage:[vfs@${join(this.dir, 'storage')}+${join(this.dir, 'run')}]localhost/${name}`;
  }

  /** Builds a one-file image from scratch (no RUN steps, so nothing needs to execute). */
  async buildImage(name: string, content: string, arch = 'amd64'): Promise<void> {
    const file = join(this.dir, `${name.replace(/[/:]/g, '_')}.txt`);
    writeFileSync(file, content);
    const container = (await this.buildah('from', '--arch', arch, 'scratch')).trim();
    await this.buildah('copy', container, file, '/content.txt');
    await this.buildah('config', '--arch', arch, '--os', 'linux', '--cmd', '["/content.txt"]', container);
    await this.buildah('commit', '--format', 'oci', container, `localhost/${name}`);
    await this.buildah('rm', container);
  }

  /** A two-platform OCI image index in an OCI layout directory; returns the layout reference. */
  async buildIndex(name: string): Promise<string> {
    await this.buildImage(`${name}-amd64:1`, 'amd64 build', 'amd64');
    await this.buildImage(`${name}-arm64:1`, 'arm64 build', 'arm64');
    await this.buildah('manifest', 'create', `localhost/${name}:1`);
    for (const arch of ['amd64', 'arm64']) {
      await this.buildah('manifest', 'add', '--arch', arch, `localhost/${name}:1`, `containers-storage:localhost/${name}-${arch}:1`);
    }
    const layout = join(this.dir, `${name}-layout`);
    await this.buildah('manifest', 'push', '--all', '--format', 'oci', `localhost/${name}:1`, `oci:${layout}:${name}`);
    return `oci:${layout}:${name}`;
  }

  digestFile(name: string): string {
    mkdirSync(join(this.dir, 'digests'), { recursive: true });
    return join(this.dir, 'digests', name);
  }

  read(path: string): string {
    return readFileSync(path, 'utf8').trim();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

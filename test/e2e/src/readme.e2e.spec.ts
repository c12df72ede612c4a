import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ContainerTools } from './container-tools';
import { ADMIN_PASSWORD, WharfProcesses } from './wharf-processes';

const ROOT = resolve(__dirname, '../../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Outcome {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** One bash session, as a user's terminal: variables set by one command are there for the next. */
class Terminal {
  private readonly shell: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private waiting: (() => void) | undefined;

  constructor(env: NodeJS.ProcessEnv) {
    this.shell = spawn('bash', ['--noprofile', '--norc'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.shell.stdout.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      this.waiting?.();
    });
    this.shell.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  async run(command: string): Promise<Outcome> {
    const marker = `__exit_${randomUUID()}__`;
    [this.stdout, this.stderr] = ['', ''];
    const finished = new Promise<void>((done) => (this.waiting = () => this.stdout.includes(marker) && done()));
    this.shell.stdin.write(`${command}\nexit_code=$?; echo; echo "${marker}$exit_code"\n`);
    await finished;
    const [output, code] = this.stdout.split(marker);
    return { command, code: Number(code!.trim()), stdout: output!.trim(), stderr: this.stderr.trim() };
  }

  close(): void {
    this.shell.stdin.end();
  }
}

/** The README's `sh` blocks that talk to a running Wharf, split into commands (a command ends where its quotes close). */
const exampleCommands = (): string[] => {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const commands: string[] = [];
  for (const block of blocks.filter((b) => b.includes('127.0.0.1:') && !b.includes('npm ') && !b.includes('nats-server'))) {
    let pending = '';
    for (const line of block.split('\n')) {
      if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
      pending = pending === '' ? line : `${pending}\n${line}`;
      const quotesOpen = (pending.match(/'/g) ?? []).length % 2 === 1;
      if (!quotesOpen && !pending.endsWith('\\')) {
        commands.push(pending);
        pending = '';
      }
    }
  }
  return commands;
};

/** The README read by a new user: every link leads somewhere, every example works against a fresh Wharf. */
describe('README', () => {
  it('links the architecture page to a file in the repository, and every relative link resolves', () => {
    const links = [...README.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)].map((match) => match[1]!).filter((link) => !/^[a-z]+:/.test(link));
    expect(links).toContain('docs/architecture.md');
    expect(links.filter((link) => !existsSync(join(ROOT, link)))).toEqual([]);
  });

  describe('examples', () => {
    let wharf: WharfProcesses;
    let tools: ContainerTools;
    let terminal: Terminal;

    beforeAll(async () => {
      wharf = await WharfProcesses.start('embedded');
      tools = new ContainerTools();
      await tools.buildImage('myimage', 'the README example image');
      // podman with the private vfs storage the other client tests use; curl failing on 4xx/5xx answers.
      const bin = join(tools.dir, 'bin');
      const storage = `--storage-driver vfs --root ${join(tools.dir, 'storage')} --runroot ${join(tools.dir, 'run')}`;
      writeFileSync(join(tools.dir, 'podman.sh'), `exec /usr/bin/podman ${storage} "$@"\n`);
      writeFileSync(join(tools.dir, 'curl.sh'), 'exec /usr/bin/curl --fail-with-body "$@"\n');
      terminal = new Terminal({
        PATH: `${bin}:${process.env.PATH}`,
        HOME: tools.dir,
        REGISTRY_AUTH_FILE: join(tools.dir, 'auth.json'),
        TMPDIR: tools.dir,
      });
      await terminal.run(`mkdir -p ${bin} && for tool in podman curl; do cp ${tools.dir}/$tool.sh ${bin}/$tool && chmod +x ${bin}/$tool; done`);
    }, 180000);
    afterAll(async () => {
      terminal?.close();
      await wharf?.stop();
      tools?.cleanup();
    });

    it('logs in, keeps the token and runs every management and client example as written', async () => {
      const registryHost = new URL(wharf.registryUrl).host;
      const answers = new Map<string, string>([['<password>', ADMIN_PASSWORD]]);
      const remember = (stdout: string): void => {
        for (const line of stdout.split('\n')) {
          if (!line.startsWith('{"')) continue;
          const body = JSON.parse(line) as { user?: { id: string; name: string }; domain?: { id: string }; credential?: { access: string; secret: string } };
          if (body.user?.name === 'dev') answers.set('<user id>', body.user.id);
          if (body.domain) answers.set('<account id>', body.domain.id);
          if (body.credential) answers.set('<access>', body.credential.access).set('<secret>', body.credential.secret);
        }
      };
      const commands = exampleCommands();
      expect(commands.length).toBeGreaterThan(10);
      for (const written of commands) {
        let command = written.replaceAll('http://127.0.0.1:8080', wharf.apiUrl).replaceAll('127.0.0.1:5000', registryHost);
        for (const [placeholder, value] of answers) command = command.replaceAll(placeholder, value);
        expect(command).not.toMatch(/<[a-z ]+>/);
        const outcome = await terminal.run(command);
        expect({ command: written, code: outcome.code }).toEqual({ command: written, code: 0 });
        remember(outcome.stdout);
      }
      expect((await terminal.run('echo "$TOKEN"')).stdout).toMatch(/^\S{20,}$/);
      // What the examples made is there: the share and the dev user's permission.
      const shared = await terminal.run(`curl -s ${wharf.apiUrl}/v2/manage/shared-repositories -H "X-Auth-Token: $TOKEN"`);
      expect((JSON.parse(shared.stdout) as Array<{ name: string; domain_name: string }>).map((r) => [r.name, r.domain_name])).toEqual([['myimage', 'admin']]);
    }, 120000);
  });
});

import { adminToken, http, passwordLogin, type HttpResult } from './http';
import { createNamespace, OciHttp, sha256 } from './oci-http';
import { WharfProcesses } from './wharf-processes';

type SwrError = [{ errorCode: string; errorMessage: string }];
interface DryRun {
  tags: { tag: string; digest: string; decision: 'keep' | 'delete'; reason: string; rule?: number; detail: string }[];
  manifests: { digest: string; decision: string }[];
}
interface Histories {
  retention_log: { created_at: string; id: number; namespace: string; repo: string; retention_id: number; rule_type: string; tag: string }[];
  total: number;
}

/** Every ten seconds: the scheduled-run test waits for a tick instead of a day. */
const SCHEDULE_SECONDS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until just after a tick of the schedule, so that what follows comes well before the next one. */
const afterTick = async () => {
  while (new Date().getUTCSeconds() % SCHEDULE_SECONDS !== 1) await sleep(100);
};

/** SWR image retention policies (§1.2.11) with Wharf's dry run and runs, through the management API and the registry. */
describe('SWR retention policies', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let session: string;
  let readerSession: string;
  let pushToken: string;
  const codeOf = (result: HttpResult) => (result.body as SwrError)[0]?.errorCode;
  const call = (method: string, path: string, json?: unknown, as = session) =>
    http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': as }, ...(json !== undefined ? { json } : {}) });
  const repo = (name: string) => `/v2/manage/namespaces/keep/repos/${name}/retentions`;

  /** One small image with many tags, 100 a PUT (`?tag=…`); the registry records them one after another, each with its own push time. */
  const pushTags = async (name: string, tags: string[], content = `content of ${name}`) => {
    const image = await oci.pushImage(`keep/${name}`, tags[0]!, pushToken, content);
    for (let start = 1; start < tags.length; start += 100) {
      const query = tags
        .slice(start, start + 100)
        .map((tag) => `tag=${tag}`)
        .join('&');
      const result = await oci.pushManifest(`keep/${name}`, `${image.digest}?${query}`, JSON.parse(image.bytes), pushToken);
      if (result.status !== 201) throw new Error(`pushing tags from ${tags[start]}: ${result.status} ${result.body.toString()}`);
    }
    return image.digest;
  };
  const tagsOf = async (name: string): Promise<string[]> => {
    const result = await oci.request('GET', `/v2/keep/${name}/tags/list?n=10000`, { token: pushToken });
    return (result.json<{ tags: string[] | null }>().tags ?? []).sort();
  };
  const histories = async (name: string, query = ''): Promise<HttpResult<Histories>> => call('GET', `${repo(name)}/histories${query}`) as Promise<HttpResult<Histories>>;

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded', { WHARF_RETENTION_SCHEDULE: `*/${SCHEDULE_SECONDS} * * * * *` });
    oci = new OciHttp(wharf.registryUrl);
    session = await adminToken(wharf.apiUrl);
    await createNamespace(wharf.apiUrl, session, 'keep');
    pushToken = (await oci.token(['repository:keep/routes:pull,push', 'repository:keep/scheduled:pull,push', 'repository:keep/racing:pull,push', 'repository:keep/killed:pull,push', 'repository:keep/reborn:pull,push'])).token;
    await pushTags('routes', ['v1', 'v2', 'v3']);
    const user = (await call('POST', '/v3/users', { user: { name: 'reader', password: 'reader-password' } })).body as { user: { id: string } };
    await call('POST', '/v2/manage/namespaces/keep/repos/routes/access', [{ user_id: user.user.id, user_name: 'reader', auth: 1 }]);
    const login = await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('reader', 'reader-password') });
    readerSession = login.headers.get('x-subject-token')!;
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  describe('routes and codes', () => {
    // Keeps every tag: the schedule runs it too, and it must change nothing here.
    const keepAll = { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '1000' }, tag_selectors: [] }] };

    it('creates (201 {id}), lists (bare array, params as strings, scope ""), gets, updates (201) and deletes (200 {}) a policy', async () => {
      const created = await call('POST', repo('routes'), keepAll);
      expect(created.status).toBe(201);
      const { id } = created.body as { id: number };
      expect(Number.isInteger(id)).toBe(true);

      const withNumbers = await call('POST', repo('routes'), {
        algorithm: 'or',
        rules: [{ template: 'date_rule', params: { days: 30 }, tag_selectors: [{ kind: 'label', pattern: 'v5' }, { kind: 'regexp', pattern: '^123$' }] }],
      });
      expect(withNumbers.status).toBe(201);
      const second = (withNumbers.body as { id: number }).id;

      const list = await call('GET', repo('routes'));
      expect(list.status).toBe(200);
      expect(list.body).toEqual([
        { algorithm: 'or', id, rules: [{ template: 'tag_rule', params: { num: '1000' }, tag_selectors: [] }], scope: '', untagged: false },
        {
          algorithm: 'or',
          id: second,
          rules: [{ template: 'date_rule', params: { days: '30' }, tag_selectors: [{ kind: 'label', pattern: 'v5' }, { kind: 'regexp', pattern: '^123$' }] }],
          scope: '',
          untagged: false,
        },
      ]);
      const one = await call('GET', `${repo('routes')}/${second}`);
      expect([one.status, (one.body as { id: number }).id]).toEqual([200, second]);

      const patched = await call('PATCH', `${repo('routes')}/${second}`, {
        algorithm: 'or',
        rules: [{ template: 'date_rule', params: { days: '60' }, tag_selectors: [] }],
        pulled_within: '7',
        untagged: true,
      });
      expect([patched.status, patched.text]).toEqual([201, '']);
      expect((await call('GET', `${repo('routes')}/${second}`)).body).toEqual({
        algorithm: 'or',
        id: second,
        rules: [{ template: 'date_rule', params: { days: '60' }, tag_selectors: [] }],
        scope: '',
        untagged: true,
        pulled_within: '7',
      });

      const deleted = await call('DELETE', `${repo('routes')}/${second}`);
      expect([deleted.status, deleted.body]).toEqual([200, {}]);
      const gone = await call('GET', `${repo('routes')}/${second}`);
      expect([gone.status, codeOf(gone)]).toEqual([404, 'SVCSTG.SWR.4041101']);
      expect(((await call('GET', repo('routes'))).body as { id: number }[]).map((p) => p.id)).toEqual([id]);
    });

    it('refuses bad policies with 400 in the SWR format', async () => {
      const rule = (template: string, params: Record<string, unknown>, tag_selectors: unknown[] = []) => ({ algorithm: 'or', rules: [{ template, params, tag_selectors }] });
      for (const body of [
        { ...rule('date_rule', { days: '30' }), algorithm: 'and' },
        rule('date_rule', { days: '0' }),
        rule('date_rule', { days: 366 }),
        rule('date_rule', { days: 'thirty' }),
        rule('tag_rule', { num: '1001' }),
        rule('tag_rule', { days: '5' }),
        rule('size_rule', { num: '5' }),
        rule('tag_rule', { num: '5' }, [{ kind: 'regexp', pattern: '([a-z' }]),
        rule('tag_rule', { num: '5' }, [{ kind: 'regexp', pattern: '(a+)+$' }]),
        rule('tag_rule', { num: '5' }, [{ kind: 'glob', pattern: 'v*' }]),
        { algorithm: 'or', rules: [] },
        { ...rule('tag_rule', { num: '5' }), pulled_within: '400' },
      ]) {
        const result = await call('POST', repo('routes'), body);
        expect([JSON.stringify(body), result.status, codeOf(result)]).toEqual([JSON.stringify(body), 400, 'SVCSTG.SWR.4000014']);
      }
      const created = (await call('POST', repo('routes'), rule('tag_rule', { num: '5' }))).body as { id: number };
      const changed = await call('PATCH', `${repo('routes')}/${created.id}`, rule('date_rule', { days: '5' }));
      expect([changed.status, codeOf(changed)]).toEqual([400, 'SVCSTG.SWR.4001101']);
      expect((await call('DELETE', `${repo('routes')}/${created.id}`)).status).toBe(200);
    });

    it('answers 404 for unknown repositories, organizations and policies, 400 for ids that are not numbers', async () => {
      for (const [path, code] of [
        ['/v2/manage/namespaces/keep/repos/missing/retentions', 'SVCSTG.SWR.4040010'],
        ['/v2/manage/namespaces/nowhere/repos/routes/retentions', 'SVCSTG.SWR.4040058'],
        [`${repo('routes')}/999999`, 'SVCSTG.SWR.4041101'],
      ] as const) {
        const result = await call('GET', path);
        expect([path, result.status, codeOf(result)]).toEqual([path, 404, code]);
      }
      const notANumber = await call('GET', `${repo('routes')}/abc`);
      expect([notANumber.status, codeOf(notANumber)]).toEqual([400, 'SVCSTG.SWR.4000014']);
      expect((await call('DELETE', `${repo('routes')}/999999`)).status).toBe(404);
    });

    it('lets read (1) list, get, dry-run and read histories, and keeps changes for manage (7); 401 without a token', async () => {
      const { id } = (await call('POST', repo('routes'), keepAll)).body as { id: number };
      expect((await call('GET', repo('routes'), undefined, readerSession)).status).toBe(200);
      expect((await call('GET', `${repo('routes')}/${id}`, undefined, readerSession)).status).toBe(200);
      expect((await call('POST', `${repo('routes')}/${id}/dry_run`, undefined, readerSession)).status).toBe(200);
      expect((await call('GET', `${repo('routes')}/histories`, undefined, readerSession)).status).toBe(200);
      for (const [method, path, body] of [
        ['POST', repo('routes'), keepAll],
        ['PATCH', `${repo('routes')}/${id}`, keepAll],
        ['DELETE', `${repo('routes')}/${id}`, undefined],
        ['POST', `${repo('routes')}/${id}/run`, undefined],
      ] as const) {
        const result = await call(method, path, body, readerSession);
        expect([method, path, result.status, codeOf(result)]).toEqual([method, path, 403, 'SVCSTG.SWR.4037017']);
      }
      const anonymous = await http(`${wharf.apiUrl}${repo('routes')}`);
      expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'SVCSTG.SWR.4010000']);
    });

    it("ends a repository's policies with it: one created later under the name starts with none", async () => {
      await pushTags('reborn', ['v1']);
      const { id } = (await call('POST', repo('reborn'), keepAll)).body as { id: number };
      expect((await call('DELETE', '/v2/manage/namespaces/keep/repos/reborn')).status).toBe(204);
      // Tokens from before the delete no longer push: a new one for the new repository.
      pushToken = (await oci.token(['repository:keep/reborn:pull,push', 'repository:keep/routes:pull,push', 'repository:keep/scheduled:pull,push', 'repository:keep/racing:pull,push', 'repository:keep/killed:pull,push'])).token;
      await pushTags('reborn', ['v1']);
      expect(await tagsOf('reborn')).toEqual(['v1']);
      expect((await call('GET', repo('reborn'))).body).toEqual([]);
      expect((await call('GET', `${repo('reborn')}/${id}`)).status).toBe(404);
    });

    it('pages histories with limit/offset or filter, with Content-Range, and refuses bad filters', async () => {
      const plain = await histories('routes', '?limit=10&offset=0');
      expect([plain.status, plain.body, plain.headers.get('content-range')]).toEqual([200, { retention_log: [], total: 0 }, '0-0/0']);
      const filtered = await histories('routes', '?filter=limit::10|offset::0');
      expect([filtered.status, filtered.headers.get('content-range')]).toEqual([200, '0-0/0']);
      const bad = await histories('routes', '?filter=limit::10|color::red');
      expect([bad.status, codeOf(bad)]).toEqual([400, 'SVCSTG.SWR.4001035']);
      const lost = await histories('routes', '?limit=10');
      expect([lost.status, codeOf(lost)]).toEqual([400, 'SVCSTG.SWR.4001036']);
    });

    it('dry-runs a policy: every tag with keep or delete and what decided, changing nothing', async () => {
      await afterTick();
      const { id } = (await call('POST', repo('routes'), { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '1' }, tag_selectors: [{ kind: 'label', pattern: 'v1' }] }] }))
        .body as { id: number };
      const dry = await call('POST', `${repo('routes')}/${id}/dry_run`);
      expect(dry.status).toBe(200);
      const byTag = Object.fromEntries((dry.body as DryRun).tags.map((t) => [t.tag, [t.decision, t.reason]]));
      expect(byTag).toEqual({ v1: ['keep', 'selector'], v2: ['delete', 'no_rule_keeps'], v3: ['keep', 'tag_rule'] });
      expect(await tagsOf('routes')).toEqual(['v1', 'v2', 'v3']);
      // Deleted at once, before the schedule's next tick can run it.
      expect((await call('DELETE', `${repo('routes')}/${id}`)).status).toBe(200);
      expect(await tagsOf('routes')).toEqual(['v1', 'v2', 'v3']);
    });
  });

  it('deletes on schedule exactly what the dry run listed, one history entry per tag', async () => {
    const tags = ['stable', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    await pushTags('scheduled', tags);
    // The policy and its dry run both come before the next tick.
    await afterTick();
    const policy = { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '2' }, tag_selectors: [{ kind: 'regexp', pattern: '^stab' }] }] };
    const { id } = (await call('POST', repo('scheduled'), policy)).body as { id: number };
    const dry = (await call('POST', `${repo('scheduled')}/${id}/dry_run`)).body as DryRun;
    const listed = dry.tags.filter((t) => t.decision === 'delete').map((t) => t.tag).sort();
    expect(listed).toEqual(['r1', 'r2', 'r3', 'r4']);

    let log: Histories = { retention_log: [], total: 0 };
    for (let attempt = 0; attempt < 300 && log.total < listed.length; attempt++) {
      await sleep(100);
      log = (await histories('scheduled')).body;
    }
    expect(log.retention_log.map((entry) => entry.tag).sort()).toEqual(listed);
    expect(log.retention_log.every((entry) => entry.retention_id === id && entry.namespace === 'keep' && entry.repo === 'scheduled')).toBe(true);
    expect(JSON.parse(log.retention_log[0]!.rule_type)).toEqual(policy.rules[0]);
    expect(await tagsOf('scheduled')).toEqual(['r5', 'r6', 'stable']);
    const paged = await histories('scheduled', '?filter=limit::2|offset::1');
    expect([paged.body.retention_log.length, paged.body.total, paged.headers.get('content-range')]).toEqual([2, 4, '1-2/4']);
    expect((await call('DELETE', `${repo('scheduled')}/${id}`)).status).toBe(200);
  });

  it('keeps a tag pushed while a run is under way', async () => {
    const tags = Array.from({ length: 600 }, (_, i) => `t${String(i).padStart(4, '0')}`);
    await pushTags('racing', tags);
    await afterTick();
    const { id } = (await call('POST', repo('racing'), { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '1' }, tag_selectors: [] }] })).body as { id: number };
    // The run goes oldest first; t0598 is among the last it would take.
    const started = await call('POST', `${repo('racing')}/${id}/run`);
    expect(started.status).toBe(202);
    // The run under way goes on; the schedule will not start another one.
    expect((await call('DELETE', `${repo('racing')}/${id}`)).status).toBe(200);
    const moved = await oci.pushImage('keep/racing', 't0598', pushToken, 'a new build of t0598');
    const pushedAt = new Date().toISOString();
    expect(moved.result.status).toBe(201);

    let log: Histories = { retention_log: [], total: 0 };
    for (let attempt = 0; attempt < 600 && log.total < 598; attempt++) {
      await sleep(100);
      log = (await histories('racing', '?limit=1000&offset=0')).body;
    }
    const untagged = new Set(log.retention_log.map((entry) => entry.tag));
    expect(untagged.has('t0598')).toBe(false);
    expect(untagged.size).toBe(598);
    // The run was still untagging after the push.
    expect(log.retention_log.some((entry) => entry.created_at > pushedAt)).toBe(true);
    expect(await tagsOf('racing')).toEqual(['t0598', 't0599']);
    const current = await oci.request('HEAD', '/v2/keep/racing/manifests/t0598', { token: pushToken });
    expect(current.headers.get('docker-content-digest')).toBe(moved.digest);
    expect(moved.digest).not.toBe(sha256(''));
  });

  it('goes on with a run after kill -9, untagging exactly what it planned, each tag once', async () => {
    // More than one batch of untaggings (lifecycle untags 50 at a time), so the kill can fall between two.
    const tags = Array.from({ length: 1200 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    await pushTags('killed', tags, 'content of the killed run');
    await afterTick();
    const { id } = (await call('POST', repo('killed'), { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '100' }, tag_selectors: [] }] })).body as { id: number };
    const planned = ((await call('POST', `${repo('killed')}/${id}/dry_run`)).body as DryRun).tags.filter((t) => t.decision === 'delete').map((t) => t.tag);
    expect(planned).toHaveLength(1100);
    expect((await call('POST', `${repo('killed')}/${id}/run`)).status).toBe(202);
    expect((await call('DELETE', `${repo('killed')}/${id}`)).status).toBe(200);
    let partial = 0;
    for (let attempt = 0; attempt < 3000 && partial === 0; attempt++) {
      partial = (await histories('killed', '?limit=1&offset=0')).body.total;
      if (partial === 0) await sleep(10);
    }
    // Killed while the run was under way: some of its untaggings done, not all.
    expect(partial).toBeLessThan(planned.length);
    await wharf.kill('wharf');
    await wharf.restart('wharf');
    session = await adminToken(wharf.apiUrl);
    pushToken = (await oci.token(['repository:keep/killed:pull,push'])).token;
    let total = 0;
    for (let attempt = 0; attempt < 600 && total < planned.length; attempt++) {
      await sleep(100);
      total = (await histories('killed', '?limit=1&offset=0')).body.total;
    }
    const pages = [(await histories('killed', '?limit=1000&offset=0')).body, (await histories('killed', '?limit=1000&offset=1000')).body];
    expect(pages.flatMap((page) => page.retention_log.map((entry) => entry.tag)).sort()).toEqual([...planned].sort());
    expect(await tagsOf('killed')).toEqual(tags.slice(1100));
  });
});

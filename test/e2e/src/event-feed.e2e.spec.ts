import { PublicEventData, isPublicEventName, type PublicCloudEvent } from '@wharf/contracts/events';
import { CloudEvent } from 'cloudevents';
import { adminToken, http, passwordLogin } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

interface Page {
  events: PublicCloudEvent[];
  next: number;
}

/** The short name of a CloudEvents type: `io.wharf.tag.moved.v1` → `tag.moved`. */
const nameOf = (event: PublicCloudEvent) => event.type.replace(/^io\.wharf\./, '').replace(/\.v\d+$/, '');

/**
 * The public event feed in embedded mode (`GET /v1/events`): a scripted scenario (OCI pushes, a tag moved and
 * deleted, a manifest deleted, a grant, a share) comes out as valid CloudEvents in order per repository, a
 * consumer resuming from its stored position misses nothing, and each account sees only its own events.
 */
describe('public event feed (embedded)', () => {
  let wharf: WharfProcesses;
  let oci: OciHttp;
  let admin: string;
  let other: string;
  let host: string;
  const feed = (session: string, query: string, headers: Record<string, string> = {}) =>
    http<Page>(`${wharf.apiUrl}/v1/events${query}`, { headers: { 'X-Auth-Token': session, ...headers } });
  const everything = async (session: string, limit = 1000): Promise<PublicCloudEvent[]> => {
    const events: PublicCloudEvent[] = [];
    for (let after = 0; ; ) {
      const page = await feed(session, `?after=${after}&limit=${limit}`);
      expect(page.status).toBe(200);
      events.push(...page.body.events);
      if (page.body.events.length < limit) return events;
      after = page.body.next;
    }
  };
  let pushed: { first: string; second: string };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    oci = new OciHttp(wharf.registryUrl);
    host = oci.service;
    admin = await adminToken(wharf.apiUrl);
    const call = (method: string, path: string, json?: unknown) => http(`${wharf.apiUrl}${path}`, { method, headers: { 'X-Auth-Token': admin }, ...(json ? { json } : {}) });

    const account = (await call('POST', '/v3/domains', { domain: { name: 'other' } })).body as { domain: { id: string } };
    await call('POST', '/v3/users', { user: { name: 'other-admin', password: 'other-password', domain_id: account.domain.id, account_admin: true } });
    other = (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin('other-admin', 'other-password') })).headers.get('x-subject-token')!;
    const reader = (await call('POST', '/v3/users', { user: { name: 'reader', password: 'reader-password' } })).body as { user: { id: string } };
    await call('POST', '/v3/users', { user: { name: 'outsider', password: 'outsider-password' } });

    await createNamespace(wharf.apiUrl, admin, 'events');
    await createNamespace(wharf.apiUrl, other, 'elsewhere');
    const { token } = await oci.token(['repository:events/app:pull,push,delete']);
    const first = await oci.pushImage('events/app', 'v1', token, 'first layer');
    const second = await oci.pushImage('events/app', 'v1', token, 'second layer');
    pushed = { first: first.digest, second: second.digest };
    expect((await oci.request('DELETE', '/v2/events/app/manifests/v1', { token })).status).toBe(202);
    expect((await oci.request('DELETE', `/v2/events/app/manifests/${first.digest}`, { token })).status).toBe(202);
    expect((await call('POST', '/v2/manage/namespaces/events/access', [{ user_id: reader.user.id, user_name: 'reader', auth: 1 }])).status).toBe(200);
    const share = await call('POST', '/v2/manage/namespaces/events/repositories/app/access-domains', { access_domain: 'other', permit: 'read', deadline: 'forever', description: '' });
    expect(share.status).toBe(201);
    // The journal follows the log on its own: long-poll until it holds the scenario's last event.
    for (let after = 0, attempt = 0; attempt < 10; attempt++) {
      const page = await feed(admin, `?after=${after}&types=share.created&timeout=10`);
      if (page.body.events.length > 0) break;
      after = page.body.next;
    }
  }, 180000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('shows the scenario as valid CloudEvents of the catalog, in order per repository', async () => {
    const events = await everything(admin);
    for (const event of events) {
      expect(new CloudEvent(event as never, true).validate()).toBe(true);
      const name = nameOf(event);
      expect(isPublicEventName(name)).toBe(true);
      if (isPublicEventName(name)) PublicEventData[name].parse(event.data);
    }
    expect(events.map((event) => event.wharfposition)).toEqual([...events.map((event) => event.wharfposition)].sort((a, b) => a - b));
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);

    const ofRepository = events.filter((event) => event.subject === 'events/app').map((event) => [nameOf(event), (event.data as { digest?: string }).digest]);
    expect(ofRepository).toEqual([
      ['repository.created', undefined],
      ['artifact.pushed', pushed.first],
      ['tag.created', pushed.first],
      ['artifact.pushed', pushed.second],
      ['tag.moved', pushed.second],
      ['tag.deleted', pushed.second],
      ['artifact.deleted', pushed.first],
      ['share.created', undefined],
    ]);
    expect(events.filter((event) => event.subject === 'events').map(nameOf)).toEqual(['namespace.created', 'permission.granted']);

    const moved = events.find((event) => nameOf(event) === 'tag.moved')!;
    expect(moved).toMatchObject({
      specversion: '1.0',
      source: '/wharf/catalog',
      type: 'io.wharf.tag.moved.v1',
      subject: 'events/app',
      datacontenttype: 'application/json',
      data: {
        namespace: 'events',
        repository: 'events/app',
        tag: 'v1',
        digest: pushed.second,
        previousDigest: pushed.first,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        pullReference: `${host}/events/app@${pushed.second}`,
        actor: { accountId: expect.any(String), userId: expect.any(String) },
      },
    });
    expect(Date.parse(moved.time)).not.toBeNaN();
  });

  it('lets a consumer that stores its position after every small page resume and miss nothing', async () => {
    const all = await everything(admin);
    const resumed = await everything(admin, 2);
    expect(resumed.map((event) => event.id)).toEqual(all.map((event) => event.id));

    const middle = all[3]!.wharfposition;
    const rest = await feed(admin, `?after=${middle}`);
    expect(rest.body.events.map((event) => event.id)).toEqual(all.slice(4).map((event) => event.id));
  });

  it('filters by type', async () => {
    const tags = await feed(admin, '?types=tag.created,tag.moved');
    expect(tags.body.events.map(nameOf)).toEqual(['tag.created', 'tag.moved']);
  });

  it('keeps each account to its own events', async () => {
    const mine = await everything(admin);
    const theirs = await everything(other);
    expect(theirs.map((event) => [nameOf(event), event.subject])).toEqual([['namespace.created', 'elsewhere']]);
    expect(mine.some((event) => event.subject === 'elsewhere')).toBe(false);
    expect(theirs.some((event) => event.subject.startsWith('events'))).toBe(false);
  });

  it('shows a user who is not an administrator only what they have a level on now', async () => {
    const session = async (user: string) =>
      (await http(`${wharf.apiUrl}/v3/auth/tokens`, { method: 'POST', json: passwordLogin(user, `${user}-password`, 'admin') })).headers.get('x-subject-token')!;
    await createNamespace(wharf.apiUrl, admin, 'events-private');
    const all = await everything(admin);
    for (let after = all.at(-1)!.wharfposition, attempt = 0; attempt < 10 && !all.some((event) => event.subject === 'events-private'); attempt++) {
      const page = await feed(admin, `?after=${after}&timeout=10`);
      all.push(...page.body.events);
      after = page.body.next;
    }
    expect(all.some((event) => event.subject === 'events-private')).toBe(true);
    const reader = await everything(await session('reader'));
    expect(reader.map((event) => event.id)).toEqual(all.filter((event) => (event.data as { namespace: string }).namespace === 'events').map((event) => event.id));
    expect(await everything(await session('outsider'))).toEqual([]);
  });

  it('holds a long-poll open until the next event of the account arrives', async () => {
    const head = (await feed(admin, '?after=0&limit=1000')).body.next;
    const waiting = feed(admin, `?after=${head}&timeout=20`);
    // Another account's event does not end the caller's wait.
    await createNamespace(wharf.apiUrl, other, 'elsewhere-two');
    await createNamespace(wharf.apiUrl, admin, 'events-two');
    const page = await waiting;
    expect(page.status).toBe(200);
    expect(page.body.events.map((event) => [nameOf(event), event.subject])).toEqual([['namespace.created', 'events-two']]);
    expect(page.body.next).toBe(page.body.events[0]!.wharfposition);
  }, 30000);

  it('streams the same events as Server-Sent Events, resuming after Last-Event-ID', async () => {
    const all = await everything(admin);
    const from = all[1]!.wharfposition;
    const controller = new AbortController();
    const response = await fetch(`${wharf.apiUrl}/v1/events`, {
      headers: { 'X-Auth-Token': admin, Accept: 'text/event-stream', 'Last-Event-ID': String(from) },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const wanted = all.slice(2);
    const received: { id: string; event: string; data: PublicCloudEvent }[] = [];
    while (received.length < wanted.length) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
      const blocks = text.split('\n\n');
      text = blocks.pop()!;
      for (const block of blocks) {
        const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':') && line.includes(': ')).map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]));
        if (fields.data) received.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) as PublicCloudEvent });
      }
    }
    controller.abort();
    expect(received.map((entry) => entry.data.id)).toEqual(wanted.map((event) => event.id));
    expect(received.map((entry) => Number(entry.id))).toEqual(wanted.map((event) => event.wharfposition));
    expect(received.map((entry) => entry.event)).toEqual(wanted.map((event) => event.type));
  });

  it('answers bad parameters with 400 and a JSON error body, and no token with 401', async () => {
    for (const query of ['?after=-1', '?after=abc', '?types=artifact.exploded', '?limit=0', '?limit=1001', '?timeout=31', '?after=1&after=2']) {
      const result = await feed(admin, query);
      expect([query, result.status]).toEqual([query, 400]);
      expect(result.headers.get('content-type')).toMatch(/application\/json/);
      expect(JSON.stringify(result.body)).toMatch(/after|types|limit|timeout/);
    }
    const anonymous = await http(`${wharf.apiUrl}/v1/events`);
    expect(anonymous.status).toBe(401);
  });
});

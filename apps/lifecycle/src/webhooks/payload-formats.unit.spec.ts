import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { HTTP, type CloudEvent } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { CDEVENTS_ARTIFACT_PUBLISHED, IMAGE_PUSHED_TYPE, ociPurl, webhookRequest, type RegistryAddress } from './payload-formats';
import type { PushFacts } from './push-facts';
import { newWebhookSecret } from './signatures';

/**
 * Contract tests of the webhook formats: each payload is read the way its consumer reads it (the consumer's own
 * parsing rules, from its source, restated here field by field) and every signature is checked with the libraries
 * consumers use: `standardwebhooks`, `@octokit/webhooks-methods` (GitHub's and Flux's HMAC), the `cloudevents` SDK.
 */

const ROOT = resolve(__dirname, '../../../..');
const registry: RegistryAddress = { host: 'registry.example.com:5000', url: 'https://registry.example.com:5000' };
const digest = `sha256:${'c'.repeat(64)}`;
const push: PushFacts = {
  eventId: '7f0c6a52-57a1-4bd6-9f6a-0e6d1b3e1d11',
  eventType: 'tag.moved',
  position: 1234,
  time: '2026-12-01T10:00:00.000Z',
  accountId: 'acc-1',
  namespace: 'team',
  repository: 'team/tools/app',
  tag: 'v1.2.0',
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 2048,
  pullReference: `registry.example.com:5000/team/tools/app@${digest}`,
  previousDigest: `sha256:${'b'.repeat(64)}`,
  actor: { accountId: 'acc-1', userId: 'user-1' },
  repositoryIsPublic: false,
  repositoryCreatedAt: '2026-11-01T00:00:00.000Z',
};
const secret = newWebhookSecret();
const requestOf = (format: Parameters<typeof webhookRequest>[0]['format'], headers: Record<string, string> = {}) =>
  webhookRequest({ url: 'https://hooks.example.com/hook', format, secret, headers }, push, registry, Math.floor(Date.now() / 1000));
const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
const bodyOf = (format: Parameters<typeof webhookRequest>[0]['format']) => JSON.parse(requestOf(format).body!) as Record<string, unknown>;

/** @octokit/webhooks-methods is ESM only: it verifies in a Node process of its own. */
const octokitVerify = (checks: { secret: string; payload: string; signature: string }[]): boolean[] =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { verify } from '@octokit/webhooks-methods';
         let input = ''; for await (const chunk of process.stdin) input += chunk;
         const checks = JSON.parse(input);
         console.log(JSON.stringify(await Promise.all(checks.map((c) => verify(c.secret, c.payload, c.signature)))));`,
      ],
      { cwd: ROOT, input: JSON.stringify(checks) },
    ).toString(),
  ) as boolean[];

const FORMATS = ['cloudevents', 'cloudevents-binary', 'harbor', 'distribution', 'dockerhub', 'quay', 'cdevents'] as const;

describe('webhook signature contract tests', () => {
  it.each(FORMATS)('%s: Standard Webhooks headers verify with the standardwebhooks library, id = the CloudEvent id', (format) => {
    const request = requestOf(format);
    const headers = lower(request.headers);
    expect(new Webhook(secret).verify(request.body!, headers)).toEqual(JSON.parse(request.body!));
    expect(headers['webhook-id']).toBe(push.eventId);
    // Another timestamp, body or secret does not verify.
    expect(() => new Webhook(secret).verify(request.body!, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) })).toThrow();
    expect(() => new Webhook(secret).verify(`${request.body!} `, headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(request.body!, headers)).toThrow();
  });

  it('X-Hub-Signature-256 (GitHub) and X-Signature (Flux generic-hmac) verify with @octokit/webhooks-methods, and a changed body does not', () => {
    const requests = FORMATS.map((format) => requestOf(format));
    const checks = requests.flatMap((request) => [
      { secret, payload: request.body!, signature: request.headers['X-Hub-Signature-256']! },
      { secret, payload: request.body!, signature: request.headers['X-Signature']! },
    ]);
    expect(octokitVerify(checks)).toEqual(checks.map(() => true));
    expect(octokitVerify([{ secret, payload: `${requests[0]!.body} `, signature: requests[0]!.headers['X-Signature']! }])).toEqual([false]);
    expect(octokitVerify([{ secret: newWebhookSecret(), payload: requests[0]!.body!, signature: requests[0]!.headers['X-Signature']! }])).toEqual([false]);
  });

  it('sends the trigger’s own headers, e.g. the Authorization token Flux’s and Argo CD Image Updater’s harbor receivers compare', () => {
    const request = requestOf('harbor', { Authorization: 'flux-receiver-token', 'X-Webhook-Secret': 'argo' });
    expect(request.headers.Authorization).toBe('flux-receiver-token');
    expect(request.headers['X-Webhook-Secret']).toBe('argo');
    expect(request.method).toBe('POST');
  });
});

describe('webhook payload contract tests', () => {
  const expectImagePushed = (event: CloudEvent<Record<string, unknown>>) => {
    expect(event.validate()).toBe(true);
    expect(event).toMatchObject({ specversion: '1.0', id: push.eventId, source: '/wharf/catalog', type: IMAGE_PUSHED_TYPE, subject: 'team/tools/app:v1.2.0' });
    expect(event.time).toBe(push.time);
    expect(event.data).toEqual({
      accountId: 'acc-1',
      actor: { accountId: 'acc-1', userId: 'user-1' },
      registry: registry.host,
      namespace: 'team',
      repository: 'team/tools/app',
      tag: 'v1.2.0',
      digest,
      mediaType: push.mediaType,
      size: 2048,
      pullReference: push.pullReference,
      previousDigest: push.previousDigest,
    });
  };

  /** Argo CD Image Updater's cloudevents webhook: a type naming an image, then repository, tag, digest and registry from `data`. */
  const argoCloudEvent = (event: CloudEvent<Record<string, unknown>>) => {
    const data = event.data!;
    if (!(event.type.includes('container') || event.type.includes('image'))) throw new Error(`unsupported CloudEvents type: ${event.type}`);
    const [subjectRepository, subjectTag] = event.subject!.split(/:(.*)/s);
    return {
      registryURL: data.registryUrl ?? data.registry,
      repository: data.repositoryName ?? data.repository ?? subjectRepository,
      tag: data.imageTag ?? data.tag ?? subjectTag,
      digest: data.imageDigest ?? data.digest,
    };
  };

  it('cloudevents: a structured CloudEvent the cloudevents SDK reads, which Argo CD Image Updater’s cloudevents webhook turns into registry, repository, tag and digest', () => {
    const request = requestOf('cloudevents');
    expect(request.headers['Content-Type']).toBe('application/cloudevents+json');
    const event = HTTP.toEvent({ headers: lower(request.headers), body: request.body }) as CloudEvent<Record<string, unknown>>;
    expectImagePushed(event);
    expect(argoCloudEvent(event)).toEqual({ registryURL: registry.host, repository: 'team/tools/app', tag: 'v1.2.0', digest });
  });

  it('cloudevents-binary: ce-* headers and the data as body, read by the cloudevents SDK as the same event', () => {
    const request = requestOf('cloudevents-binary');
    expect(request.headers['Content-Type']).toBe('application/json');
    expect(request.headers['ce-type']).toBe(IMAGE_PUSHED_TYPE);
    const event = HTTP.toEvent({ headers: lower(request.headers), body: request.body }) as CloudEvent<Record<string, unknown>>;
    expectImagePushed(event);
    expect(argoCloudEvent(event)).toEqual({ registryURL: registry.host, repository: 'team/tools/app', tag: 'v1.2.0', digest });
  });

  it('harbor: Harbor’s default PUSH_ARTIFACT payload as Argo CD Image Updater parses it (Flux’s harbor receiver reads only the Authorization header)', () => {
    const request = requestOf('harbor');
    expect(request.headers['Content-Type']).toContain('application/json');
    const body = bodyOf('harbor') as {
      type: string;
      occur_at: number;
      operator: string;
      event_data: { resources: { digest: string; tag: string; resource_url: string }[]; repository: Record<string, unknown> };
    };
    expect(body).toEqual({
      type: 'PUSH_ARTIFACT',
      occur_at: Date.parse(push.time) / 1000,
      operator: 'user-1',
      event_data: {
        resources: [{ digest, tag: 'v1.2.0', resource_url: 'registry.example.com:5000/team/tools/app:v1.2.0' }],
        repository: { date_created: Date.parse('2026-11-01T00:00:00.000Z') / 1000, name: 'tools/app', namespace: 'team', repo_full_name: 'team/tools/app', repo_type: 'private' },
      },
    });
    // Argo CD Image Updater: the first resource's tag, repo_full_name, and the host of resource_url.
    const [resource] = body.event_data.resources;
    expect(new URL(`https://${resource!.resource_url}`).host).toBe(registry.host);
  });

  it('distribution: the notification envelope Keel’s /v1/webhooks/registry reads (push, a tag, request.host + "/" + target.repository)', () => {
    const request = requestOf('distribution');
    expect(request.headers['Content-Type']).toBe('application/vnd.docker.distribution.events.v2+json');
    const { events } = bodyOf('distribution') as { events: { action: string; timestamp: string; target: Record<string, unknown>; request: { host: string } }[] };
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.action).toBe('push');
    expect(Number.isNaN(Date.parse(event!.timestamp))).toBe(false);
    expect(event!.target).toEqual({
      mediaType: push.mediaType,
      size: 2048,
      digest,
      length: 2048,
      repository: 'team/tools/app',
      url: `https://registry.example.com:5000/v2/team/tools/app/manifests/${digest}`,
      tag: 'v1.2.0',
    });
    expect(`${event!.request.host}/${event!.target.repository as string}`).toBe('registry.example.com:5000/team/tools/app');
  });

  it('dockerhub: push_data.tag and repository.repo_name as Keel reads them (its image name), repo_url as Flux’s dockerhub receiver decodes it', () => {
    const body = bodyOf('dockerhub') as { push_data: { tag: string; pushed_at: number; pusher: string }; repository: Record<string, unknown> };
    expect(body.push_data).toMatchObject({ tag: 'v1.2.0', pushed_at: Date.parse(push.time) / 1000, pusher: 'user-1' });
    expect(body.repository).toMatchObject({
      repo_name: 'registry.example.com:5000/team/tools/app',
      repo_url: 'https://registry.example.com:5000/v2/team/tools/app/tags/list',
      name: 'tools/app',
      namespace: 'team',
      is_private: true,
    });
  });

  it('quay: docker_url and updated_tags as Flux’s quay receiver decodes them', () => {
    expect(bodyOf('quay')).toEqual({
      name: 'tools/app',
      repository: 'team/tools/app',
      namespace: 'team',
      docker_url: 'registry.example.com:5000/team/tools/app',
      updated_tags: ['v1.2.0'],
    });
  });

  it('cdevents: dev.cdevents.artifact.published.0.2.0 (CDEvents 0.4.1) in binary mode, its Ce-Type what Flux’s cdevents receiver checks, valid against the event’s schema', () => {
    const request = requestOf('cdevents');
    const headers = lower(request.headers);
    expect(headers['ce-type']).toBe(CDEVENTS_ARTIFACT_PUBLISHED);
    expect(headers['content-type']).toBe('application/json');
    const event = HTTP.toEvent({ headers, body: request.body }) as CloudEvent<{ context: Record<string, unknown>; subject: Record<string, unknown> }>;
    expect(event.validate()).toBe(true);
    const cdevent = event.data!;
    // The 0.4.1 schema of artifact.published 0.2.0: these context and subject fields, no others.
    expect(Object.keys(cdevent).sort()).toEqual(['context', 'subject']);
    expect(cdevent.context).toEqual({ version: '0.4.1', id: push.eventId, source: '/wharf/catalog', type: CDEVENTS_ARTIFACT_PUBLISHED, timestamp: push.time });
    expect(cdevent.subject).toEqual({ id: ociPurl(push, registry), source: '/wharf/catalog', type: 'artifact', content: { user: 'user-1' } });
    expect(event.id).toBe(cdevent.context.id);
    expect(event.source).toBe(cdevent.context.source);
  });

  it('names the image by a pkg:oci purl: last path segment, URL-encoded digest, repository_url and tag qualifiers', () => {
    expect(ociPurl(push, registry)).toBe(`pkg:oci/app@sha256%3A${'c'.repeat(64)}?repository_url=registry.example.com:5000/team/tools/app&tag=v1.2.0`);
  });
});

import type { WebhookFormat } from '@wharf/contracts/lifecycle';
import type { Outgoing } from './outgoing-request';
import type { PushFacts } from './push-facts';
import { signatureHeaders } from './signatures';

/**
 * A push rendered in each webhook format, each as the consumer it is named after parses it (the contract tests in
 * payload-formats.unit.spec.ts check them field by field):
 * - `cloudevents`: a structured CloudEvent (`application/cloudevents+json`) of type `io.wharf.image.pushed.v1`, whose
 *   `data` carries `repository`, `tag`, `digest` and `registry` (what Argo CD Image Updater's cloudevents webhook reads)
 *   and subject `<repository>:<tag>`;
 * - `cloudevents-binary`: the same event in binary mode (`ce-*` headers, `data` as the body);
 * - `harbor`: Harbor's default payload (`PUSH_ARTIFACT`), read by Flux's and Argo CD Image Updater's harbor receivers;
 * - `distribution`: the CNCF Distribution notification envelope, read by Keel's `/v1/webhooks/registry`;
 * - `dockerhub`: Docker Hub's `push_data` + `repository`, read by Flux's and Keel's dockerhub receivers (`repo_name`
 *   is the full pull name, host included, since the image is not on Docker Hub);
 * - `quay`: Quay's repository push notification (`docker_url`, `updated_tags`), read by Flux's quay receiver;
 * - `cdevents`: CDEvents 0.4.1 `dev.cdevents.artifact.published.0.2.0` in CloudEvents binary mode, its subject a
 *   `pkg:oci` purl, read by Flux's cdevents receiver.
 */

export interface RegistryAddress {
  /** As clients pull from it, e.g. `registry.example.com:5000`. */
  host: string;
  /** The registry's base URL, e.g. `https://registry.example.com:5000`. */
  url: string;
}

export interface RenderedPayload {
  headers: Record<string, string>;
  body: string;
}

export const IMAGE_PUSHED_TYPE = 'io.wharf.image.pushed.v1';
export const CDEVENTS_SPEC_VERSION = '0.4.1';
export const CDEVENTS_ARTIFACT_PUBLISHED = 'dev.cdevents.artifact.published.0.2.0';
const SOURCE = '/wharf/catalog';

const json = (value: unknown): string => JSON.stringify(value);
const unixSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
/** The repository's name below its namespace (Quay, Docker Hub and Harbor keep the two apart). */
const nameInNamespace = (push: PushFacts): string => push.repository.slice(push.namespace.length + 1);
const operatorOf = (push: PushFacts): string => push.actor?.userId ?? 'wharf';

/** The `data` of `io.wharf.image.pushed.v1`. */
export const imagePushedData = (push: PushFacts, registry: RegistryAddress) => ({
  accountId: push.accountId,
  ...(push.actor ? { actor: push.actor } : {}),
  registry: registry.host,
  namespace: push.namespace,
  repository: push.repository,
  tag: push.tag,
  digest: push.digest,
  mediaType: push.mediaType,
  size: push.size,
  pullReference: push.pullReference,
  ...(push.previousDigest ? { previousDigest: push.previousDigest } : {}),
});

const cloudEventAttributes = (push: PushFacts) => ({
  specversion: '1.0',
  id: push.eventId,
  source: SOURCE,
  type: IMAGE_PUSHED_TYPE,
  subject: `${push.repository}:${push.tag}`,
  time: push.time,
});

const structured = (push: PushFacts, registry: RegistryAddress): RenderedPayload => ({
  headers: { 'Content-Type': 'application/cloudevents+json' },
  body: json({ ...cloudEventAttributes(push), datacontenttype: 'application/json', data: imagePushedData(push, registry) }),
});

const binary = (push: PushFacts, registry: RegistryAddress): RenderedPayload => ({
  headers: { 'Content-Type': 'application/json', ...Object.fromEntries(Object.entries(cloudEventAttributes(push)).map(([key, value]) => [`ce-${key}`, value])) },
  body: json(imagePushedData(push, registry)),
});

const harbor = (push: PushFacts, registry: RegistryAddress): RenderedPayload => ({
  headers: { 'Content-Type': 'application/json' },
  body: json({
    type: 'PUSH_ARTIFACT',
    occur_at: unixSeconds(push.time),
    operator: operatorOf(push),
    event_data: {
      resources: [{ digest: push.digest, tag: push.tag, resource_url: `${registry.host}/${push.repository}:${push.tag}` }],
      repository: {
        ...(push.repositoryCreatedAt ? { date_created: unixSeconds(push.repositoryCreatedAt) } : {}),
        name: nameInNamespace(push),
        namespace: push.namespace,
        repo_full_name: push.repository,
        repo_type: push.repositoryIsPublic ? 'public' : 'private',
      },
    },
  }),
});

const distribution = (push: PushFacts, registry: RegistryAddress): RenderedPayload => ({
  headers: { 'Content-Type': 'application/vnd.docker.distribution.events.v2+json' },
  body: json({
    events: [
      {
        id: push.eventId,
        timestamp: push.time,
        action: 'push',
        target: {
          mediaType: push.mediaType,
          size: push.size,
          digest: push.digest,
          length: push.size,
          repository: push.repository,
          url: `${registry.url}/v2/${push.repository}/manifests/${push.digest}`,
          tag: push.tag,
        },
        request: { id: push.eventId, host: registry.host, method: 'PUT' },
        actor: { name: operatorOf(push) },
        source: { addr: registry.host },
      },
    ],
  }),
});

const dockerhub = (push: PushFacts, registry: RegistryAddress): RenderedPayload => ({
  headers: { 'Content-Type': 'application/json' },
  body: json({
    push_data: { pushed_at: unixSeconds(push.time), pusher: operatorOf(push), tag: push.tag, images: [] },
    repository: {
      repo_name: `${registry.host}/${push.repository}`,
      repo_url: `${registry.url}/v2/${push.repository}/tags/list`,
      name: nameInNamespace(push),
      namespace: push.namespace,
      owner: push.namespace,
      is_private: !push.repositoryIsPublic,
      status: 'Active',
      ...(push.repositoryCreatedAt ? { date_created: unixSeconds(push.repositoryCreatedAt) } : {}),
    },
  }),
});

const quay = (push: PushFacts, registry: RegistryAddress): RenderedPayload => ({
  headers: { 'Content-Type': 'application/json' },
  body: json({
    name: nameInNamespace(push),
    repository: push.repository,
    namespace: push.namespace,
    docker_url: `${registry.host}/${push.repository}`,
    updated_tags: [push.tag],
  }),
});

/** The package URL of the pushed image (purl type `oci`: the last path segment, the digest, where it lives, the tag). */
export const ociPurl = (push: PushFacts, registry: RegistryAddress): string => {
  const name = push.repository.slice(push.repository.lastIndexOf('/') + 1).toLowerCase();
  return `pkg:oci/${name}@${encodeURIComponent(push.digest)}?repository_url=${registry.host}/${push.repository}&tag=${encodeURIComponent(push.tag)}`;
};

const cdevents = (push: PushFacts, registry: RegistryAddress): RenderedPayload => ({
  headers: {
    'Content-Type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': push.eventId,
    'ce-source': SOURCE,
    'ce-type': CDEVENTS_ARTIFACT_PUBLISHED,
    'ce-time': push.time,
  },
  body: json({
    context: { version: CDEVENTS_SPEC_VERSION, id: push.eventId, source: SOURCE, type: CDEVENTS_ARTIFACT_PUBLISHED, timestamp: push.time },
    subject: { id: ociPurl(push, registry), source: SOURCE, type: 'artifact', content: { user: operatorOf(push) } },
  }),
});

const FORMATS: Record<WebhookFormat, (push: PushFacts, registry: RegistryAddress) => RenderedPayload> = {
  cloudevents: structured,
  'cloudevents-binary': binary,
  harbor,
  distribution,
  dockerhub,
  quay,
  cdevents,
};

export const renderPayload = (format: WebhookFormat, push: PushFacts, registry: RegistryAddress): RenderedPayload => FORMATS[format](push, registry);

export const USER_AGENT = 'Wharf-Webhooks/1.0';

/**
 * The request of one webhook attempt: the format's body and headers, signed with the secret at `nowSeconds`
 * (Standard Webhooks' timestamp), with the trigger's own fixed headers (Harbor-style `Authorization`) last.
 */
export const webhookRequest = (
  target: { url: string; format: WebhookFormat; secret: string; headers: Record<string, string> },
  push: PushFacts,
  registry: RegistryAddress,
  nowSeconds: number,
): Outgoing => {
  const { headers, body } = renderPayload(target.format, push, registry);
  return {
    method: 'POST',
    url: target.url,
    headers: { 'User-Agent': USER_AGENT, ...headers, ...signatureHeaders(target.secret, push.eventId, nowSeconds, body), ...target.headers },
    body,
  };
};

import { z } from 'zod/v4';

/**
 * Wharf's public integration events: what consumers outside the platform may rely on. They are not the domain
 * events of the event store (those are internal and change with the services); each is mapped from one domain
 * event. A name is never reused with another meaning: a breaking change adds a version, and the upcasters in
 * upcasting.ts turn events recorded under an older version into the current one.
 */

const Digest = z.string().regex(/^[a-z0-9]+:[a-zA-Z0-9=_-]+$/).describe('content digest, <algorithm>:<encoded>');

/** Who caused the event, as the event store recorded it; absent for the platform's own work. */
export const PublicActor = z.object({ accountId: z.string(), userId: z.string(), tokenId: z.string().optional() });

/** What an account's quotas count (SWR's `quota_key`). */
const QuotaKey = z.enum(['namespace', 'repository', 'tag']);

/** Fields every public event carries in its `data`. */
const common = {
  accountId: z.string().describe('the account (tenant) the event belongs to'),
  actor: PublicActor.optional(),
};
const inRepository = {
  ...common,
  namespace: z.string(),
  repository: z.string().describe('full repository name, <namespace>/<name>'),
};
const artifact = {
  ...inRepository,
  digest: Digest,
  mediaType: z.string(),
  pullReference: z.string().describe('<registry host>/<repository>@<digest>'),
};

export const PublicEventData = {
  'artifact.pushed': z.object({
    ...artifact,
    size: z.number().int().nonnegative().describe('bytes of the manifest'),
    artifactType: z.string().optional(),
    subject: Digest.optional().describe('the manifest this one refers to (a referrer)'),
  }),
  'artifact.deleted': z.object({
    ...inRepository,
    digest: Digest,
    size: z.number().int().nonnegative(),
    tags: z.array(z.string()).describe('tags that named the manifest and went with it'),
  }),
  'artifact.pulled': z.object({
    ...inRepository,
    count: z.number().int().positive().describe('pulls recorded since the previous artifact.pulled of the repository'),
  }),
  'tag.created': z.object({ ...artifact, tag: z.string(), size: z.number().int().nonnegative().describe('bytes of the image') }),
  'tag.moved': z.object({
    ...artifact,
    tag: z.string(),
    size: z.number().int().nonnegative().describe('bytes of the image'),
    previousDigest: Digest,
  }),
  'tag.deleted': z.object({ ...inRepository, tag: z.string(), digest: Digest }),
  'repository.created': z.object({ ...inRepository, isPublic: z.boolean().optional() }),
  'repository.updated': z.object({ ...inRepository, isPublic: z.boolean(), category: z.string(), description: z.string() }),
  'repository.deleted': z.object({ ...inRepository }),
  'namespace.created': z.object({ ...common, namespace: z.string(), registryId: z.string() }),
  'namespace.deleted': z.object({ ...common, namespace: z.string() }),
  'permission.granted': z.object({
    ...common,
    namespace: z.string(),
    target: z.object({ kind: z.enum(['namespace', 'repository']), name: z.string() }),
    grants: z.array(z.object({ userId: z.string(), auth: z.number().int() })).describe('SWR levels: 7 manage, 3 edit, 1 read'),
  }),
  'permission.revoked': z.object({
    ...common,
    namespace: z.string(),
    target: z.object({ kind: z.enum(['namespace', 'repository']), name: z.string() }),
    userIds: z.array(z.string()),
  }),
  'share.created': z.object({ ...inRepository, sharedWithAccountId: z.string(), sharedWithAccount: z.string(), deadline: z.string() }),
  'share.updated': z.object({ ...inRepository, sharedWithAccountId: z.string(), sharedWithAccount: z.string(), deadline: z.string() }),
  'share.revoked': z.object({ ...inRepository, sharedWithAccountId: z.string(), sharedWithAccount: z.string() }),
  'quota.warning': z.object({
    ...common,
    key: QuotaKey,
    limit: z.number().int().nonnegative(),
    used: z.number().int().nonnegative().describe('the count once the creation that reached the threshold is made'),
    name: z.string().describe('what that creation made: a namespace, a repository (<namespace>/<name>) or a tag (<repository>:<tag>)'),
  }),
  'quota.exceeded': z.object({
    ...common,
    key: QuotaKey,
    limit: z.number().int().nonnegative(),
    used: z.number().int().nonnegative().describe('the count when the creation was refused'),
    name: z.string().describe('what the refused creation would have made'),
  }),
  'gc.finished': z.object({
    ...common,
    namespace: z.string(),
    registryId: z.string(),
    runId: z.string(),
    freedBytes: z.number().int().nonnegative(),
    manifestsDeleted: z.number().int().nonnegative(),
    blobsUnlinked: z.number().int().nonnegative(),
  }),
  'retention.finished': z.object({
    ...inRepository,
    policyId: z.number().int().describe("the retention policy's id (SWR's retention_id)"),
    runId: z.string(),
    tagsDeleted: z.number().int().nonnegative().describe('tags the run untagged; each also has a tag.deleted event'),
    manifestsDeleted: z.number().int().nonnegative().describe('manifests deleted by the run (policies with `untagged`)'),
  }),
  'sync.finished': z.object({
    ...inRepository,
    jobId: z.number().int().describe("the sync job's id (sync_job)"),
    tag: z.string(),
    digest: Digest,
    remoteRegionId: z.string(),
    remoteNamespace: z.string(),
    status: z.enum(['success', 'failed', 'timeout', 'cancel', 'existed']),
    error: z.string().optional(),
  }),
} as const;

export type PublicEventName = keyof typeof PublicEventData;
export const PUBLIC_EVENT_NAMES = Object.keys(PublicEventData) as PublicEventName[];
export type PublicEventPayload<N extends PublicEventName = PublicEventName> = z.infer<(typeof PublicEventData)[N]>;

/** The current version of each public event; bump it (and add an upcaster) when its data changes incompatibly. */
export const PUBLIC_EVENT_VERSIONS: Record<PublicEventName, number> = Object.fromEntries(PUBLIC_EVENT_NAMES.map((name) => [name, 1])) as Record<
  PublicEventName,
  number
>;

export const isPublicEventName = (name: string): name is PublicEventName => Object.hasOwn(PublicEventData, name);

/** The CloudEvents `type` of a public event: `io.wharf.<name>.v<version>`. */
export const cloudEventType = (name: PublicEventName, version = PUBLIC_EVENT_VERSIONS[name]): string => `io.wharf.${name}.v${version}`;

/** The NATS JetStream subject a public event is published on. */
export const publicEventSubject = (name: PublicEventName): string => `wharf.events.${name}`;

/**
 * Upcasters of the public events, per name and per older version (`{ 'tag.moved': { 1: (v1) => v2 } }`), used
 * with upcast() from upcasting.ts. Every event is at its first version so far, so there are none yet.
 */
export const PUBLIC_EVENT_UPCASTERS: Partial<Record<PublicEventName, Record<number, (data: Record<string, unknown>) => Record<string, unknown>>>> = {};

import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/**
 * Triggers (SWR §1.2.10) and their deliveries, owned by lifecycle. A trigger belongs to one repository and fires
 * on a push whose tag matches its condition: `cce` updates a workload's image through the Kubernetes API of a
 * cluster integrated with the registry, `cci` is SWR's serverless mode (no CCI exists here: its deliveries fail,
 * saying so), and `webhook` (Wharf's extension) posts a signed notification. Each firing is a delivery, recorded
 * before it is attempted.
 */

export const TriggerStreams = {
  /** One stream per repository holds its triggers: `lifecycle.triggers-<namespace>/<repository>`. */
  triggers: 'lifecycle.triggers-',
  /** The one stream of the outbox's schedule: every delivery, recorded by the dispatcher before it is attempted. */
  schedule: 'lifecycle.deliveryschedule',
  /** One stream per delivery, its attempts: `lifecycle.delivery-<triggerId>.<eventId>`. */
  delivery: 'lifecycle.delivery-',
} as const;

export const TriggerMode = z.enum(['cce', 'cci', 'webhook']);
export type TriggerMode = z.infer<typeof TriggerMode>;
export const TriggerType = z.enum(['all', 'tag', 'regular']);
export type TriggerType = z.infer<typeof TriggerType>;
export const WorkloadType = z.enum(['deployments', 'statefulsets']);
export type WorkloadType = z.infer<typeof WorkloadType>;

/** How a webhook's body is shaped: each as the consumer it is named after parses it. */
export const WebhookFormat = z.enum(['cloudevents', 'cloudevents-binary', 'harbor', 'distribution', 'dockerhub', 'quay', 'cdevents']);
export type WebhookFormat = z.infer<typeof WebhookFormat>;

export const WebhookTarget = z.object({
  url: z.string(),
  /** `whsec_<base64>` (24 to 64 bytes); generated when absent, and then answered once. */
  secret: z.string().optional(),
  format: WebhookFormat,
  /** Fixed headers sent with every request (e.g. Harbor-style `Authorization`); stored sealed. */
  headers: z.record(z.string(), z.string()).optional(),
});
export type WebhookTarget = z.infer<typeof WebhookTarget>;

/** A trigger's settings as SWR names them (camelCase here; the gateway renders SWR's snake_case). */
export const TriggerSettings = z.object({
  name: z.string(),
  enabled: z.boolean(),
  action: z.literal('update'),
  appType: z.string(),
  application: z.string(),
  clusterId: z.string(),
  clusterName: z.string(),
  clusterNamespace: z.string(),
  condition: z.string(),
  container: z.string(),
  mode: TriggerMode,
  type: TriggerType,
  webhook: WebhookTarget.optional(),
});
export type TriggerSettings = z.infer<typeof TriggerSettings>;

export const TriggerResult = z.enum(['success', 'failed']);

/** One firing as `trigger_history` shows it: `failed` while it is being retried and once given up. */
export const TriggerHistoryEntry = z.object({
  deliveryId: z.string(),
  result: TriggerResult,
  detail: z.string(),
  tag: z.string(),
  createdAt: z.string(),
});
export type TriggerHistoryEntry = z.infer<typeof TriggerHistoryEntry>;

export const TriggerView = TriggerSettings.omit({ webhook: true }).extend({
  triggerId: z.string(),
  repository: z.string(),
  webhook: z.object({ url: z.string(), format: WebhookFormat, headers: z.array(z.string()) }).optional(),
  /** Why the trigger is disabled when Wharf disabled it (its target answered 410 Gone). */
  disabledReason: z.string().optional(),
  createdAt: z.string(),
  creatorName: z.string(),
  history: z.array(TriggerHistoryEntry),
});
export type TriggerView = z.infer<typeof TriggerView>;

export const DeliveryStatus = z.enum(['pending', 'retrying', 'delivered', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** A request as Wharf sent it; values of the trigger's own headers and bearer tokens are shown as `<redacted>`. */
export const SentRequest = z.object({ method: z.string(), url: z.string(), headers: z.record(z.string(), z.string()), body: z.string() });
export type SentRequest = z.infer<typeof SentRequest>;

export const DeliveryView = z.object({
  id: z.string(),
  triggerId: z.string(),
  /** The CloudEvent id of the push event: the idempotency key a receiver dedupes by (`webhook-id`, `ce-id`). */
  eventId: z.string(),
  eventType: z.string(),
  tag: z.string(),
  digest: z.string(),
  status: DeliveryStatus,
  /** Attempts made since the delivery was scheduled or last redelivered. */
  attempts: z.number().int().nonnegative(),
  responseCode: z.number().int().nullable(),
  latencyMs: z.number().nonnegative().nullable(),
  detail: z.string(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  request: SentRequest.nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

const TriggerRef = z.object({ actor: Principal, namespace: z.string(), repository: z.string() });
const NamedTrigger = TriggerRef.extend({ name: z.string().min(1).max(128) });

export const TriggerRpc = {
  /** Needs manage (7) on the repository. `secret` is the webhook secret Wharf generated, answered this once. */
  create: rpc('lifecycle.trigger.create', TriggerRef.extend({ settings: TriggerSettings }), z.object({ trigger: TriggerView, secret: z.string().optional() })),
  /** Any level on the repository. */
  list: rpc('lifecycle.trigger.list', TriggerRef, z.object({ triggers: z.array(TriggerView) })),
  get: rpc('lifecycle.trigger.get', NamedTrigger, z.object({ trigger: TriggerView })),
  /** Needs manage (7); enabling again resumes the deliveries that waited. */
  setEnabled: rpc('lifecycle.trigger.enable', NamedTrigger.extend({ enabled: z.boolean() }), z.object({ trigger: TriggerView })),
  remove: rpc('lifecycle.trigger.delete', NamedTrigger, z.object({ removed: z.literal(true) })),
  /** The trigger's deliveries, newest first. Any level on the repository. */
  deliveries: rpc(
    'lifecycle.trigger.deliveries',
    NamedTrigger.extend({ limit: z.number().int().positive().max(100), offset: z.number().int().nonnegative(), status: DeliveryStatus.optional() }),
    z.object({ deliveries: z.array(DeliveryView), total: z.number().int().nonnegative() }),
  ),
  /** Queues a delivered or failed delivery again, from its first attempt. Needs manage (7). */
  redeliver: rpc('lifecycle.trigger.redeliver', NamedTrigger.extend({ deliveryId: z.string().min(1).max(200) }), z.object({ delivery: DeliveryView })),
} as const;

/** How many of a trigger's most recent firings `trigger_history` shows. */
export const TRIGGER_HISTORY_LIMIT = 100;

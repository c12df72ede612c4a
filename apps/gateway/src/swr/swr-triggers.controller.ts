import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { DeliveryStatus, SentRequest, TriggerMode, TriggerResult, TriggerRpc, TriggerType, WebhookFormat, type DeliveryView, type TriggerView } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidBody, ValidQuery } from '../openapi/input';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';
import { swrInvalid } from './swr-errors';
import { repositoryFromPath, swrChoice, swrInteger } from './swr-query';

const text = z.string().max(255).default('');
/** SWR's create body; `trigger_mode: "webhook"` with `webhook` is Wharf's extension. `enable` is a string, as SWR has it. */
const CreateTriggerBody = z.object({
  name: z.string(),
  enable: z.enum(['true', 'false']),
  action: z.literal('update').default('update'),
  app_type: text,
  application: text,
  cluster_id: text,
  cluster_name: text,
  cluster_ns: text,
  condition: z.string().max(1024),
  container: text,
  trigger_mode: TriggerMode.default('cce'),
  trigger_type: TriggerType,
  webhook: z
    .object({ url: z.string().max(2048), secret: z.string().max(200).optional(), format: WebhookFormat.default('cloudevents'), headers: z.record(z.string(), z.string()).optional() })
    .strict()
    .optional(),
});
const EnableBody = z.object({ enable: z.enum(['true', 'false']) });

/** Wharf's delivery list: `limit` (1-100, default 20), `offset`, `status`. */
const DeliveriesQuery = z.object({
  limit: swrInteger('limit', 1, 100).default('20'),
  offset: swrInteger('offset', 0, Number.MAX_SAFE_INTEGER).default('0'),
  status: swrChoice('status', DeliveryStatus.options, 'pending, retrying, delivered or failed').optional(),
});

const REDACTED = '<redacted>';

const Workload = z.object({
  action: z.literal('update'),
  app_type: z.string(),
  application: z.string(),
  cluster_id: z.string(),
  cluster_name: z.string(),
  cluster_ns: z.string(),
  condition: z.string(),
  container: z.string(),
  creator_name: z.string(),
});
const SwrTrigger = Workload.extend({
  name: z.string(),
  enable: z.enum(['true', 'false']),
  trigger_mode: TriggerMode,
  trigger_type: TriggerType,
  created_at: z.string(),
  trigger_history: z.array(
    Workload.extend({ created_at: z.string(), detail: z.string(), result: TriggerResult, tag: z.string(), delivery_id: z.string().describe("Wharf: the delivery in the trigger's history") }),
  ),
  webhook: z.object({ url: z.string(), format: WebhookFormat, headers: z.record(z.string(), z.literal(REDACTED)) }).optional().describe("Wharf's webhook target"),
  disabled_reason: z.string().optional().describe('Why Wharf disabled the trigger (its target answered 410 Gone)'),
});
const SwrDelivery = z.object({
  id: z.string(),
  event_id: z.string().describe('The CloudEvent id of the push: the idempotency key'),
  event_type: z.string(),
  tag: z.string(),
  digest: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  response_code: z.number().int().nullable(),
  latency_ms: z.number().nullable(),
  detail: z.string(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  request: SentRequest.nullable(),
});

/** A trigger in SWR's wire format, with Wharf's `webhook` (header values never shown) and `disabled_reason`. */
const swrTrigger = (trigger: TriggerView): z.input<typeof SwrTrigger> => {
  const workload = {
    action: trigger.action,
    app_type: trigger.appType,
    application: trigger.application,
    cluster_id: trigger.clusterId,
    cluster_name: trigger.clusterName,
    cluster_ns: trigger.clusterNamespace,
    condition: trigger.condition,
    container: trigger.container,
    creator_name: trigger.creatorName,
  };
  return {
    ...workload,
    name: trigger.name,
    enable: trigger.enabled ? 'true' : 'false',
    trigger_mode: trigger.mode,
    trigger_type: trigger.type,
    created_at: trigger.createdAt,
    trigger_history: trigger.history.map((entry) => ({ ...workload, created_at: entry.createdAt, detail: entry.detail, result: entry.result, tag: entry.tag, delivery_id: entry.deliveryId })),
    ...(trigger.webhook
      ? { webhook: { url: trigger.webhook.url, format: trigger.webhook.format, headers: Object.fromEntries(trigger.webhook.headers.map((name) => [name, REDACTED])) } }
      : {}),
    ...(trigger.disabledReason ? { disabled_reason: trigger.disabledReason } : {}),
  };
};

const swrDelivery = (delivery: DeliveryView): z.input<typeof SwrDelivery> => ({
  id: delivery.id,
  event_id: delivery.eventId,
  event_type: delivery.eventType,
  tag: delivery.tag,
  digest: delivery.digest,
  status: delivery.status,
  attempts: delivery.attempts,
  response_code: delivery.responseCode,
  latency_ms: delivery.latencyMs,
  detail: delivery.detail,
  next_attempt_at: delivery.nextAttemptAt,
  created_at: delivery.createdAt,
  updated_at: delivery.updatedAt,
  request: delivery.request,
});

/**
 * SWR triggers (§1.2.10), and Wharf's delivery history of each trigger (`…/triggers/{trigger}/deliveries`). Creating,
 * enabling and deleting need manage (7) on the repository; reading needs any level.
 */
@Controller('v2/manage/namespaces/:namespace/repos/:repository/triggers')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: triggers')
export class SwrTriggersController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private ref(actor: Principal, namespace: string, repository: string) {
    return { actor, namespace, repository: repositoryFromPath(repository) };
  }

  /** 201; for a webhook whose secret Wharf generated, the body carries it this once: `{"webhook": {"secret": …}}`. */
  @Post()
  @HttpCode(201)
  @Returns(201, z.object({ webhook: z.object({ secret: z.string() }).optional().describe('The secret Wharf generated, shown this once') }))
  async create(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @ValidBody(CreateTriggerBody, swrInvalid()) input: z.output<typeof CreateTriggerBody>,
  ) {
    const { secret } = await this.services.call(TriggerRpc.create, {
      ...this.ref(actor, namespace, repository),
      settings: {
        name: input.name,
        enabled: input.enable === 'true',
        action: input.action,
        appType: input.app_type,
        application: input.application,
        clusterId: input.cluster_id,
        clusterName: input.cluster_name,
        clusterNamespace: input.cluster_ns,
        condition: input.condition,
        container: input.container,
        mode: input.trigger_mode,
        type: input.trigger_type,
        ...(input.webhook ? { webhook: input.webhook } : {}),
      },
    });
    return secret ? { webhook: { secret } } : {};
  }

  /** A bare array, as SWR answers. */
  @Get()
  @Returns(200, z.array(SwrTrigger))
  async list(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { triggers } = await this.services.call(TriggerRpc.list, this.ref(actor, namespace, repository));
    return triggers.map(swrTrigger);
  }

  @Get(':trigger')
  @Returns(200, SwrTrigger)
  async get(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('trigger') name: string) {
    const { trigger } = await this.services.call(TriggerRpc.get, { ...this.ref(actor, namespace, repository), name });
    return swrTrigger(trigger);
  }

  /** `{"enable": "true" | "false"}`, the only field that changes; 201 like SWR's other PATCH routes. */
  @Patch(':trigger')
  @HttpCode(201)
  @Returns(201, z.object({}))
  async update(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('trigger') name: string,
    @ValidBody(EnableBody, swrInvalid()) { enable }: z.output<typeof EnableBody>,
  ) {
    await this.services.call(TriggerRpc.setEnabled, { ...this.ref(actor, namespace, repository), name, enabled: enable === 'true' });
    return {};
  }

  @Delete(':trigger')
  @HttpCode(204)
  @Returns(204)
  async remove(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('trigger') name: string): Promise<void> {
    await this.services.call(TriggerRpc.remove, { ...this.ref(actor, namespace, repository), name });
  }

  /** Wharf's: the trigger's deliveries, newest first: `limit` (1-100, default 20), `offset`, `status`. */
  @Get(':trigger/deliveries')
  @Returns(200, z.object({ deliveries: z.array(SwrDelivery), total: z.number().int() }))
  async deliveries(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('trigger') name: string,
    @ValidQuery(DeliveriesQuery, swrInvalid()) { limit, offset, status }: z.output<typeof DeliveriesQuery>,
  ) {
    const { deliveries, total } = await this.services.call(TriggerRpc.deliveries, {
      ...this.ref(actor, namespace, repository),
      name,
      limit,
      offset,
      ...(status !== undefined ? { status } : {}),
    });
    return { deliveries: deliveries.map(swrDelivery), total };
  }

  /** Wharf's: queues a delivered or failed delivery again from its first attempt; 202 with the delivery. */
  @Post(':trigger/deliveries/:delivery/redeliver')
  @HttpCode(202)
  @Returns(202, SwrDelivery)
  async redeliver(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('trigger') name: string,
    @Param('delivery') deliveryId: string,
  ) {
    const { delivery } = await this.services.call(TriggerRpc.redeliver, { ...this.ref(actor, namespace, repository), name, deliveryId });
    return swrDelivery(delivery);
  }
}

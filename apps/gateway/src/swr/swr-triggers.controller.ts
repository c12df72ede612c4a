import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import type { Principal } from '@wharf/contracts/identity';
import { DeliveryStatus, TriggerMode, TriggerRpc, TriggerType, WebhookFormat, type DeliveryView, type TriggerView } from '@wharf/contracts/lifecycle';
import type { ServiceClient } from '@wharf/transport';
import { z } from 'zod';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { parseInput } from '../validation';
import { SwrInputError } from './swr-errors';
import { integer, repositoryFromPath } from './swr-query';

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

const REDACTED = '<redacted>';

/** A trigger in SWR's wire format, with Wharf's `webhook` (header values never shown) and `disabled_reason`. */
const swrTrigger = (trigger: TriggerView) => {
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
    enable: String(trigger.enabled),
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

const swrDelivery = (delivery: DeliveryView) => ({
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

const singleValue = (query: Record<string, unknown>, name: string): string | undefined => {
  const value = query[name];
  if (value !== undefined && typeof value !== 'string') throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters', `${name} must be given once`);
  return value;
};

/**
 * SWR triggers (§1.2.10), and Wharf's delivery history of each trigger (`…/triggers/{trigger}/deliveries`). Creating,
 * enabling and deleting need manage (7) on the repository; reading needs any level.
 */
@Controller('v2/manage/namespaces/:namespace/repos/:repository/triggers')
@UseGuards(AuthenticatedGuard)
export class SwrTriggersController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  private ref(actor: Principal, namespace: string, repository: string) {
    return { actor, namespace, repository: repositoryFromPath(repository) };
  }

  /** 201; for a webhook whose secret Wharf generated, the body carries it this once: `{"webhook": {"secret": …}}`. */
  @Post()
  @HttpCode(201)
  async create(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const input = parseInput(CreateTriggerBody, body);
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
  async list(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { triggers } = await this.services.call(TriggerRpc.list, this.ref(actor, namespace, repository));
    return triggers.map(swrTrigger);
  }

  @Get(':trigger')
  async get(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('trigger') name: string) {
    const { trigger } = await this.services.call(TriggerRpc.get, { ...this.ref(actor, namespace, repository), name });
    return swrTrigger(trigger);
  }

  /** `{"enable": "true" | "false"}`, the only field that changes; 201 like SWR's other PATCH routes. */
  @Patch(':trigger')
  @HttpCode(201)
  async update(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('trigger') name: string,
    @Body() body: unknown,
  ) {
    const { enable } = parseInput(EnableBody, body);
    await this.services.call(TriggerRpc.setEnabled, { ...this.ref(actor, namespace, repository), name, enabled: enable === 'true' });
    return {};
  }

  @Delete(':trigger')
  @HttpCode(204)
  async remove(@CurrentPrincipal() actor: Principal, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('trigger') name: string): Promise<void> {
    await this.services.call(TriggerRpc.remove, { ...this.ref(actor, namespace, repository), name });
  }

  /** Wharf's: the trigger's deliveries, newest first: `limit` (1-100, default 20), `offset`, `status`. */
  @Get(':trigger/deliveries')
  async deliveries(
    @CurrentPrincipal() actor: Principal,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('trigger') name: string,
    @Query() query: Record<string, unknown>,
  ) {
    const limit = singleValue(query, 'limit');
    const offset = singleValue(query, 'offset');
    const status = singleValue(query, 'status');
    const parsedStatus = status === undefined ? undefined : DeliveryStatus.safeParse(status);
    if (parsedStatus && !parsedStatus.success) {
      throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters: status must be pending, retrying, delivered or failed', `status=${status}`);
    }
    const { deliveries, total } = await this.services.call(TriggerRpc.deliveries, {
      ...this.ref(actor, namespace, repository),
      name,
      limit: limit === undefined ? 20 : integer('limit', limit, 1, 100),
      offset: offset === undefined ? 0 : integer('offset', offset, 0, Number.MAX_SAFE_INTEGER),
      ...(parsedStatus?.success ? { status: parsedStatus.data } : {}),
    });
    return { deliveries: deliveries.map(swrDelivery), total };
  }

  /** Wharf's: queues a delivered or failed delivery again from its first attempt; 202 with the delivery. */
  @Post(':trigger/deliveries/:delivery/redeliver')
  @HttpCode(202)
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

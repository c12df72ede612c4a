import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { PermissionRpc } from '@wharf/contracts/access';
import { RepositoryManagementRpc, type AuthLevel } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { TriggerRpc, TriggerStreams, type TriggerSettings } from '@wharf/contracts/lifecycle';
import { CommandRunner, ProjectionHost, SERVICE_CLIENT } from '@wharf/platform';
import { SchemaPipe, type ServiceClient } from '@wharf/transport';
import { registriesView } from '../gc/gc-views.projection';
import { checkTarget, TargetRefusedError } from '../webhooks/address-guard';
import { deliveriesView, deliveryView } from '../webhooks/deliveries.projection';
import { deliveryDecider } from '../webhooks/delivery.decider';
import { DeliveryLanes } from '../webhooks/delivery-lanes';
import { newWebhookSecret, webhookSecretProblem } from '../webhooks/signatures';
import { WEBHOOK_SETTINGS, type WebhookSettings } from '../webhooks/webhook-settings';
import { triggerDecider, type TriggerCommand } from './trigger.decider';
import { triggerClustersView } from './trigger-context.projection';
import { headerNamesProblem, headerValuesProblem, webhookUrlProblem, type TriggerDefinition } from './trigger-definition';
import { TriggerSecrets } from './trigger-secrets';
import { TriggerViews } from './trigger-views';
import { triggersView, type TriggerDocument } from './triggers.projection';

const rpc = TriggerRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

const invalid = (reason: string) => new DomainError('LIFECYCLE.INVALID_TRIGGER', { reason }, reason);

/**
 * SWR's triggers (create, list, get, enable/disable, delete) and Wharf's delivery history (list, redeliver). The
 * repository must be visible to the caller (catalog answers 404/403 as for the repository itself); reading needs a
 * level on it, changing needs manage (7), which the decider checks.
 */
@Controller()
export class TriggersHandler {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly views: TriggerViews,
    private readonly secrets: TriggerSecrets,
    private readonly lanes: DeliveryLanes,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
  ) {}

  /** The repository's full name and the caller's level on it; 404/403 as catalog answers for the repository. */
  private async access(actor: Principal, namespace: string, repository: string): Promise<{ fullName: string; accountId: string; auth: AuthLevel | null }> {
    const { repository: found } = await this.services.call(RepositoryManagementRpc.get, { actor, namespace, repository });
    const fullName = found.fullName;
    const { levels } = await this.services.call(PermissionRpc.resolve, { principal: actor, targets: [{ kind: 'repository', namespace, repository: fullName }] });
    return { fullName, accountId: actor.accountId, auth: levels[0] ?? null };
  }

  private async trigger(repository: string, name: string): Promise<TriggerDocument> {
    const [doc] = await this.projections.collection(triggersView).find({
      where: [
        { field: 'repository', op: 'eq', value: repository },
        { field: 'name', op: 'eq', value: name },
      ],
      limit: 1,
    });
    if (!doc) throw new DomainError('LIFECYCLE.TRIGGER_NOT_FOUND', { name });
    return doc;
  }

  private run(repository: string, command: { type: TriggerCommand['type']; data: TriggerCommand['data'] }, actor: Principal) {
    return this.commands.run(TriggerStreams.triggers + repository, triggerDecider, command, { actor, readModels: [triggersView] });
  }

  /** A `cce` trigger's cluster: an integration of the repository's registry, named by id or by name. */
  private async cluster(namespace: string, settings: TriggerSettings): Promise<{ clusterId: string; clusterName: string }> {
    if (settings.mode !== 'cce' || (!settings.clusterId && !settings.clusterName)) return { clusterId: settings.clusterId, clusterName: settings.clusterName };
    const registry = await this.projections.collection(registriesView).get(namespace);
    const clusters = this.projections.collection(triggerClustersView);
    const [doc] = settings.clusterId
      ? [await clusters.get(settings.clusterId)]
      : await clusters.find({ where: [{ field: 'registryId', op: 'eq', value: registry?.registryId ?? '' }, { field: 'name', op: 'eq', value: settings.clusterName }], limit: 1 });
    if (!doc || doc.registryId !== registry?.registryId) throw invalid(`cluster ${settings.clusterId || settings.clusterName} is not integrated with registry ${namespace}`);
    if (settings.clusterName && settings.clusterName !== doc.name) throw invalid(`cluster_name ${settings.clusterName} is not the name of cluster ${doc.id} (${doc.name})`);
    return { clusterId: doc.id, clusterName: doc.name };
  }

  /** The webhook target as recorded, its secret and headers sealed; `generated` is the secret Wharf made, if it did. */
  private async webhook(triggerId: string, settings: TriggerSettings): Promise<{ webhook?: TriggerDefinition['webhook']; generated?: string }> {
    const target = settings.webhook;
    if (target && settings.mode !== 'webhook') throw invalid('webhook is only for trigger_mode webhook');
    if (!target) return {};
    const headers = target.headers ?? {};
    const problem = webhookUrlProblem(target.url) ?? (target.secret === undefined ? null : webhookSecretProblem(target.secret)) ?? headerNamesProblem(Object.keys(headers)) ?? headerValuesProblem(headers);
    if (problem) throw invalid(problem);
    try {
      await checkTarget(target.url, this.settings.allowPrivate);
    } catch (error) {
      if (error instanceof TargetRefusedError) throw new DomainError('LIFECYCLE.WEBHOOK_TARGET_REFUSED', { url: target.url }, `The webhook target is refused: ${error.message}`);
      throw error;
    }
    const secret = target.secret ?? newWebhookSecret();
    return {
      webhook: {
        url: target.url,
        format: target.format,
        headerNames: Object.keys(headers),
        sealedSecret: this.secrets.sealSecret(triggerId, secret),
        ...(Object.keys(headers).length > 0 ? { sealedHeaders: this.secrets.sealHeaders(triggerId, headers) } : {}),
      },
      ...(target.secret === undefined ? { generated: secret } : {}),
    };
  }

  @MessagePattern(rpc.create.subject)
  async create(@Payload(new SchemaPipe(rpc.create.request)) { actor, namespace, repository, settings }: In<'create'>) {
    const { fullName, accountId, auth } = await this.access(actor, namespace, repository);
    if (auth !== 7) throw new DomainError('LIFECYCLE.TRIGGER_FORBIDDEN', { repository: fullName });
    const triggerId = randomUUID();
    const { webhook: _raw, ...plain } = settings;
    const { webhook, generated } = await this.webhook(triggerId, settings);
    const definition: TriggerDefinition = { ...plain, ...(await this.cluster(namespace, settings)), ...(webhook ? { webhook } : {}) };
    await this.run(
      fullName,
      { type: 'CreateTrigger', data: { definition, triggerId, repository: fullName, namespace, accountId, creatorId: actor.userId, creatorName: actor.userName, auth } },
      actor,
    );
    const trigger = await this.views.view(await this.trigger(fullName, settings.name));
    return { trigger, ...(generated ? { secret: generated } : {}) } satisfies RpcReply<typeof rpc.create>;
  }

  @MessagePattern(rpc.list.subject)
  async list(@Payload(new SchemaPipe(rpc.list.request)) { actor, namespace, repository }: In<'list'>) {
    const { fullName } = await this.access(actor, namespace, repository);
    const docs = await this.projections.collection(triggersView).find({ where: [{ field: 'repository', op: 'eq', value: fullName }], sort: [{ field: 'createdAt', direction: 'asc' }] });
    return { triggers: await Promise.all(docs.map((doc) => this.views.view(doc))) } satisfies RpcReply<typeof rpc.list>;
  }

  @MessagePattern(rpc.get.subject)
  async get(@Payload(new SchemaPipe(rpc.get.request)) { actor, namespace, repository, name }: In<'get'>) {
    const { fullName } = await this.access(actor, namespace, repository);
    return { trigger: await this.views.view(await this.trigger(fullName, name)) } satisfies RpcReply<typeof rpc.get>;
  }

  @MessagePattern(rpc.setEnabled.subject)
  async setEnabled(@Payload(new SchemaPipe(rpc.setEnabled.request)) { actor, namespace, repository, name, enabled }: In<'setEnabled'>) {
    const { fullName, auth } = await this.access(actor, namespace, repository);
    await this.run(fullName, { type: 'SetTriggerEnabled', data: { name, enabled, auth } }, actor);
    const doc = await this.trigger(fullName, name);
    // Deliveries that waited while the trigger was off go out now; switched off, its lane stops.
    this.lanes.wake(doc.id);
    return { trigger: await this.views.view(doc) } satisfies RpcReply<typeof rpc.setEnabled>;
  }

  @MessagePattern(rpc.remove.subject)
  async remove(@Payload(new SchemaPipe(rpc.remove.request)) { actor, namespace, repository, name }: In<'remove'>) {
    const { fullName, auth } = await this.access(actor, namespace, repository);
    const { newEvents } = await this.run(fullName, { type: 'DeleteTrigger', data: { name, auth } }, actor);
    for (const event of newEvents) if (event.type === 'TriggerDeleted') this.lanes.wake(event.data.triggerId);
    return { removed: true } satisfies RpcReply<typeof rpc.remove>;
  }

  @MessagePattern(rpc.deliveries.subject)
  async deliveries(@Payload(new SchemaPipe(rpc.deliveries.request)) { actor, namespace, repository, name, limit, offset, status }: In<'deliveries'>) {
    const { fullName } = await this.access(actor, namespace, repository);
    const trigger = await this.trigger(fullName, name);
    const where = [{ field: 'triggerId', op: 'eq' as const, value: trigger.id }, ...(status ? [{ field: 'status', op: 'eq' as const, value: status }] : [])];
    const collection = this.projections.collection(deliveriesView);
    const [docs, total] = await Promise.all([collection.find({ where, sort: [{ field: 'position', direction: 'desc' }], offset, limit }), collection.count(where)]);
    return { deliveries: docs.map(deliveryView), total } satisfies RpcReply<typeof rpc.deliveries>;
  }

  @MessagePattern(rpc.redeliver.subject)
  async redeliver(@Payload(new SchemaPipe(rpc.redeliver.request)) { actor, namespace, repository, name, deliveryId }: In<'redeliver'>) {
    const { fullName, auth } = await this.access(actor, namespace, repository);
    const trigger = await this.trigger(fullName, name);
    if (auth !== 7) throw new DomainError('LIFECYCLE.TRIGGER_FORBIDDEN', { repository: fullName });
    const existing = await this.projections.collection(deliveriesView).get(deliveryId);
    if (!existing || existing.triggerId !== trigger.id) throw new DomainError('LIFECYCLE.DELIVERY_NOT_FOUND', { deliveryId });
    await this.commands.run(TriggerStreams.delivery + deliveryId, deliveryDecider, { type: 'RequestRedelivery', data: { deliveryId, requestedBy: actor.userId } }, { actor, readModels: [deliveriesView] });
    this.lanes.wake(trigger.id);
    const doc = await this.projections.collection(deliveriesView).get(deliveryId);
    return { delivery: deliveryView(doc!) } satisfies RpcReply<typeof rpc.redeliver>;
  }
}

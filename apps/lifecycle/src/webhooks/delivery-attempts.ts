import { Inject, Injectable } from '@nestjs/common';
import type { SentRequest } from '@wharf/contracts/lifecycle';
import { ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { triggerClustersView } from '../triggers/trigger-context.projection';
import { TriggerSecrets } from '../triggers/trigger-secrets';
import type { TriggerDocument } from '../triggers/triggers.projection';
import type { DeliveryDocument } from './deliveries.projection';
import type { AttemptReport, RecordAttempt } from './delivery.decider';
import { containersUsing, imageName, imagePatch, STRATEGIC_MERGE_PATCH, workloadPath } from './kubernetes-rollout';
import { NoAnswerError, send, type Answer, type Outgoing } from './outgoing-request';
import { USER_AGENT, webhookRequest, type RegistryAddress } from './payload-formats';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

export type Outcome = RecordAttempt['data']['outcome'];
export interface AttemptResult {
  outcome: Outcome;
  report: AttemptReport;
}

const REDACTED = '<redacted>';
/** A workload as the Kubernetes API answers it (managed fields included) fits well within this. */
const WORKLOAD_KEPT = 1024 * 1024;
const RESPONSE_RECORDED = 1024;

/** A request as recorded: the values of the trigger's own headers and of bearer tokens are not. */
const asSent = (outgoing: Outgoing, secretHeaders: readonly string[]): SentRequest => ({
  method: outgoing.method,
  url: outgoing.url,
  headers: Object.fromEntries(
    Object.entries(outgoing.headers).map(([name, value]) => [name, secretHeaders.includes(name) || name.toLowerCase() === 'authorization' ? REDACTED : value]),
  ),
  body: outgoing.body ?? '',
});

const answered = (answer: Answer, request: SentRequest, detail: string): AttemptReport => ({
  statusCode: answer.status,
  latencyMs: Math.round(answer.latencyMs),
  request,
  response: answer.body.slice(0, RESPONSE_RECORDED),
  detail,
});

const unanswered = (error: unknown, request: SentRequest | null, detail: string): AttemptResult => {
  const refused = error instanceof NoAnswerError && error.refused;
  const latencyMs = error instanceof NoAnswerError ? Math.round(error.latencyMs) : 0;
  const message = (error as Error).message;
  return { outcome: refused ? 'refused' : 'failed', report: { statusCode: null, error: message, latencyMs, request, detail: `${detail}: ${message}` } };
};

/**
 * One attempt of one delivery, by the trigger's mode: a signed webhook request, the Kubernetes rollout of a `cce`
 * trigger, or the explanation of why a `cci` trigger cannot deploy here. It reports what happened; the lane records it.
 */
@Injectable()
export class DeliveryAttempts {
  private readonly registry: RegistryAddress;

  constructor(
    private readonly projections: ProjectionHost,
    private readonly secrets: TriggerSecrets,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    const url = new URL(config.publicRegistryUrl);
    this.registry = { host: url.host, url: url.origin };
  }

  attempt(trigger: TriggerDocument, delivery: DeliveryDocument): Promise<AttemptResult> {
    switch (trigger.mode) {
      case 'webhook':
        return this.webhook(trigger, delivery);
      case 'cce':
        return this.rollout(trigger, delivery);
      case 'cci':
        return Promise.resolve({
          outcome: 'refused',
          report: {
            statusCode: null,
            latencyMs: 0,
            request: null,
            detail: `not deployed: trigger_mode cci updates Huawei Cloud Container Instance workloads, and there is no CCI in Wharf; use trigger_mode cce with a cluster integrated with the registry, or webhook`,
          },
        });
    }
  }

  private async webhook(trigger: TriggerDocument, delivery: DeliveryDocument): Promise<AttemptResult> {
    const target = trigger.webhook!;
    const secret = this.secrets.openSecret(trigger.id, target.sealedSecret);
    const ownHeaders = this.secrets.openHeaders(trigger.id, target.sealedHeaders);
    const outgoing = webhookRequest({ url: target.url, format: target.format, secret, headers: ownHeaders }, delivery.push, this.registry, Math.floor(Date.now() / 1000));
    const request = asSent(outgoing, Object.keys(ownHeaders));
    try {
      const answer = await send(outgoing, this.settings);
      const report = answered(answer, request, `HTTP ${answer.status} from ${new URL(target.url).host} in ${Math.round(answer.latencyMs)} ms`);
      const outcome: Outcome = answer.status >= 200 && answer.status < 300 ? 'delivered' : answer.status === 410 ? 'gone' : 'failed';
      return { outcome, report: outcome === 'gone' ? { ...report, detail: `${report.detail}: the target is gone, trigger disabled` } : report };
    } catch (error) {
      return unanswered(error, request, `no answer from ${new URL(target.url).host}`);
    }
  }

  /** Reads the workload when no container is named, then patches the image of the containers that run the repository. */
  private async rollout(trigger: TriggerDocument, delivery: DeliveryDocument): Promise<AttemptResult> {
    const workload = `${trigger.appType}/${trigger.application} in namespace ${trigger.clusterNamespace}`;
    const refused = (detail: string): AttemptResult => ({ outcome: 'refused', report: { statusCode: null, latencyMs: 0, request: null, detail } });
    const cluster = await this.projections.collection(triggerClustersView).get(trigger.clusterId);
    if (!cluster) return refused(`not deployed: cluster ${trigger.clusterName || trigger.clusterId} is no longer integrated with the registry`);
    if (!cluster.kubernetes) {
      return refused(`not deployed: cluster ${cluster.name} has no Kubernetes API server registered (PATCH /api/v1/registries/{id}/clusters/${cluster.id} with {"kubernetes": {"apiServer", "token"}})`);
    }
    const { apiServer, sealedToken, caCertificate } = cluster.kubernetes;
    const token = this.secrets.openClusterToken(cluster.id, sealedToken);
    const url = `${apiServer.replace(/\/+$/, '')}${workloadPath(trigger.clusterNamespace, trigger.appType, trigger.application)}`;
    const authorization = { Authorization: `Bearer ${token}`, 'User-Agent': USER_AGENT, Accept: 'application/json' };
    const image = `${this.registry.host}/${delivery.push.repository}:${delivery.push.tag}@${delivery.push.digest}`;
    const ca = caCertificate ? { ca: caCertificate } : {};
    let containers = trigger.container ? [trigger.container] : [];
    if (containers.length === 0) {
      const read: Outgoing = { method: 'GET', url, headers: authorization, ...ca };
      try {
        const answer = await send(read, { ...this.settings, keep: WORKLOAD_KEPT });
        if (answer.status !== 200) return this.kubernetesAnswer(answer, asSent(read, []), `reading ${workload}`);
        containers = containersUsing(JSON.parse(answer.body) as unknown, imageName(image));
      } catch (error) {
        return unanswered(error, asSent(read, []), `reading ${workload} at ${apiServer}`);
      }
      if (containers.length === 0) return refused(`not deployed: no container of ${workload} runs ${imageName(image)}`);
    }
    const patch: Outgoing = { method: 'PATCH', url, headers: { ...authorization, 'Content-Type': STRATEGIC_MERGE_PATCH }, body: imagePatch(containers, image), ...ca };
    try {
      const answer = await send(patch, this.settings);
      return this.kubernetesAnswer(answer, asSent(patch, []), `${workload}: container ${containers.join(', ')} set to ${image}`);
    } catch (error) {
      return unanswered(error, asSent(patch, []), `updating ${workload} at ${apiServer}`);
    }
  }

  /** 2xx succeeds; an answer that retrying cannot change (401, 403, 404, 422…) is final; 408, 429 and 5xx are retried. */
  private kubernetesAnswer(answer: Answer, request: SentRequest, what: string): AttemptResult {
    const { status } = answer;
    if (status >= 200 && status < 300) return { outcome: 'delivered', report: answered(answer, request, `${what} (HTTP ${status})`) };
    const retried = status === 408 || status === 429 || status >= 500;
    const reason = (() => {
      try {
        return (JSON.parse(answer.body) as { message?: string }).message ?? '';
      } catch {
        return answer.body.slice(0, 200);
      }
    })();
    return { outcome: retried ? 'failed' : 'refused', report: answered(answer, request, `${what} failed: HTTP ${status}${reason ? ` ${reason}` : ''}`) };
  }
}

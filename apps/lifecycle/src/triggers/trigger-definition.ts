import type { TriggerSettings, WebhookFormat } from '@wharf/contracts/lifecycle';
import type { SealedSecret } from '@wharf/platform';
import { conditionProblem } from './trigger-condition';

/** A webhook target as a trigger keeps it: the secret and the header values sealed, the header names in the clear. */
export interface WebhookDefinition {
  url: string;
  format: WebhookFormat;
  headerNames: string[];
  sealedSecret: SealedSecret;
  sealedHeaders?: SealedSecret;
}

/** A trigger's settings as recorded: SWR's fields, with the webhook target sealed. */
export type TriggerDefinition = Omit<TriggerSettings, 'webhook'> & { webhook?: WebhookDefinition };

const TRIGGER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Kubernetes object names: DNS-1123 subdomains (workloads) and labels (namespaces, containers). */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const WORKLOADS = ['deployments', 'statefulsets'];
const MAX_HEADERS = 20;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const HEADER_VALUE = /^[\x20-\x7e\t]{0,4096}$/;
/** Headers Wharf sets itself (framing, content, signatures, CloudEvents attributes). */
const RESERVED_HEADERS = /^(host|content-length|content-type|transfer-encoding|connection|keep-alive|upgrade|te|trailer|user-agent|webhook-id|webhook-timestamp|webhook-signature|x-hub-signature-256|x-signature|ce-.*)$/i;

/** What is wrong with a webhook URL, or null: http(s), a host, no credentials, at most 2048 characters. */
export const webhookUrlProblem = (value: string): string | null => {
  if (value.length > 2048) return 'webhook.url is longer than 2048 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'webhook.url is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'webhook.url must be http or https';
  if (url.username || url.password) return 'webhook.url must not carry credentials (use webhook.headers)';
  if (url.hash) return 'webhook.url must not have a fragment';
  return null;
};

export const headerNamesProblem = (names: readonly string[]): string | null => {
  if (names.length > MAX_HEADERS) return `webhook.headers has more than ${MAX_HEADERS} headers`;
  const lower = names.map((name) => name.toLowerCase());
  if (new Set(lower).size !== lower.length) return 'webhook.headers names a header twice';
  const bad = names.find((name) => !HEADER_NAME.test(name));
  if (bad !== undefined) return `webhook.headers has an invalid header name: ${bad}`;
  const reserved = names.find((name) => RESERVED_HEADERS.test(name));
  return reserved === undefined ? null : `webhook.headers cannot set ${reserved}: Wharf sets it`;
};

export const headerValuesProblem = (headers: Record<string, string>): string | null => {
  const bad = Object.entries(headers).find(([, value]) => !HEADER_VALUE.test(value));
  return bad ? `webhook.headers.${bad[0]} must be at most 4096 printable characters` : null;
};

const workloadProblem = (definition: TriggerDefinition, required: boolean): string | null => {
  const { appType, application, clusterNamespace, container, mode } = definition;
  if (required || appType) {
    if (!WORKLOADS.includes(appType)) return `app_type must be deployments or statefulsets with trigger_mode ${mode}`;
  }
  if (required || application) {
    if (!DNS_SUBDOMAIN.test(application)) return 'application must be a Kubernetes workload name (lowercase letters, digits, "-" and ".")';
  }
  if (required || clusterNamespace) {
    if (!DNS_LABEL.test(clusterNamespace)) return 'cluster_ns must be a Kubernetes namespace name (lowercase letters, digits and "-", at most 63)';
  }
  if (container && !DNS_LABEL.test(container)) return 'container must be a Kubernetes container name';
  return null;
};

/**
 * What is wrong with a trigger definition, or null (the secret and header values are checked before they are
 * sealed). `cce` and `cci` need SWR's workload fields; `cce` names its cluster (resolved to an integration of the
 * repository's registry before this), `cci` names none; `webhook` needs its target and nothing else.
 */
export const definitionProblem = (definition: TriggerDefinition): string | null => {
  if (!TRIGGER_NAME.test(definition.name)) return 'name must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit';
  const condition = conditionProblem(definition.type, definition.condition);
  if (condition) return condition;
  switch (definition.mode) {
    case 'cce':
      if (definition.webhook) return 'webhook is only for trigger_mode webhook';
      if (!definition.clusterId) return 'cluster_id or cluster_name must name a cluster integrated with the registry for trigger_mode cce';
      return workloadProblem(definition, true);
    case 'cci':
      if (definition.webhook) return 'webhook is only for trigger_mode webhook';
      if (definition.clusterId || definition.clusterName) return 'cluster_id and cluster_name must be empty with trigger_mode cci';
      return workloadProblem(definition, true);
    case 'webhook': {
      if (!definition.webhook) return 'webhook ({url, format, secret?, headers?}) is required with trigger_mode webhook';
      if (definition.clusterId || definition.clusterName) return 'cluster_id and cluster_name are only for trigger_mode cce';
      return webhookUrlProblem(definition.webhook.url) ?? headerNamesProblem(definition.webhook.headerNames) ?? workloadProblem(definition, false);
    }
  }
};

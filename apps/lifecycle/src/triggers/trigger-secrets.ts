import { Inject, Injectable, Logger } from '@nestjs/common';
import { clusterTokenContext } from '@wharf/contracts/identity';
import { loadSecretKeyRing, WHARF_CONFIG, type SealedSecret, type SecretKeyRing, type WharfConfig } from '@wharf/platform';
import type { SealedValue } from './trigger-definition';

/**
 * Secrets at rest for triggers, sealed with the operator key (WHARF_SECRET_KEY) like signing keys: a webhook's
 * secret and fixed headers, each bound to its trigger, and the bearer tokens of integrated clusters (sealed by
 * identity, bound to their cluster).
 */
@Injectable()
export class TriggerSecrets {
  private readonly keys: SecretKeyRing;

  constructor(@Inject(WHARF_CONFIG) config: WharfConfig) {
    const logger = new Logger('TriggerSecrets');
    this.keys = loadSecretKeyRing(config, (message) => logger.warn(message));
  }

  sealSecret(triggerId: string, secret: string): SealedValue {
    return this.keys.seal(secret, `trigger-secret:${triggerId}`);
  }

  sealHeaders(triggerId: string, headers: Record<string, string>): SealedValue {
    return this.keys.seal(JSON.stringify(headers), `trigger-headers:${triggerId}`);
  }

  openSecret(triggerId: string, sealed: SealedValue): string {
    return this.keys.open(sealed as SealedSecret, `trigger-secret:${triggerId}`);
  }

  openHeaders(triggerId: string, sealed: SealedValue | undefined): Record<string, string> {
    return sealed ? (JSON.parse(this.keys.open(sealed as SealedSecret, `trigger-headers:${triggerId}`)) as Record<string, string>) : {};
  }

  openClusterToken(clusterId: string, sealed: SealedValue): string {
    return this.keys.open(sealed as SealedSecret, clusterTokenContext(clusterId));
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { clusterTokenContext } from '@wharf/contracts/identity';
import { loadSecretKeyRing, WHARF_CONFIG, type SealedSecret, type SecretKeyRing, type WharfConfig } from '@wharf/platform';

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

  sealSecret(triggerId: string, secret: string): SealedSecret {
    return this.keys.seal(secret, `trigger-secret:${triggerId}`);
  }

  sealHeaders(triggerId: string, headers: Record<string, string>): SealedSecret {
    return this.keys.seal(JSON.stringify(headers), `trigger-headers:${triggerId}`);
  }

  openSecret(triggerId: string, sealed: SealedSecret): string {
    return this.keys.open(sealed, `trigger-secret:${triggerId}`);
  }

  openHeaders(triggerId: string, sealed: SealedSecret | undefined): Record<string, string> {
    return sealed ? (JSON.parse(this.keys.open(sealed, `trigger-headers:${triggerId}`)) as Record<string, string>) : {};
  }

  openClusterToken(clusterId: string, sealed: SealedSecret): string {
    return this.keys.open(sealed, clusterTokenContext(clusterId));
  }
}

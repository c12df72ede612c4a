import type { ReadinessCheck } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

/** What an HTTP port's readiness depends on. */
export interface HealthOptions {
  /** The client to the services; each must answer its readiness subject with `ready`. */
  services: ServiceClient;
  /** Distributed mode: the NATS server, which must accept a connection. */
  natsUrl?: string | undefined;
  /** Dependencies of this process itself, probed in place (the registry's blob store). */
  local?: readonly ReadinessCheck[];
}

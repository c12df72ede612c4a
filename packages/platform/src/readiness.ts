import type { ReadinessCheckResult, ReadinessReply } from '@wharf/contracts';
import type { EventStore } from '@wharf/event-store';

/** One dependency a service needs to serve: `probe` resolves with details when it answers and rejects when not. */
export interface ReadinessCheck {
  readonly name: string;
  probe(): Promise<Record<string, unknown>>;
}

/** How long a read model may take to reach the head of the log before its service counts as not ready. */
export const READ_MODEL_CATCH_UP_BOUND_MS = 2000;

export const eventStoreReadiness = (events: EventStore): ReadinessCheck => ({
  name: 'eventStore',
  probe: async () => ({ headPosition: await events.headPosition() }),
});

const probeResult = async (check: ReadinessCheck): Promise<ReadinessCheckResult> => {
  try {
    return { ...(await check.probe()), status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
};

/** Runs every check at once; the service is ready when all of them are up. */
export const readiness = async (service: string, checks: readonly ReadinessCheck[]): Promise<ReadinessReply> => {
  const results = await Promise.all(checks.map(async (check) => [check.name, await probeResult(check)] as const));
  return { service, ready: results.every(([, result]) => result.status === 'up'), checks: Object.fromEntries(results) };
};

import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '@wharf/event-store';
import { metrics } from '@wharf/observability';
import type { ProjectionHost } from './projection-host';

interface Source {
  service: string;
  projections: ProjectionHost;
  events: EventStore;
}

const sources = new Set<Source>();
const logger = new Logger('ProjectionMetrics');

/**
 * Read at each scrape: how far each read model of this process is behind the head of the event log. When the
 * event store does not answer, its read models' series are left out of that scrape (and the failure logged), so
 * the rest of the process's metrics still reach Prometheus.
 */
const lagGauge = () =>
  metrics.gauge({
    name: 'wharf_projection_lag_events',
    help: 'Events in the log that a read model has not applied yet (head position minus its checkpoint), by service and projection.',
    labelNames: ['service', 'projection'],
    async collect() {
      this.reset();
      const heads = new Map<EventStore, Promise<number | undefined>>();
      for (const { service, projections, events } of sources) {
        if (!heads.has(events)) {
          const head = events.headPosition().catch((error: unknown) => {
            logger.warn(`No projection lag in this scrape: the event store's head position is unknown (${String(error)})`);
            return undefined;
          });
          heads.set(events, head);
        }
        const head = await heads.get(events)!;
        if (head === undefined) continue;
        for (const { name, checkpoint } of projections.checkpoints()) this.set({ service, projection: name }, Math.max(0, head - checkpoint));
      }
    },
  });

/** Puts a service's projections into `wharf_projection_lag_events` while the service runs. */
export class ProjectionMetrics implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly source: Source;

  constructor(service: string, projections: ProjectionHost, events: EventStore) {
    this.source = { service, projections, events };
    lagGauge();
  }

  onApplicationBootstrap(): void {
    sources.add(this.source);
  }

  beforeApplicationShutdown(): void {
    sources.delete(this.source);
  }
}

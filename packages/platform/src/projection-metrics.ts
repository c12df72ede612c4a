import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '@wharf/event-store';
import { metrics } from '@wharf/observability';
import type { ProjectionHost } from './projection-host';

interface Source {
  service: string;
  projections: ProjectionHost;
  events: EventStore;
}

const sources = new Set<Source>();

/** Read at each scrape: how far each read model of this process is behind the head of the event log. */
const lagGauge = () =>
  metrics.gauge({
    name: 'wharf_projection_lag_events',
    help: 'Events in the log that a read model has not applied yet (head position minus its checkpoint), by service and projection.',
    labelNames: ['service', 'projection'],
    async collect() {
      this.reset();
      const heads = new Map<EventStore, Promise<number>>();
      for (const { service, projections, events } of sources) {
        if (!heads.has(events)) heads.set(events, events.headPosition());
        const head = await heads.get(events)!;
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

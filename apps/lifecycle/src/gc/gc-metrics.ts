import { metrics } from '@wharf/observability';

/** Garbage collection's counters, for the runs that end in this process (a run resumed after a restart counts once, where it ends). */
export class GcMetrics {
  private readonly runs = metrics.counter({ name: 'wharf_gc_runs_total', help: 'Garbage collection runs ended, by outcome (finished, failed).', labelNames: ['outcome'] });
  private readonly freedBytes = metrics.counter({ name: 'wharf_gc_freed_bytes_total', help: 'Bytes the registries no longer hold after finished garbage collection runs.' });
  private readonly storageBytes = metrics.counter({ name: 'wharf_gc_storage_deleted_bytes_total', help: 'Bytes finished garbage collection runs deleted from blob storage.' });

  constructor() {
    for (const outcome of ['finished', 'failed']) this.runs.inc({ outcome }, 0);
  }

  finished(freedBytes: number, storageBytes: number): void {
    this.runs.inc({ outcome: 'finished' });
    this.freedBytes.inc(freedBytes);
    this.storageBytes.inc(storageBytes);
  }

  failed(): void {
    this.runs.inc({ outcome: 'failed' });
  }
}

import { Logger } from '@nestjs/common';
import { RepositoryManagementRpc } from '@wharf/contracts/catalog';
import type { ServiceClient } from '@wharf/transport';

/**
 * Counts manifest pulls per repository and reports them to the catalog in batches, so a pull costs a map
 * increment rather than an event. Counts that fail to report stay and go with the next batch.
 */
export class PullCounter {
  private readonly logger = new Logger('PullCounter');
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: ServiceClient,
    intervalMs = 2000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  count(repository: string): void {
    this.pending.set(repository, (this.pending.get(repository) ?? 0) + 1);
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = this.pending;
      this.pending = new Map();
      for (const [repository, count] of batch) {
        try {
          await this.services.call(RepositoryManagementRpc.recordPulls, { repository, count });
        } catch (error) {
          this.pending.set(repository, (this.pending.get(repository) ?? 0) + count);
          this.logger.warn(`Could not record ${count} pulls of ${repository} yet: ${String(error)}`);
        }
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

import { Logger } from '@nestjs/common';
import { RepositoryManagementRpc } from '@wharf/contracts/catalog';
import type { ServiceClient } from '@wharf/transport';

/** Most distinct manifests one report names (the RPC's limit); a busier batch reports the first ones. */
const MAX_DIGESTS = 1000;

interface Pulls {
  count: number;
  digests: Set<string>;
}

/**
 * Counts manifest pulls per repository, with the manifests pulled (retention's `pulled_within` reads them), and
 * reports them to the catalog in batches, so a pull costs a map update rather than an event. Counts that fail to
 * report stay and go with the next batch.
 */
export class PullCounter {
  private readonly logger = new Logger('PullCounter');
  private pending = new Map<string, Pulls>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly services: ServiceClient,
    intervalMs = 2000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  count(repository: string, digest: string): void {
    this.add(repository, { count: 1, digests: new Set([digest]) });
  }

  private add(repository: string, pulls: Pulls): void {
    const pending = this.pending.get(repository);
    if (!pending) {
      this.pending.set(repository, pulls);
      return;
    }
    pending.count += pulls.count;
    for (const digest of pulls.digests) if (pending.digests.size < MAX_DIGESTS) pending.digests.add(digest);
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = this.pending;
      this.pending = new Map();
      for (const [repository, pulls] of batch) {
        try {
          await this.services.call(RepositoryManagementRpc.recordPulls, { repository, count: pulls.count, digests: [...pulls.digests] });
        } catch (error) {
          this.add(repository, pulls);
          this.logger.warn(`Could not record ${pulls.count} pulls of ${repository} yet: ${String(error)}`);
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

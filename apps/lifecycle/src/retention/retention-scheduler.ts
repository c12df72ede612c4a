import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { Cron } from 'croner';
import { RetentionRunner } from './retention-runner';
import { policiesView, repositoriesView } from './retention-views.projection';

/** Longest single wait: timers cannot wait much longer than 24 days, and a shorter one survives clock changes. */
const MAX_WAIT_MS = 3600 * 1000;

/**
 * Starts a run of every retention policy at each time `WHARF_RETENTION_SCHEDULE` names (cron, UTC). A policy
 * whose previous run is still under way skips that tick, and so does one whose repository was deleted (it never
 * applies to a repository created later under the name). Times missed while the process was down are not made up.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RetentionSchedule');
  private readonly schedule: Cron;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly runner: RetentionRunner,
    private readonly projections: ProjectionHost,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.schedule = new Cron(config.retentionSchedule, { paused: true, timezone: 'UTC' });
  }

  onApplicationBootstrap(): void {
    this.arm(new Date());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }

  private arm(after: Date): void {
    const next = this.schedule.nextRun(after);
    if (!next || this.stopped) return;
    const wait = next.getTime() - Date.now();
    this.timer = setTimeout(() => (wait > MAX_WAIT_MS ? this.arm(after) : this.fire(next)), Math.max(0, Math.min(wait, MAX_WAIT_MS)));
    this.timer.unref();
  }

  private fire(at: Date): void {
    this.ticking = this.tick().catch((error: unknown) => this.logger.error(`Scheduled retention runs failed to start: ${String(error)}`));
    this.arm(at);
  }

  private async tick(): Promise<void> {
    const policies = await this.projections.collection(policiesView).find({ sort: [{ field: 'policyId', direction: 'asc' }] });
    for (const policy of policies) {
      if (this.stopped) return;
      const repository = await this.projections.collection(repositoriesView).get(policy.repository);
      if (!repository || repository.createdAt > policy.createdAt) continue;
      try {
        await this.runner.start(policy.policyId, 'schedule');
      } catch (error) {
        const expected = error instanceof DomainError && (error.code === 'LIFECYCLE.RETENTION_RUN_IN_PROGRESS' || error.code === 'LIFECYCLE.RETENTION_NOT_FOUND');
        if (!expected) this.logger.error(`Retention policy ${policy.policyId} of ${policy.repository} could not start: ${String(error)}`);
      }
    }
  }
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { TriggerStreams } from '@wharf/contracts/lifecycle';
import { CommandRunner, ProjectionHost } from '@wharf/platform';
import { triggerDecider } from '../triggers/trigger.decider';
import { triggersView, type TriggerDocument } from '../triggers/triggers.projection';
import { deliveriesView, type DeliveryDocument } from './deliveries.projection';
import { deliveryDecider } from './delivery.decider';
import { DeliveryAttempts } from './delivery-attempts';
import { nextAttemptAt, WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';

const RETRY_AFTER_ERROR_MS = 1000;
/**
 * Attempts finishing within this window are recorded together: their appends then share one commit of the event
 * store (and one wake-up of every subscription), instead of one each.
 */
const RECORD_WINDOW_MS = 5;

interface Lane {
  /** Set by wake(): look again before resting or leaving. */
  dirty: boolean;
  /** Ends the lane's current rest early. */
  interrupt: () => void;
}

/**
 * Works the outbox: one lane per trigger, each attempting that trigger's open deliveries one at a time in push
 * order (so a target sees a repository's pushes in order), waiting out retry delays, and recording every attempt on
 * the delivery's stream. Lanes run side by side, so a slow or dead target holds up only its own. A lane reads its
 * work from the deliveries view each time (never an in-memory queue) and ends when there is none; wake() starts it
 * again. It takes only deliveries the dispatcher has scheduled everything before (`scheduledThrough`), so a push
 * scheduled late after a crash still goes out in its place.
 */
@Injectable()
export class DeliveryLanes implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryLanes');
  private readonly lanes = new Map<string, Lane>();
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  private scheduledThrough = 0;
  private recordWindow: Promise<void> | undefined;

  constructor(
    private readonly projections: ProjectionHost,
    private readonly commands: CommandRunner,
    private readonly attempts: DeliveryAttempts,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const lane of this.lanes.values()) lane.interrupt();
    await Promise.allSettled([...this.running]);
  }

  /** The dispatcher has scheduled every push up to this log position. */
  advance(position: number): void {
    this.scheduledThrough = Math.max(this.scheduledThrough, position);
  }

  /** Every trigger's lane, after a start: each ends at once when it has nothing to do. */
  async wakeAll(): Promise<void> {
    for (const trigger of await this.projections.collection(triggersView).find({})) this.wake(trigger.id);
  }

  wake(triggerId: string): void {
    if (this.stopping) return;
    const lane = this.lanes.get(triggerId);
    if (lane) {
      lane.dirty = true;
      lane.interrupt();
      return;
    }
    const fresh: Lane = { dirty: false, interrupt: () => undefined };
    this.lanes.set(triggerId, fresh);
    const run = this.run(triggerId, fresh).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private rest(lane: Lane, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        lane.interrupt = () => undefined;
        resolve();
      }
      lane.interrupt = done;
    });
  }

  private async run(triggerId: string, lane: Lane): Promise<void> {
    let trigger: TriggerDocument | null = null;
    while (!this.stopping) {
      // The trigger is read again whenever the lane is woken (it may have been switched off or deleted).
      const fresh = lane.dirty || trigger === null;
      lane.dirty = false;
      try {
        if (fresh) trigger = await this.projections.collection(triggersView).get(triggerId);
        const head = trigger?.enabled ? await this.head(triggerId) : undefined;
        if (!trigger || !head) {
          if (lane.dirty) continue;
          break;
        }
        const wait = head.nextAttemptAt ? Date.parse(head.nextAttemptAt) - Date.now() : 0;
        if (wait > 0) {
          await this.rest(lane, wait);
          continue;
        }
        if (await this.attempt(trigger, head)) trigger = null;
      } catch (error) {
        this.logger.error(`Deliveries of trigger ${triggerId}: ${String(error)}; trying again`);
        trigger = null;
        await this.rest(lane, RETRY_AFTER_ERROR_MS);
      }
    }
    this.lanes.delete(triggerId);
  }

  /** The trigger's oldest open delivery the dispatcher is done scheduling before. */
  private async head(triggerId: string): Promise<DeliveryDocument | undefined> {
    const [head] = await this.projections.collection(deliveriesView).find({
      where: [
        { field: 'queue', op: 'eq', value: triggerId },
        { field: 'position', op: 'lte', value: this.scheduledThrough },
      ],
      sort: [{ field: 'position', direction: 'asc' }],
      limit: 1,
    });
    return head;
  }

  private nextRecordWindow(): Promise<void> {
    this.recordWindow ??= new Promise((resolve) =>
      setTimeout(() => {
        this.recordWindow = undefined;
        resolve();
      }, RECORD_WINDOW_MS),
    );
    return this.recordWindow;
  }

  /** One attempt, recorded; answers whether it changed the trigger (Wharf disabled it: the target is gone). */
  private async attempt(trigger: TriggerDocument, delivery: DeliveryDocument): Promise<boolean> {
    const { outcome, report } = await this.attempts.attempt(trigger, delivery);
    const attempt = delivery.attempts + 1;
    await this.nextRecordWindow();
    try {
      await this.commands.run(
        TriggerStreams.delivery + delivery.id,
        deliveryDecider,
        {
          type: 'RecordAttempt',
          data: { deliveryId: delivery.id, attempt, outcome, report, maxAttempts: this.settings.retrySchedule.length, nextAttemptAt: nextAttemptAt(this.settings, attempt, Date.now()) },
        },
        { readModels: [deliveriesView] },
      );
    } catch (error) {
      // Another process recorded this attempt, or the delivery was redelivered meanwhile: look again.
      if (error instanceof DomainError && error.code === 'PLATFORM.CONCURRENCY_CONFLICT') return false;
      throw error;
    }
    if (outcome !== 'gone') return false;
    await this.commands.run(
      TriggerStreams.triggers + trigger.repository,
      triggerDecider,
      { type: 'DisableTriggerForTarget', data: { triggerId: trigger.id, reason: `${trigger.webhook?.url ?? 'the target'} answered 410 Gone` } },
      { readModels: [triggersView] },
    );
    return true;
  }
}

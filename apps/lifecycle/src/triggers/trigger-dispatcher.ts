import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { TriggerStreams } from '@wharf/contracts/lifecycle';
import { CommandRunner, DOCUMENT_STORE, ProjectionHost } from '@wharf/platform';
import type { DocumentStore } from '@wharf/read-model';
import { currentCloudEvent } from '../events/event-feed.handler';
import { EventJournal, type JournalDocument } from '../events/event-journal';
import { deliveriesView } from '../webhooks/deliveries.projection';
import { deliveryDecider } from '../webhooks/delivery.decider';
import { DeliveryLanes } from '../webhooks/delivery-lanes';
import { pushFactsOf } from '../webhooks/push-facts';
import { triggerDecider } from './trigger.decider';
import { tagMatches } from './trigger-condition';
import { triggerRepositoriesView } from './trigger-context.projection';
import { enabledAt, triggersView, type TriggerDocument } from './triggers.projection';

const CHECKPOINT = 'trigger_dispatcher';
const BATCH = 200;
const WATCHED = ['tag.created', 'tag.moved', 'repository.deleted'];

/** The delivery of one push to one trigger: one stream, so seeing the push again schedules nothing new. */
export const deliveryIdOf = (triggerId: string, eventId: string): string => `${triggerId}.${eventId}`;

/**
 * Fires triggers from the public event stream: follows the event journal from a durable checkpoint of its own and,
 * for each `tag.created` or `tag.moved`, schedules a delivery (recorded on the delivery's stream) for every trigger of
 * the repository that existed and was enabled at that push and whose condition the tag matches; a
 * `repository.deleted` drops the repository's triggers. The checkpoint moves only after the deliveries are recorded,
 * so a crash anywhere re-reads the batch and schedules what is missing (deliveries already recorded stay as they are).
 */
@Injectable()
export class TriggerDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TriggerDispatcher');
  private stopped = false;
  private running: Promise<void> | undefined;
  private stopping: () => void = () => undefined;
  private readonly stopped$ = new Promise<void>((resolve) => (this.stopping = resolve));

  constructor(
    private readonly journal: EventJournal,
    private readonly projections: ProjectionHost,
    private readonly commands: CommandRunner,
    private readonly lanes: DeliveryLanes,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopping();
    await this.running;
  }

  private async run(): Promise<void> {
    let started = false;
    while (!this.stopped) {
      try {
        await this.projections.start();
        let checkpoint = (await this.documents.readCheckpoint(CHECKPOINT)) ?? 0;
        while (!this.stopped) {
          const reached = this.journal.position;
          const docs = await this.journal.collection.find({
            where: [
              { field: 'position', op: 'gt', value: checkpoint },
              { field: 'name', op: 'in', values: WATCHED },
            ],
            sort: [{ field: 'position', direction: 'asc' }],
            limit: BATCH,
          });
          const fired = await this.dispatch(docs);
          const next = docs.length === BATCH ? docs[docs.length - 1]!.position : Math.max(checkpoint, reached, docs.at(-1)?.position ?? 0);
          if (next > checkpoint) await this.documents.commit([], { name: CHECKPOINT, position: next });
          checkpoint = next;
          this.lanes.advance(checkpoint);
          for (const triggerId of fired) this.lanes.wake(triggerId);
          if (!started) {
            // Deliveries left open by an earlier run go out once what they may wait for is scheduled.
            started = true;
            await this.lanes.wakeAll();
          }
          if (docs.length < BATCH) await Promise.race([this.journal.waitPast(reached, 5000), this.stopped$]);
        }
      } catch (error) {
        this.logger.error(`Firing triggers failed; resuming from the checkpoint: ${String(error)}`);
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 1000)), this.stopped$]);
      }
    }
  }

  /** Schedules the batch's deliveries and drops deleted repositories' triggers; answers the triggers that fired. */
  private async dispatch(docs: readonly JournalDocument[]): Promise<Set<string>> {
    const fired = new Set<string>();
    const triggersOf = new Map<string, TriggerDocument[]>();
    const scheduling: Promise<unknown>[] = [];
    for (const doc of docs) {
      const event = currentCloudEvent(doc);
      const repository = event.subject;
      if (doc.name === 'repository.deleted') {
        await Promise.all(scheduling.splice(0));
        await this.commands.run(TriggerStreams.triggers + repository, triggerDecider, { type: 'DropTriggers', data: { repository } }, { readModels: [triggersView] });
        triggersOf.delete(repository);
        continue;
      }
      if (!triggersOf.has(repository)) {
        triggersOf.set(repository, await this.projections.collection(triggersView).find({ where: [{ field: 'repository', op: 'eq', value: repository }] }));
      }
      const tag = (event.data as { tag: string }).tag;
      const matching = triggersOf.get(repository)!.filter((trigger) => enabledAt(trigger, doc.position) && tagMatches(trigger.type, trigger.condition, tag));
      if (matching.length === 0) continue;
      const repositoryDoc = await this.projections.collection(triggerRepositoriesView).get(repository);
      const push = pushFactsOf(event, doc.name as 'tag.created' | 'tag.moved', repositoryDoc);
      for (const trigger of matching) {
        const deliveryId = deliveryIdOf(trigger.id, push.eventId);
        fired.add(trigger.id);
        scheduling.push(
          this.commands.run(TriggerStreams.delivery + deliveryId, deliveryDecider, { type: 'ScheduleDelivery', data: { deliveryId, triggerId: trigger.id, push } }, { readModels: [deliveriesView] }),
        );
      }
    }
    await Promise.all(scheduling);
    return fired;
  }
}

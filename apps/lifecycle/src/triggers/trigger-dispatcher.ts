import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { TriggerStreams } from '@wharf/contracts/lifecycle';
import { ExpectedVersionConflictError, NO_STREAM, type EventStore } from '@wharf/event-store';
import { CommandRunner, DOCUMENT_STORE, EVENT_STORE, ProjectionHost } from '@wharf/platform';
import { CHECKPOINT_LAG, type DocumentStore } from '@wharf/read-model';
import { currentCloudEvent } from '../events/event-feed.handler';
import { EventJournal, type JournalDocument } from '../events/event-journal';
import { deliveriesView } from '../webhooks/deliveries.projection';
import { DeliveryLanes } from '../webhooks/delivery-lanes';
import { deliveryScheduleDecider, type DeliveryScheduleEvent, type DeliveryScheduleState, type Firing } from '../webhooks/delivery-schedule.decider';
import { pushFactsOf } from '../webhooks/push-facts';
import { triggerDecider } from './trigger.decider';
import { tagMatches } from './trigger-condition';
import { triggerRepositoriesView } from './trigger-context.projection';
import { enabledAt, triggersView, type TriggerDocument } from './triggers.projection';

/** How far the journal was read when nothing fired (a hint for a restart; the schedule stream is the truth). */
const CHECKPOINT = 'trigger_dispatcher';
const BATCH = 100;
const WATCHED = ['tag.created', 'tag.moved', 'repository.deleted'];

/**
 * Fires triggers from the public event stream: follows the event journal and, for each `tag.created` or
 * `tag.moved`, schedules a delivery for every trigger of the repository that existed and was enabled at that push and
 * whose condition the tag matches; a `repository.deleted` drops the repository's triggers. The deliveries of a batch
 * are recorded in one append on the schedule stream (delivery-schedule.decider.ts), whose newest `through` is where a
 * restart resumes: a crash anywhere re-reads what was not scheduled yet, and nothing is scheduled twice.
 */
@Injectable()
export class TriggerDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TriggerDispatcher');
  private stopped = false;
  private running: Promise<void> | undefined;
  private stopping: () => void = () => undefined;
  private readonly stopped$ = new Promise<void>((resolve) => (this.stopping = resolve));
  /** The schedule stream's state and revision, as of its newest event. */
  private schedule: { state: DeliveryScheduleState; revision: number | typeof NO_STREAM } = { state: deliveryScheduleDecider.initialState(), revision: NO_STREAM };

  constructor(
    private readonly journal: EventJournal,
    private readonly projections: ProjectionHost,
    private readonly commands: CommandRunner,
    private readonly lanes: DeliveryLanes,
    @Inject(EVENT_STORE) private readonly events: EventStore,
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

  private async loadSchedule(): Promise<void> {
    const [newest] = await this.events.readStream(TriggerStreams.schedule, { direction: 'backwards', maxCount: 1 });
    this.schedule = newest
      ? { state: deliveryScheduleDecider.evolve(deliveryScheduleDecider.initialState(), newest as unknown as DeliveryScheduleEvent), revision: newest.revision }
      : { state: deliveryScheduleDecider.initialState(), revision: NO_STREAM };
  }

  private async run(): Promise<void> {
    let started = false;
    while (!this.stopped) {
      try {
        await this.projections.start();
        await this.loadSchedule();
        let stored = Math.max((await this.documents.readCheckpoint(CHECKPOINT)) ?? 0, this.schedule.state.through);
        let checkpoint = stored;
        while (!this.stopped) {
          const reached = this.journal.position;
          // While no repository has a trigger, no push fires anything and no deletion has triggers to drop. A view
          // that does not reach the journal's position in time is not asked: the journal is read.
          const noTriggers = await this.projections.emptyThrough(triggersView, reached).catch((error: unknown) => {
            if (error instanceof DomainError && error.code === 'PLATFORM.READ_MODEL_LAGGING') return false;
            throw error;
          });
          const docs = noTriggers
            ? []
            : await this.journal.collection.find({
                where: [
                  { field: 'position', op: 'gt', value: checkpoint },
                  { field: 'name', op: 'in', values: WATCHED },
                ],
                sort: [{ field: 'position', direction: 'asc' }],
                limit: BATCH,
              });
          const next = docs.length === BATCH ? docs[docs.length - 1]!.position : Math.max(checkpoint, reached, docs.at(-1)?.position ?? 0);
          const fired = await this.dispatch(docs, next);
          // Read again after a restart, pushes that fired nothing fire nothing again, and those that did are behind
          // the schedule's `through`: the checkpoint is stored only now and then (as projections do theirs).
          if (next - stored >= CHECKPOINT_LAG) {
            await this.documents.commit([], [{ name: CHECKPOINT, position: next }]);
            stored = next;
          }
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
        this.logger.error(`Firing triggers failed; resuming from the schedule: ${String(error)}`);
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 1000)), this.stopped$]);
      }
    }
  }

  /** Schedules the batch's deliveries (read up to `through`) and drops deleted repositories' triggers; answers the triggers that fired. */
  private async dispatch(docs: readonly JournalDocument[], through: number): Promise<Set<string>> {
    const firings: Firing[] = [];
    const triggersOf = new Map<string, TriggerDocument[]>();
    for (const doc of docs) {
      const event = currentCloudEvent(doc);
      const repository = event.subject;
      if (doc.name === 'repository.deleted') {
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
      firings.push({ push: pushFactsOf(event, doc.name as 'tag.created' | 'tag.moved', repositoryDoc), triggerIds: matching.map((trigger) => trigger.id) });
    }
    await this.record(through, firings);
    return new Set(firings.flatMap((firing) => firing.triggerIds));
  }

  /** Appends the batch's deliveries after the schedule's newest event; another writer in between makes it read again. */
  private async record(through: number, firings: Firing[]): Promise<void> {
    const now = this.commands.now();
    const decided = deliveryScheduleDecider.decide({ type: 'ScheduleDeliveries', data: { through, firings }, metadata: { now } }, this.schedule.state);
    if (decided.length === 0) return;
    try {
      const { nextExpectedRevision, position } = await this.events.appendToStream(
        TriggerStreams.schedule,
        decided.map((event) => ({ ...event, metadata: { now } })),
        { expectedRevision: this.schedule.revision },
      );
      this.schedule = { state: decided.reduce(deliveryScheduleDecider.evolve, this.schedule.state), revision: nextExpectedRevision };
      await this.projections.waitFor(deliveriesView, position);
    } catch (error) {
      if (error instanceof ExpectedVersionConflictError) await this.loadSchedule();
      throw error;
    }
  }
}

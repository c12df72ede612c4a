import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { RepositoryRpc, type AuthLevel, type CollectedContent } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { LifecycleStreams } from '@wharf/contracts/lifecycle';
import type { BlobDriver } from '@wharf/blob-store';
import { aggregateStream, ANY, type EventStore } from '@wharf/event-store';
import { CommandRunner, EVENT_STORE, ProjectionHost, SERVICE_CLIENT, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { planCollection, type CollectionPlan } from './collection-plan';
import { ContentSweeper } from './content-sweeper';
import { callCatalogPatiently, ShuttingDown } from './catalog-calls';
import { GcMetrics } from './gc-metrics';
import { Pacer } from './pacer';
import { gcProgressDecider, type GcProgress, type GcProgressCommand } from './gc-progress.decider';
import { gcRunDecider, type GcRunCommand } from './gc-run.decider';
import { runsView, type RunDocument } from './gc-views.projection';
import { ReferenceGraphs } from './reference-graphs';

/** The blob store garbage collection deletes from: the registry's content store. */
export const CONTENT_DRIVER = Symbol('CONTENT_DRIVER');

/**
 * Manifests, and blobs, per catalog call (at most its RPC's limit of 1000): fewer calls, shorter runs; smaller ones,
 * shorter stalls. 10,000 manifests, quiet machine: with 100, manifest GET p99 during the run 13× idle and the run
 * 37 s; with 20, 5× and 53 s (the goal for the run is under 60 s).
 */
const COLLECT_BATCH = 20;
/** Digests per storage-sweep batch (one set-aside directory, one record of what went). */
const SWEEP_BATCH = 200;
/** A run rests this many times as long as each slice of its work took (so it takes at most half the process). */
const REST_PER_WORK = 1;

export interface RunRequest {
  registryId: string;
  namespace: string;
  accountId: string;
  actor: Principal;
  auth: AuthLevel | null;
  deleteUntagged: boolean;
  whenRunning: 'refuse' | 'queue';
}

/**
 * Runs garbage collections in the background of the lifecycle process, one at a time per registry:
 * mark (plan from the views) → collect (catalog re-checks and deletes, repository by repository) → measure
 * what the registry lost → sweep storage of content nobody holds (ContentSweeper's protocol) → finish.
 * Every step is recorded on the registry's run stream, and what each step took on the run's own stream. A run
 * cut off by a restart resumes from a fresh mark with its original `protectedAfter`, so it never takes anything
 * it would not have taken the first time, and reports what it took before the restart as well.
 */
@Injectable()
export class GcRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('GarbageCollection');
  private readonly running = new Map<string, Promise<void>>();
  private readonly metrics = new GcMetrics();
  private readonly driver: BlobDriver;
  private stopping = false;

  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
    private readonly graphs: ReferenceGraphs,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
    @Inject(CONTENT_DRIVER) driver: BlobDriver,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {
    this.driver = driver;
  }

  /** A run's sweeper and pacer: the sweeper rests between batches as the run does between catalog calls. */
  private sweeperFor(pacer: Pacer | null): ContentSweeper {
    const check = { settle: () => this.graphs.settle(), contents: (digests: readonly string[]) => this.graphs.contents(digests) };
    // Two storage calls at a time: enough to overlap them, while leaving libuv's threads (4 by default) to the
    // reads and writes of requests being served.
    return new ContentSweeper(this.driver, check, { batchSize: SWEEP_BATCH, concurrency: 2, ...(pacer ? { between: () => pacer.rest() } : {}) });
  }

  private pacer(): Pacer {
    return new Pacer(REST_PER_WORK, () => {
      if (this.stopping) throw new ShuttingDown();
    });
  }

  onApplicationBootstrap(): void {
    // In the background: catching the views up after a restart may take longer than a start-up should.
    void this.resumeInterrupted().catch((error: unknown) => this.logger.error(`Resuming interrupted collections failed: ${String(error)}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.running.values());
  }

  /** Starts a run (or queues one behind a run under way, for `whenRunning: 'queue'`); answers with the run doc. */
  async request(request: RunRequest): Promise<{ outcome: 'started' | 'queued'; run: RunDocument }> {
    const runId = randomUUID();
    const { registryId, namespace, accountId, actor, auth, deleteUntagged, whenRunning } = request;
    const { newEvents } = await this.commands.run(
      LifecycleStreams.garbageCollection + registryId,
      gcRunDecider,
      { type: 'StartGarbageCollection', data: { runId, registryId, namespace, accountId, actor, auth, deleteUntagged, graceSeconds: this.config.gcGraceSeconds, whenRunning } },
      { actor, readModels: [runsView] },
    );
    const started = newEvents.some((event) => event.type === 'GarbageCollectionStarted');
    const [active] = await this.projections.collection(runsView).find({
      where: [
        { field: 'registryId', op: 'eq', value: registryId },
        { field: 'status', op: 'eq', value: 'running' },
      ],
      limit: 1,
    });
    if (!active) throw new DomainError('PLATFORM.INTERNAL', { registryId }, 'The run just started is not visible');
    if (started) this.launch(active);
    return { outcome: started ? 'started' : 'queued', run: active };
  }

  private launch(run: RunDocument): void {
    if (this.running.has(run.runId) || this.stopping) return;
    const work = this.execute(run).finally(() => this.running.delete(run.runId));
    this.running.set(run.runId, work);
  }

  private async resumeInterrupted(): Promise<void> {
    const restored = await this.sweeperFor(null).recover();
    if (restored > 0) this.logger.warn(`Put back ${restored} blobs an interrupted collection had set aside`);
    await this.graphs.settle();
    const interrupted = await this.projections.collection(runsView).find({ where: [{ field: 'status', op: 'eq', value: 'running' }] });
    for (const run of interrupted) {
      if (this.running.has(run.runId)) continue;
      await this.record(run, { type: 'ResumeGarbageCollection', data: { runId: run.runId } });
      this.logger.log(`Resuming garbage collection ${run.runId} of ${run.namespace}`);
      this.launch(run);
    }
  }

  private async record(run: RunDocument, command: Pick<GcRunCommand, 'type' | 'data'>) {
    return this.commands.run(LifecycleStreams.garbageCollection + run.registryId, gcRunDecider, command as GcRunCommand, { readModels: [runsView] });
  }

  /** Appends what a step took to the run's own stream: a record of work done, so no revision to check. */
  private async recordProgress(runId: string, command: Pick<GcProgressCommand, 'type' | 'data'>): Promise<void> {
    const now = this.commands.now();
    const records = gcProgressDecider.decide({ ...command, metadata: { now } } as GcProgressCommand, gcProgressDecider.initialState());
    if (records.length === 0) return;
    await this.events.appendToStream(LifecycleStreams.sweep + runId, records.map((record) => ({ ...record, metadata: { now } })), { expectedRevision: ANY });
  }

  /** Everything the run has recorded taking, before any restart included. */
  private async progressOf(runId: string): Promise<GcProgress> {
    return aggregateStream(await this.events.readStream(LifecycleStreams.sweep + runId), gcProgressDecider);
  }

  private async execute(run: RunDocument): Promise<void> {
    const { runId, namespace, protectedAfter, deleteUntagged } = run;
    const pacer = this.pacer();
    const started = Date.now();
    const took: Record<string, number> = {};
    const lap = (phase: string, since: number) => (took[phase] = Date.now() - since);
    try {
      await this.graphs.settle();
      const plan = planCollection(await this.graphs.load(namespace), { deleteUntagged, protectedAfter });
      lap('mark', started);
      await this.record(run, { type: 'RecordMark', data: { runId, predictedBytes: plan.freedBytes, manifests: plan.manifestCount, blobs: plan.blobCount } });
      const collecting = Date.now();
      await this.collect(run, plan, pacer);
      await this.graphs.settle();
      const freedBytes = await this.freedBytes(namespace, await this.progressOf(runId));
      lap('collect', collecting);
      const sweeping = Date.now();
      await this.sweeperFor(pacer).sweep(runId, protectedAfter, await this.graphs.orphans(), (digests, deleted) =>
        this.recordProgress(runId, { type: 'RecordSweep', data: { runId, digests, ...deleted } }),
      );
      lap('sweep', sweeping);
      const done = await this.progressOf(runId);
      await this.record(run, {
        type: 'FinishGarbageCollection',
        data: {
          runId,
          freedBytes,
          manifestsDeleted: done.manifests.length,
          blobsUnlinked: done.blobs.length,
          storageObjectsDeleted: done.storageObjects,
          storageBytesDeleted: done.storageBytes,
        },
      });
      this.metrics.finished(freedBytes, done.storageBytes);
      this.logger.log(
        `Garbage collection ${runId} of ${namespace} freed ${freedBytes} bytes: ${done.manifests.length} manifests deleted, ` +
          `${done.blobs.length} blob links removed, ${done.storageObjects} objects (${done.storageBytes} bytes) deleted from storage; ` +
          `mark ${took.mark} ms, collect ${took.collect} ms, sweep ${took.sweep} ms`,
      );
    } catch (error) {
      if (error instanceof ShuttingDown || this.stopping) {
        this.logger.warn(`Garbage collection ${runId} of ${namespace} stops with the process; it resumes at the next start`);
        return;
      }
      this.logger.error(`Garbage collection ${runId} of ${namespace} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      this.metrics.failed();
      await this.record(run, { type: 'FailGarbageCollection', data: { runId, error: error instanceof Error ? error.message : String(error) } }).catch(
        (recordError: unknown) => this.logger.error(`Could not record the failure of ${runId}: ${String(recordError)}`),
      );
    }
    await this.startQueued(run).catch((error: unknown) => this.logger.error(`Could not start the queued collection of ${namespace}: ${String(error)}`));
  }

  private async startQueued(run: RunDocument): Promise<void> {
    if (this.stopping) return;
    const { newEvents } = await this.commands.run(
      LifecycleStreams.garbageCollection + run.registryId,
      gcRunDecider,
      { type: 'StartQueuedGarbageCollection', data: { runId: randomUUID(), graceSeconds: this.config.gcGraceSeconds } },
      { readModels: [runsView] },
    );
    const started = newEvents.find((event) => event.type === 'GarbageCollectionStarted');
    if (!started) return;
    const next = await this.projections.collection(runsView).get(started.data.runId);
    if (next) this.launch(next);
  }

  /**
   * Asks catalog to delete each repository's candidates, in as few calls as it takes: catalog reads the whole
   * repository stream for each call, so calls, not candidates, are what costs. Manifests go first (an index
   * before its children, a subject before its referrers: catalog orders the candidates of one call itself, and
   * what a call could not take yet is offered again until a pass takes nothing), then the blob links, whose
   * first chunk rides along when all the manifests fit in one call. What each call took is recorded as it comes.
   */
  private async collect(run: RunDocument, plan: CollectionPlan, pacer: Pacer): Promise<void> {
    const take = async (repository: string, manifests: string[], blobs: string[]) => {
      const reply = await this.collectIn(run, pacer, repository, manifests, blobs);
      await this.recordProgress(run.runId, { type: 'RecordCollection', data: { runId: run.runId, repository, ...reply } });
      return new Set(reply.manifests.map((manifest) => manifest.digest));
    };
    for (const [repository, garbage] of plan.repositories) {
      let blobs = garbage.blobs;
      let pending = garbage.manifests;
      while (pending.length > 0) {
        const taken = new Set<string>();
        const alongside = pending.length <= COLLECT_BATCH ? blobs.slice(0, COLLECT_BATCH) : [];
        blobs = blobs.slice(alongside.length);
        for (let start = 0; start < pending.length; start += COLLECT_BATCH) {
          for (const digest of await take(repository, pending.slice(start, start + COLLECT_BATCH), start === 0 ? alongside : [])) taken.add(digest);
        }
        if (taken.size === 0) break;
        pending = pending.filter((digest) => !taken.has(digest));
      }
      for (let start = 0; start < blobs.length; start += COLLECT_BATCH) await take(repository, [], blobs.slice(start, start + COLLECT_BATCH));
    }
  }

  /** One catalog call, retried while catalog is unreachable; a repository deleted meanwhile has nothing left to take. */
  private collectIn(run: RunDocument, pacer: Pacer, repository: string, manifests: string[], blobs: string[]): Promise<{ manifests: CollectedContent[]; blobs: CollectedContent[] }> {
    const call = () => this.services.call(RepositoryRpc.collectGarbage, { actor: run.requestedBy, repository, manifests, blobs, protectedAfter: run.protectedAfter });
    return callCatalogPatiently(pacer, this.logger, `${repository}'s garbage`, call, { manifests: [], blobs: [] });
  }

  /** What the registry's size lost: the collected digests no repository of the registry holds any more, once each. */
  private async freedBytes(namespace: string, collected: Pick<GcProgress, 'manifests' | 'blobs'>): Promise<number> {
    const sizes = new Map([...collected.manifests, ...collected.blobs].map(({ digest, size }) => [digest, size]));
    const held = await this.graphs.stillHeld(namespace, [...sizes.keys()]);
    let freed = 0;
    for (const [digest, size] of sizes) if (!held.has(digest)) freed += size;
    return freed;
  }
}

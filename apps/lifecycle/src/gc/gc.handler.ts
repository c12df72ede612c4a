import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcReply } from '@wharf/contracts';
import { LifecycleRpc, type GcRun } from '@wharf/contracts/lifecycle';
import { CommandRunner, ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { garbageSize } from './collection-plan';
import { GcRunner } from './gc-runner';
import { runsView, type RunDocument } from './gc-views.projection';
import { ReferenceGraphs } from './reference-graphs';
import { Registries } from './registries';

const rpc = LifecycleRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

/** A run as the contract shows it (the document also keeps who asked for it). */
export const publicRun = ({ id: _id, requestedBy: _requestedBy, ...run }: RunDocument): GcRun => run;

/** Garbage collection of a registry: its estimate, starting a run, its runs, and which registries are collecting. */
@Controller()
export class GarbageCollectionHandler {
  constructor(
    private readonly registries: Registries,
    private readonly graphs: ReferenceGraphs,
    private readonly runner: GcRunner,
    private readonly projections: ProjectionHost,
    private readonly commands: CommandRunner,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {}

  /** What a run started now would free, from the views once they hold everything recorded so far. */
  @MessagePattern(rpc.garbageSize.subject)
  async size(@Payload(new SchemaPipe(rpc.garbageSize.request)) { actor, registryId }: In<'garbageSize'>) {
    const registry = await this.registries.visible(actor, registryId);
    await this.graphs.settle();
    const protectedAfter = new Date(Date.parse(this.commands.now()) - this.config.gcGraceSeconds * 1000).toISOString();
    return garbageSize(await this.graphs.load(registry.namespace), protectedAfter) satisfies RpcReply<typeof rpc.garbageSize>;
  }

  @MessagePattern(rpc.startGarbageCollection.subject)
  async start(@Payload(new SchemaPipe(rpc.startGarbageCollection.request)) { actor, registryId, deleteUntagged }: In<'startGarbageCollection'>) {
    const registry = await this.registries.find(actor, registryId);
    const auth = await this.registries.level(actor, { kind: 'namespace', namespace: registry.namespace });
    const { run } = await this.runner.request({ ...registry, actor, auth, deleteUntagged, whenRunning: 'refuse' });
    return { run: publicRun(run) } satisfies RpcReply<typeof rpc.startGarbageCollection>;
  }

  @MessagePattern(rpc.garbageCollections.subject)
  async list(@Payload(new SchemaPipe(rpc.garbageCollections.request)) { actor, registryId, limit }: In<'garbageCollections'>) {
    await this.registries.visible(actor, registryId);
    const runs = await this.projections.collection(runsView).find({
      where: [{ field: 'registryId', op: 'eq', value: registryId }],
      sort: [{ field: 'startedAt', direction: 'desc' }],
      limit,
    });
    return { runs: runs.map(publicRun) } satisfies RpcReply<typeof rpc.garbageCollections>;
  }

  @MessagePattern(rpc.collecting.subject)
  async collecting(@Payload(new SchemaPipe(rpc.collecting.request)) { namespaces }: In<'collecting'>) {
    if (namespaces.length === 0) return { namespaces: [] };
    const running = await this.projections.collection(runsView).find({
      where: [
        { field: 'status', op: 'eq', value: 'running' },
        { field: 'namespace', op: 'in', values: namespaces },
      ],
    });
    return { namespaces: [...new Set(running.map((run) => run.namespace))] } satisfies RpcReply<typeof rpc.collecting>;
  }
}

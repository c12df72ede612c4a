import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentLayout, getFilesystemBlobDriver, type BlobDriver } from '@wharf/blob-store';
import { DomainError } from '@wharf/contracts';
import { RepositoryRpc, RepositoryStreams, type CollectedContent } from '@wharf/contracts/catalog';
import type { Principal } from '@wharf/contracts/identity';
import { getInMemoryEventStore, type EventStore } from '@wharf/event-store';
import { CommandRunner, ProjectionHost, systemClock, type WharfConfig } from '@wharf/platform';
import type { DocumentStore } from '@wharf/read-model';
import { getSqliteDocumentStore } from '@wharf/read-model-sqlite';
import type { ServiceClient } from '@wharf/transport';
import type { RepositoryFact } from './catalog-facts';
import { GcRunner } from './gc-runner';
import { gcViews, runsView, type RunDocument } from './gc-views.projection';
import { ReferenceGraphs } from './reference-graphs';

const long = '2026-01-01T00:00:00.000Z';
const actor: Principal = { accountId: 'acc', accountName: 'acme', userId: 'u1', userName: 'dev', accountAdmin: true, systemAdmin: false };
const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

type CollectRequest = { repository: string; manifests: string[]; blobs: string[] };

/**
 * Catalog's side of a collection, as lifecycle sees it: each call records the deletions on the repository's
 * stream (the events lifecycle's views follow) and answers what it took.
 */
const catalogOver = (events: EventStore, sizes: Map<string, number>, beforeEach: (request: CollectRequest) => void = () => undefined): ServiceClient =>
  ({
    call: async (rpc: { subject: string }, request: CollectRequest) => {
      if (rpc.subject !== RepositoryRpc.collectGarbage.subject) throw new Error(`unexpected call ${rpc.subject}`);
      beforeEach(request);
      const take = (digests: string[]): CollectedContent[] => digests.map((digest) => ({ digest, size: sizes.get(digest)! }));
      const reply = { manifests: take(request.manifests), blobs: take(request.blobs) };
      const now = new Date().toISOString();
      const facts: RepositoryFact[] = [
        ...reply.manifests.map(({ digest, size }): RepositoryFact => ({ type: 'ManifestDeleted', data: { repository: request.repository, digest, size, tags: [] } })),
        ...reply.blobs.map(({ digest, size }): RepositoryFact => ({ type: 'BlobUnlinked', data: { repository: request.repository, digest, size, unlinkedAt: now } })),
      ];
      if (facts.length > 0) await events.appendToStream(RepositoryStreams.repository + request.repository, facts);
      return reply;
    },
  }) as unknown as ServiceClient;

describe('garbage-collection runner across a restart', () => {
  let dir: string;
  let events: EventStore;
  let documents: DocumentStore;
  let driver: BlobDriver;
  const sizes = new Map<string, number>();
  const config = { gcGraceSeconds: 0 } as WharfConfig;

  /** A lifecycle process: its projections over the shared stores, and a runner. */
  const lifecycle = async (catalog: ServiceClient) => {
    const projections = new ProjectionHost(events, documents, gcViews);
    await projections.start();
    const runner = new GcRunner(new CommandRunner(events, systemClock, projections), projections, new ReferenceGraphs(projections), catalog, config, driver, events);
    return { projections, runner };
  };

  /** Two repositories of registry `team`, each with `images` untagged images whose layers nothing else holds. */
  const seed = async (images: number) => {
    for (const repository of ['team/a', 'team/b']) {
      const facts: RepositoryFact[] = [];
      for (let i = 0; i < images; i++) {
        const layer = `layer ${i} of ${repository}`;
        const manifest = `manifest ${i} of ${repository}`;
        sizes.set(digestOf(layer), layer.length).set(digestOf(manifest), manifest.length);
        await driver.putContent(ContentLayout.blob(digestOf(layer)), Buffer.from(layer));
        await driver.putContent(ContentLayout.blob(digestOf(manifest)), Buffer.from(manifest));
        facts.push({ type: 'BlobLinked', data: { repository, digest: digestOf(layer), size: layer.length, linkedAt: long } });
        facts.push({
          type: 'ManifestPushed',
          data: {
            repository,
            manifest: { digest: digestOf(manifest), mediaType: 'application/vnd.oci.image.manifest.v1+json', size: manifest.length, blobs: [digestOf(layer)], children: [] },
            pushedAt: long,
          },
        });
      }
      await events.appendToStream(RepositoryStreams.repository + repository, facts);
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wharf-gc-runner-'));
    events = getInMemoryEventStore();
    documents = getSqliteDocumentStore({ path: join(dir, 'read-models.db'), namespace: 'lifecycle' });
    driver = getFilesystemBlobDriver({ root: join(dir, 'blobs') });
    sizes.clear();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const start = (runner: GcRunner) =>
    runner.request({ registryId: randomUUID(), namespace: 'team', accountId: 'acc', actor, auth: 7, deleteUntagged: true, whenRunning: 'refuse' });

  /** Starts the lifecycle process that comes after a restart and waits for it to finish the interrupted run. */
  const resume = async (runId: string): Promise<RunDocument | null> => {
    const after = await lifecycle(catalogOver(events, sizes));
    after.runner.onApplicationBootstrap();
    let resumed: RunDocument | null = null;
    while (resumed?.status !== 'finished') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      resumed = await after.projections.collection(runsView).get(runId);
      expect(resumed?.status).not.toBe('failed');
    }
    await after.runner.beforeApplicationShutdown();
    await after.projections.beforeApplicationShutdown();
    return resumed;
  };

  it('reports, once resumed, what the run took before its process stopped as well as after', async () => {
    await seed(3);
    const everything = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    // The first process stops while catalog takes the second repository's garbage, the first one's taken already.
    let first: string | undefined;
    let stopped: Promise<void> | undefined;
    const before = await lifecycle(
      catalogOver(events, sizes, ({ repository }) => {
        first ??= repository;
        if (repository === first || stopped) return;
        stopped = before.runner.beforeApplicationShutdown();
        throw new DomainError('PLATFORM.UNAVAILABLE', {});
      }),
    );
    const { run } = await start(before.runner);
    while (!stopped) await new Promise((resolve) => setImmediate(resolve));
    await stopped;
    await before.projections.beforeApplicationShutdown();
    expect(await before.projections.collection(runsView).get(run.runId)).toMatchObject({ status: 'running', predictedBytes: everything });

    expect(await resume(run.runId)).toMatchObject({
      resumed: 1,
      predictedBytes: everything,
      freedBytes: everything,
      manifestsDeleted: 6,
      blobsUnlinked: 6,
      storageObjectsDeleted: 12,
      storageBytesDeleted: everything,
    });
  });

  it('counts, once resumed, the storage a sweep deleted before its process stopped', async () => {
    // 101 images a repository: more orphans than one sweep batch (200) takes.
    await seed(101);
    const everything = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    let stopped: Promise<void> | undefined;
    const before = await lifecycle(catalogOver(events, sizes));
    const { run } = await start(before.runner);
    // The process stops as the first sweep batch deletes what it set aside.
    const deleteFromStorage = driver.delete.bind(driver);
    driver.delete = async (path: string) => {
      await deleteFromStorage(path);
      if (path.startsWith(ContentLayout.trashOfRun(run.runId))) stopped ??= before.runner.beforeApplicationShutdown();
    };
    while (!stopped) await new Promise((resolve) => setImmediate(resolve));
    await stopped;
    await before.projections.beforeApplicationShutdown();
    driver.delete = deleteFromStorage;
    expect(await before.projections.collection(runsView).get(run.runId)).toMatchObject({ status: 'running' });

    expect(await resume(run.runId)).toMatchObject({
      resumed: 1,
      freedBytes: everything,
      manifestsDeleted: 202,
      blobsUnlinked: 202,
      storageObjectsDeleted: 404,
      storageBytesDeleted: everything,
    });
  });
});

import { getInMemoryEventStore, type Event, type EventStore } from '@wharf/event-store';
import type { WharfConfig } from '@wharf/platform';
import { getInMemoryDocumentStore, type DocumentStore } from '@wharf/read-model';
import { EventJournal } from './event-journal';

const config = { publicRegistryUrl: 'http://registry.example:5000' } as WharfConfig;
const digest = `sha256:${'c'.repeat(64)}`;
const namespaceCreated = (name: string, accountId: string, registryId: string): Event => ({
  type: 'NamespaceCreated',
  data: { id: 1, registryId, name, accountId, creatorId: 'u', creatorName: 'n', createdAt: 't' },
});
const tagDeleted = (tag: string): Event => ({ type: 'TagDeleted', data: { repository: 'team/app', tag, digest, deletedAt: 't' } });

/** The journal behind the feed and the relay: owners as of each event's position, and a durable checkpoint. */
describe('public event journal', () => {
  let events: EventStore;
  let documents: DocumentStore;
  const started: EventJournal[] = [];
  const start = async () => {
    const journal = new EventJournal(events, documents, config);
    await journal.onApplicationBootstrap();
    started.push(journal);
    return journal;
  };
  const settle = async (journal: EventJournal) => {
    const head = await events.headPosition();
    while (journal.position < head) await journal.waitPast(journal.position, 1000);
  };
  const recorded = async (journal: EventJournal) =>
    (await journal.collection.find({ sort: [{ field: 'position', direction: 'asc' }] })).map((doc) => [doc.accountId, doc.name, doc.event.subject]);

  beforeEach(() => {
    events = getInMemoryEventStore();
    documents = getInMemoryDocumentStore();
  });
  afterEach(async () => {
    for (const journal of started.splice(0)) await journal.beforeApplicationShutdown();
  });

  it('gives repository events to the account owning the namespace at that point of the log, also after the name changes hands', async () => {
    await events.appendToStream('catalog.namespace-team', [namespaceCreated('team', 'acc-1', '00000000-0000-4000-8000-000000000001')]);
    await events.appendToStream('catalog.repository-team/app', [tagDeleted('v1')]);
    await events.appendToStream('catalog.namespace-team', [
      { type: 'NamespaceDeleted', data: { id: 1, name: 'team', accountId: 'acc-1', deletedAt: 't' } },
      namespaceCreated('team', 'acc-2', '00000000-0000-4000-8000-000000000002'),
    ]);
    await events.appendToStream('catalog.repository-team/app', [tagDeleted('v2'), { type: 'BlobLinked', data: { repository: 'team/app', digest, size: 1, linkedAt: 't' } }]);
    const journal = await start();
    await settle(journal);
    expect(await recorded(journal)).toEqual([
      ['acc-1', 'namespace.created', 'team'],
      ['acc-1', 'tag.deleted', 'team/app'],
      ['acc-1', 'namespace.deleted', 'team'],
      ['acc-2', 'namespace.created', 'team'],
      ['acc-2', 'tag.deleted', 'team/app'],
    ]);
  });

  it('resumes from its checkpoint after a restart, recording each event once under its event store id', async () => {
    await events.appendToStream('catalog.namespace-team', [namespaceCreated('team', 'acc-1', '00000000-0000-4000-8000-000000000001')]);
    const first = await start();
    await settle(first);
    await first.beforeApplicationShutdown();
    await events.appendToStream('catalog.repository-team/app', [tagDeleted('v1')]);

    const second = await start();
    await settle(second);
    expect(await recorded(second)).toEqual([
      ['acc-1', 'namespace.created', 'team'],
      ['acc-1', 'tag.deleted', 'team/app'],
    ]);
    const [stored] = await events.readStream('catalog.repository-team/app');
    expect((await second.collection.find({ where: [{ field: 'name', op: 'eq', value: 'tag.deleted' }] }))[0]!.event.id).toBe(stored!.id);
  });
});

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CatalogStreams, QuotaStreams, RepositoryStreams } from '@wharf/contracts/catalog';
import { AccessStreams } from '@wharf/contracts/access';
import { PUBLIC_EVENT_VERSIONS, toCloudEvent, type PublicCloudEvent, type PublicEventName } from '@wharf/contracts/events';
import { LifecycleStreams, RetentionStreams, SyncStreams } from '@wharf/contracts/lifecycle';
import type { EventStore, RecordedEvent, Subscription } from '@wharf/event-store';
import { DOCUMENT_STORE, EVENT_STORE, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { CHECKPOINT_LAG, type DocumentStore, type DocumentWrite } from '@wharf/read-model';
import { publicEventOf, type NamespaceOwner } from './public-event-mapping';

/** One public event as the journal keeps it: scoped to its account, in log order, with the version it was written in. */
export interface JournalDocument {
  id: string;
  position: number;
  accountId: string;
  name: PublicEventName;
  version: number;
  event: PublicCloudEvent;
  [field: string]: unknown;
}

interface OwnerDocument {
  id: string;
  accountId?: string;
  registryId?: string;
  namespace?: string;
  [field: string]: unknown;
}

export const JOURNAL_COLLECTION = 'public_events_v1';
const OWNERS_COLLECTION = 'public_event_owners_v1';
const PUBLISHED_STREAMS = [
  CatalogStreams.namespace,
  RepositoryStreams.repository,
  AccessStreams.permissions,
  AccessStreams.shares,
  LifecycleStreams.garbageCollection,
  RetentionStreams.policy,
  SyncStreams.job,
  QuotaStreams.reservations,
];

const namespaceKey = (name: string) => `namespace:${name}`;
const registryKey = (registryId: string) => `registry:${registryId}`;

/**
 * The public event journal: follows the event store from its durable checkpoint, maps each domain event to its
 * public event (public-event-mapping.ts) and records it with the account it belongs to, atomically with the
 * checkpoint and the namespace owners the mapping needs. The HTTP feed and the JetStream relay read from here.
 */
@Injectable()
export class EventJournal implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventJournal');
  private readonly registryHost: string;
  private subscription: Subscription | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private reached = 0;
  /** The checkpoint as last stored. */
  private stored = 0;
  private listeners = new Set<() => void>();

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(WHARF_CONFIG) config: WharfConfig,
  ) {
    this.registryHost = new URL(config.publicRegistryUrl).host;
  }

  /** The log position the journal has recorded everything up to. */
  get position(): number {
    return this.reached;
  }

  get collection() {
    return this.documents.collection<JournalDocument>(JOURNAL_COLLECTION);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.documents.ensureCollection(JOURNAL_COLLECTION, { indexes: [['accountId', 'position'], ['position']] });
    await this.documents.ensureCollection(OWNERS_COLLECTION);
    await this.follow();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.subscription?.stop();
    for (const listener of this.listeners) listener();
  }

  /** Resolves when the journal moves past `position`, or after `timeoutMs`, whichever comes first. */
  waitPast(position: number, timeoutMs: number): Promise<void> {
    if (this.reached > position || timeoutMs <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const check = () => {
        if (this.reached > position || this.stopped) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.listeners.add(check);
    });
  }

  private async follow(): Promise<void> {
    const stored = await this.documents.readCheckpoint(JOURNAL_COLLECTION);
    this.stored = stored ?? 0;
    this.advance(stored ?? 0);
    const subscription = this.events.subscribe({ from: stored ?? 'start', filter: { streamPrefixes: PUBLISHED_STREAMS } }, (batch, checkpoint) =>
      this.record(batch, checkpoint),
    );
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      if (this.stopped || this.subscription !== subscription) return;
      this.logger.error(`Public event journal stopped; resuming from its checkpoint: ${String(error)}`);
      this.retryTimer = setTimeout(() => {
        if (!this.stopped) this.follow().catch((e: unknown) => this.logger.error(`Public event journal could not resume: ${String(e)}`));
      }, 1000);
    });
  }

  private async record(batch: readonly RecordedEvent[], checkpoint: number): Promise<void> {
    const owners = new Map<string, OwnerDocument | null>();
    const load = async (key: string) => {
      if (!owners.has(key)) owners.set(key, await this.documents.collection<OwnerDocument>(OWNERS_COLLECTION).get(key));
    };
    for (const event of batch) {
      const data = event.data as { repository?: unknown; namespace?: unknown };
      const namespace = typeof data.namespace === 'string' ? data.namespace : typeof data.repository === 'string' ? data.repository.split('/')[0] : undefined;
      if (namespace !== undefined) await load(namespaceKey(namespace));
      if (event.streamName.startsWith(LifecycleStreams.garbageCollection)) {
        const registry = registryKey(event.streamName.slice(LifecycleStreams.garbageCollection.length));
        await load(registry);
        const name = owners.get(registry)?.namespace;
        if (name !== undefined) await load(namespaceKey(name));
      }
    }

    const writes: DocumentWrite[] = [];
    const context = {
      registryHost: this.registryHost,
      owner: (namespace: string): NamespaceOwner | undefined => {
        const doc = owners.get(namespaceKey(namespace));
        return doc?.accountId && doc.registryId ? { accountId: doc.accountId, registryId: doc.registryId } : undefined;
      },
      namespaceOfRegistry: (registryId: string) => owners.get(registryKey(registryId))?.namespace,
    };
    for (const event of batch) {
      if (event.type === 'NamespaceCreated') {
        const { name, accountId, registryId } = event.data as { name: string; accountId: string; registryId: string };
        const ownerDoc = { id: namespaceKey(name), accountId, registryId };
        const registryDoc = { id: registryKey(registryId), namespace: name };
        owners.set(ownerDoc.id, ownerDoc);
        owners.set(registryDoc.id, registryDoc);
        writes.push({ collection: OWNERS_COLLECTION, id: ownerDoc.id, position: event.position, doc: ownerDoc });
        writes.push({ collection: OWNERS_COLLECTION, id: registryDoc.id, position: event.position, doc: registryDoc });
      }
      const fact = publicEventOf(event, context);
      if (!fact) continue;
      const doc: JournalDocument = {
        id: event.id,
        position: event.position,
        accountId: fact.data.accountId,
        name: fact.name,
        version: PUBLIC_EVENT_VERSIONS[fact.name],
        event: toCloudEvent(fact, event.id, event.position),
      };
      writes.push({ collection: JOURNAL_COLLECTION, id: doc.id, position: event.position, doc });
    }
    // A batch with nothing to record (quota reservations mostly) moves the checkpoint in memory only, as
    // projections do: read again after a restart, those events record nothing again.
    if (writes.length > 0 || checkpoint - this.stored >= CHECKPOINT_LAG) {
      await this.documents.commit(writes, [{ name: JOURNAL_COLLECTION, position: checkpoint }]);
      this.stored = checkpoint;
    }
    this.advance(checkpoint);
  }

  private advance(position: number): void {
    if (position <= this.reached) return;
    this.reached = position;
    for (const listener of [...this.listeners]) listener();
  }
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { publicEventSubject } from '@wharf/contracts/events';
import { DOCUMENT_STORE, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import type { DocumentStore } from '@wharf/read-model';
import type { JetStreamClient, NatsConnection } from 'nats';
import { currentCloudEvent } from './event-feed.handler';
import { EventJournal } from './event-journal';

/** The NATS client, loaded only when the transport is NATS (the embedded default never needs it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports, no-restricted-syntax -- loaded when the transport is NATS
const nats = (): typeof import('nats') => require('nats');

export const EVENTS_STREAM = 'WHARF_EVENTS';
const CHECKPOINT = 'public_events_jetstream_relay';
const BATCH = 500;
/** JetStream's API error code for a stream that does not exist. */
const STREAM_NOT_FOUND = 10059;

/**
 * Distributed mode's publisher of the public events: follows the journal from its own durable checkpoint and
 * publishes each event, in log order, on `wharf.events.<name>` of the JetStream stream WHARF_EVENTS, with the
 * event's id as `Nats-Msg-Id` so JetStream drops a re-publish within its duplicate window. The checkpoint moves
 * only after JetStream acknowledged: at-least-once, and a consumer tells a redelivery by the CloudEvent id.
 */
@Injectable()
export class JetStreamRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JetStreamRelay');
  private connection: NatsConnection | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private stopping: () => void = () => undefined;
  private readonly stopped$ = new Promise<void>((resolve) => (this.stopping = resolve));

  constructor(
    private readonly journal: EventJournal,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.transport.kind !== 'nats') return;
    this.connection = await nats().connect({ servers: this.config.transport.url, name: 'wharf-events-relay' });
    const manager = await this.connection.jetstreamManager().catch((error: unknown) => {
      throw new Error(`The public event relay needs JetStream on NATS_URL (start nats-server with -js -sd <dir>): ${String(error)}`);
    });
    const subjects = ['wharf.events.>'];
    try {
      await manager.streams.info(EVENTS_STREAM);
    } catch (error) {
      if (!(error instanceof nats().NatsError && error.api_error?.err_code === STREAM_NOT_FOUND)) throw error;
      await manager.streams.add({ name: EVENTS_STREAM, subjects });
    }
    this.running = this.run(this.connection.jetstream());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopping();
    await this.running;
    await this.connection?.drain();
  }

  private async run(jetstream: JetStreamClient): Promise<void> {
    while (!this.stopped) {
      try {
        await this.relay(jetstream);
      } catch (error) {
        this.logger.error(`Relaying public events to JetStream failed; retrying from the checkpoint: ${String(error)}`);
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 1000)), this.stopped$]);
      }
    }
  }

  /** Publishes everything after the checkpoint, then waits for the journal to move on. */
  private async relay(jetstream: JetStreamClient): Promise<void> {
    let checkpoint = (await this.documents.readCheckpoint(CHECKPOINT)) ?? 0;
    while (!this.stopped) {
      const reached = this.journal.position;
      const docs = await this.journal.collection.find({ where: [{ field: 'position', op: 'gt', value: checkpoint }], sort: [{ field: 'position', direction: 'asc' }], limit: BATCH });
      // A batch is published without waiting for each acknowledgement: one connection carries the messages in order
      // and JetStream stores them in that order, so what it stored is always a prefix of the batch, and a retry
      // from the checkpoint (after any failure) re-publishes that prefix as duplicates it drops.
      await Promise.all(
        docs.map((doc) => {
          const header = nats().headers();
          header.set('Nats-Msg-Id', doc.id);
          header.set('Content-Type', 'application/cloudevents+json');
          return jetstream.publish(publicEventSubject(doc.name), JSON.stringify(currentCloudEvent(doc)), { msgID: doc.id, headers: header });
        }),
      );
      const next = docs.length === BATCH ? docs[docs.length - 1]!.position : Math.max(checkpoint, reached, docs.at(-1)?.position ?? 0);
      if (next > checkpoint) {
        await this.documents.commit([], [{ name: CHECKPOINT, position: next }]);
        checkpoint = next;
      }
      if (docs.length < BATCH) await Promise.race([this.journal.waitPast(reached, 5000), this.stopped$]);
    }
  }
}

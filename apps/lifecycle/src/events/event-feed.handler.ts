import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcReply } from '@wharf/contracts';
import { cloudEventType, EventsRpc, PUBLIC_EVENT_UPCASTERS, PUBLIC_EVENT_VERSIONS, upcast, type PublicCloudEvent } from '@wharf/contracts/events';
import type { Filter } from '@wharf/read-model';
import { SchemaPipe } from '@wharf/transport';
import { EventJournal, type JournalDocument } from './event-journal';

type FeedRequest = (typeof EventsRpc.feed)['request']['_output'];

/** A journal entry as the current catalog shows it: recorded under an older version, it is upcast on the way out. */
export const currentCloudEvent = (doc: JournalDocument): PublicCloudEvent => {
  if (doc.version === PUBLIC_EVENT_VERSIONS[doc.name]) return doc.event;
  const current = upcast({ versions: PUBLIC_EVENT_VERSIONS, upcasters: PUBLIC_EVENT_UPCASTERS }, { name: doc.name, version: doc.version, data: doc.event.data });
  return { ...doc.event, type: cloudEventType(doc.name, current.version), data: current.data as PublicCloudEvent['data'] };
};

/**
 * The account-scoped public event feed: events of the caller's account after a position, in log order, waiting
 * up to `waitMs` for the first one when there is none yet (long-poll).
 */
@Controller()
export class EventFeedHandler {
  constructor(private readonly journal: EventJournal) {}

  @MessagePattern(EventsRpc.feed.subject)
  async feed(@Payload(new SchemaPipe(EventsRpc.feed.request)) { actor, after, types, limit, waitMs }: FeedRequest) {
    const deadline = Date.now() + waitMs;
    const where: Filter[] = [
      { field: 'accountId', op: 'eq', value: actor.accountId },
      { field: 'position', op: 'gt', value: after },
      ...(types ? [{ field: 'name', op: 'in' as const, values: types }] : []),
    ];
    for (;;) {
      // Everything up to `reached` is committed before the query reads it, so an empty page can resume from there.
      const reached = this.journal.position;
      const docs = await this.journal.collection.find({ where, sort: [{ field: 'position', direction: 'asc' }], limit });
      const remaining = deadline - Date.now();
      if (docs.length > 0 || remaining <= 0) {
        const next = docs.length === limit ? docs[docs.length - 1]!.position : Math.max(after, reached, docs.at(-1)?.position ?? 0);
        return { events: docs.map(currentCloudEvent), next } satisfies RpcReply<typeof EventsRpc.feed>;
      }
      await this.journal.waitPast(reached, remaining);
    }
  }
}

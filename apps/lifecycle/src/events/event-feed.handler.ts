import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcReply } from '@wharf/contracts';
import { PermissionRpc, type PermissionTarget } from '@wharf/contracts/access';
import { cloudEventType, EventsRpc, PUBLIC_EVENT_UPCASTERS, PUBLIC_EVENT_VERSIONS, upcast, type PublicCloudEvent } from '@wharf/contracts/events';
import type { Principal } from '@wharf/contracts/identity';
import { SERVICE_CLIENT } from '@wharf/platform';
import type { Filter } from '@wharf/read-model';
import { SchemaPipe, type ServiceClient } from '@wharf/transport';
import { EventJournal, type JournalDocument } from './event-journal';

type FeedRequest = (typeof EventsRpc.feed)['request']['_output'];

/** A journal entry as the current catalog shows it: recorded under an older version, it is upcast on the way out. */
export const currentCloudEvent = (doc: JournalDocument): PublicCloudEvent => {
  if (doc.version === PUBLIC_EVENT_VERSIONS[doc.name]) return doc.event;
  const current = upcast({ versions: PUBLIC_EVENT_VERSIONS, upcasters: PUBLIC_EVENT_UPCASTERS }, { name: doc.name, version: doc.version, data: doc.event.data });
  return { ...doc.event, type: cloudEventType(doc.name, current.version), data: current.data as PublicCloudEvent['data'] };
};

/**
 * What an event is about, for permissions: its repository, or its namespace when it concerns the whole namespace;
 * null for events about the whole account (quotas), which only its administrators see.
 */
export const permissionTargetOf = ({ event }: JournalDocument): PermissionTarget | null => {
  const data = event.data as { namespace?: string; repository?: string; target?: { kind: string; name: string } };
  if (data.namespace === undefined) return null;
  const repository = data.repository ?? (data.target?.kind === 'repository' ? data.target.name : undefined);
  return repository === undefined ? { kind: 'namespace', namespace: data.namespace } : { kind: 'repository', namespace: data.namespace, repository };
};

/**
 * The public event feed: events of the caller's account after a position, in log order, waiting up to `waitMs`
 * for the first one when there is none yet (long-poll). The account's administrators see all of them; its other
 * users see the events of the namespaces and repositories they have a level on now (as access reckons it).
 */
@Controller()
export class EventFeedHandler {
  constructor(
    private readonly journal: EventJournal,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
  ) {}

  private async visibleTo(actor: Principal, docs: JournalDocument[]): Promise<JournalDocument[]> {
    if (actor.accountAdmin || docs.length === 0) return docs;
    const keys = new Map<string, PermissionTarget>();
    for (const doc of docs) {
      const target = permissionTargetOf(doc);
      if (target) keys.set(JSON.stringify(target), target);
    }
    const targets = [...keys.values()];
    const { levels } = targets.length > 0 ? await this.services.call(PermissionRpc.resolve, { principal: actor, targets }) : { levels: [] };
    const allowed = new Set(targets.flatMap((target, i) => (levels[i] === null ? [] : [JSON.stringify(target)])));
    return docs.filter((doc) => {
      const target = permissionTargetOf(doc);
      return target !== null && allowed.has(JSON.stringify(target));
    });
  }

  @MessagePattern(EventsRpc.feed.subject)
  async feed(@Payload(new SchemaPipe(EventsRpc.feed.request)) { actor, after, types, limit, waitMs }: FeedRequest) {
    const deadline = Date.now() + waitMs;
    for (let from = after; ; ) {
      const where: Filter[] = [
        { field: 'accountId', op: 'eq', value: actor.accountId },
        { field: 'position', op: 'gt', value: from },
        ...(types ? [{ field: 'name', op: 'in' as const, values: types }] : []),
      ];
      // Everything up to `reached` is committed before the query reads it, so an empty page can resume from there.
      const reached = this.journal.position;
      const docs = await this.journal.collection.find({ where, sort: [{ field: 'position', direction: 'asc' }], limit });
      const visible = await this.visibleTo(actor, docs);
      const next = docs.length === limit ? docs[docs.length - 1]!.position : Math.max(from, reached, docs.at(-1)?.position ?? 0);
      const remaining = deadline - Date.now();
      // A full page the caller may not see any of still answers, so that `next` moves on.
      if (visible.length > 0 || docs.length === limit || remaining <= 0) {
        return { events: visible.map(currentCloudEvent), next } satisfies RpcReply<typeof EventsRpc.feed>;
      }
      from = next;
      await this.journal.waitPast(reached, remaining);
    }
  }
}

import { CatalogEventTypes, CatalogStreams } from '@wharf/contracts/catalog';
import { ANY, type EventStore } from '@wharf/event-store';

/**
 * SWR gives organizations small integer ids. One stream numbers them: each reservation is an event, and its
 * revision (from 0) plus one is the id. Appends need no concurrency check, so concurrent creates never
 * retry here; a create that then fails leaves an unused number, as database sequences do.
 */
export const reserveNamespaceNumber = async (events: EventStore, name: string, now: string): Promise<number> => {
  const { nextExpectedRevision } = await events.appendToStream(
    CatalogStreams.namespaceNumbers,
    [{ type: CatalogEventTypes.NamespaceNumberReserved, data: { name }, metadata: { now } }],
    { expectedRevision: ANY },
  );
  return nextExpectedRevision + 1;
};

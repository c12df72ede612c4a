import { CatalogEventTypes, CatalogStreams } from '@wharf/contracts/catalog';
import { ANY, type EventStore } from '@wharf/event-store';

/**
 * SWR gives organizations and repositories small integer ids. One stream per kind numbers them: each
 * reservation is an event, and its revision (from 0) plus one is the id. Appends need no concurrency check,
 * so concurrent creates never retry here; a create that then fails leaves an unused number, as database
 * sequences do.
 */
const reserveNumber = async (events: EventStore, stream: string, type: string, name: string, now: string): Promise<number> => {
  const { nextExpectedRevision } = await events.appendToStream(stream, [{ type, data: { name }, metadata: { now } }], { expectedRevision: ANY });
  return nextExpectedRevision + 1;
};

export const reserveNamespaceNumber = (events: EventStore, name: string, now: string): Promise<number> =>
  reserveNumber(events, CatalogStreams.namespaceNumbers, CatalogEventTypes.NamespaceNumberReserved, name, now);

export const reserveRepositoryNumber = (events: EventStore, name: string, now: string): Promise<number> =>
  reserveNumber(events, CatalogStreams.repositoryNumbers, CatalogEventTypes.RepositoryNumberReserved, name, now);

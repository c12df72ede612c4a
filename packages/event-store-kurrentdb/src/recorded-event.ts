import type { AllStreamResolvedEvent, RecordedEvent as ClientRecordedEvent, ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { EventMetadata, RecordedEvent } from '@wharf/event-store';
import { eventPosition, revisionNumber } from './positions';

/** Event types starting with `$` are the server's own (stream metadata, links, settings): never the port's. */
export const isSystemEvent = (event: ClientRecordedEvent): boolean => event.type.startsWith('$');

/** The event of a read result. Links are never resolved here, so every result carries its own event. */
export const storedEvent = (resolved: ResolvedEvent | AllStreamResolvedEvent): ClientRecordedEvent => {
  if (!resolved.event) throw new Error('KurrentDB returned a read result without an event');
  return resolved.event;
};

/** The port position of a stored event; stream reads carry it too since server 22.6. */
export const positionOf = (event: ClientRecordedEvent): number => {
  if (!event.position) throw new Error(`KurrentDB returned event ${event.id} of ${event.streamId} without its log position`);
  return eventPosition(event.position, `event ${event.id} of ${event.streamId}`);
};

/** Metadata is written as a JSON object (possibly empty); anything else was not written by this store. */
const metadataOf = (event: ClientRecordedEvent): EventMetadata => {
  const { metadata } = event;
  if (metadata === undefined) return {};
  if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && !(metadata instanceof Uint8Array)) {
    return metadata as EventMetadata;
  }
  throw new Error(`Event ${event.id} of ${event.streamId} has metadata that is not a JSON object`);
};

export const toRecordedEvent = (event: ClientRecordedEvent, position: number): RecordedEvent => {
  if (!event.isJson) throw new Error(`Event ${event.id} of ${event.streamId} is not JSON, and this store only writes JSON`);
  return {
    id: event.id,
    streamName: event.streamId,
    revision: revisionNumber(event.revision),
    position,
    type: event.type,
    data: event.data,
    metadata: metadataOf(event),
  };
};

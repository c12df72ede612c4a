import { z } from 'zod/v4';
import { cloudEventType, PUBLIC_EVENT_VERSIONS, type PublicEventName, type PublicEventPayload } from './catalog';

/** A public event as a CloudEvents 1.0 structured-mode JSON object. */
export interface PublicCloudEvent<N extends PublicEventName = PublicEventName> {
  specversion: '1.0';
  /** The event store's id of the domain event it was mapped from: a redelivery has the same id. */
  id: string;
  source: string;
  type: string;
  time: string;
  /** The repository, the namespace for events about a namespace, the account's id for quota events. */
  subject: string;
  datacontenttype: 'application/json';
  /** Extension attribute: the event's global position in Wharf's log, to resume a feed after it. */
  wharfposition: number;
  data: PublicEventPayload<N>;
}

/** The envelope's own attributes, validated by the AsyncAPI document's message headers. */
export const CloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^io\.wharf\.[a-z]+\.[a-z]+\.v[0-9]+$/),
  time: z.string(),
  subject: z.string(),
  datacontenttype: z.literal('application/json'),
  wharfposition: z.number().int().positive(),
});

/** The `source` of every public event: the service that recorded the fact behind it. */
export const cloudEventSource = (context: 'catalog' | 'access' | 'lifecycle'): string => `/wharf/${context}`;

export interface PublicEventFact<N extends PublicEventName = PublicEventName> {
  name: N;
  source: string;
  subject: string;
  time: string;
  data: PublicEventPayload<N>;
}

export const toCloudEvent = <N extends PublicEventName>(fact: PublicEventFact<N>, id: string, position: number): PublicCloudEvent<N> => ({
  specversion: '1.0',
  id,
  source: fact.source,
  type: cloudEventType(fact.name, PUBLIC_EVENT_VERSIONS[fact.name]),
  time: fact.time,
  subject: fact.subject,
  datacontenttype: 'application/json',
  wharfposition: position,
  data: fact.data,
});

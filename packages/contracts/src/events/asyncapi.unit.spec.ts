import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod/v4';
import { cloudEventType, PUBLIC_EVENT_NAMES, publicEventSubject } from './catalog';
import { CloudEventEnvelope } from './cloud-event';
import { publicEventDataSchema } from './json-schemas';

interface Message {
  name: string;
  contentType: string;
  payload: { allOf: [{ $ref: string }, { properties: { type: { const: string }; data: unknown } }] };
}
interface AsyncApi {
  asyncapi: string;
  channels: Record<string, { subscribe: { message: { $ref: string } } }>;
  components: { schemas: Record<string, unknown>; messages: Record<string, Message> };
}

const document = JSON.parse(readFileSync(join(__dirname, '../../../../docs/events/asyncapi.json'), 'utf8')) as AsyncApi;
const messageOf = (channel: string): Message => {
  const ref = document.channels[channel]?.subscribe.message.$ref ?? '';
  const message = document.components.messages[ref.replace('#/components/messages/', '')];
  if (!message) throw new Error(`docs/events/asyncapi.json: channel ${channel} has no message`);
  return message;
};

/** docs/events/asyncapi.json must say exactly what the zod catalog generates: a change to either side fails here. */
describe('the AsyncAPI document of the public events', () => {
  it('is AsyncAPI 2.x with one channel per public event, and no others', () => {
    expect(document.asyncapi).toMatch(/^2\./);
    expect(Object.keys(document.channels).sort()).toEqual(PUBLIC_EVENT_NAMES.map(publicEventSubject).sort());
  });

  it.each(PUBLIC_EVENT_NAMES)('documents %s with the schema generated from its zod definition', (name) => {
    const message = messageOf(publicEventSubject(name));
    expect(message.name).toBe(cloudEventType(name));
    expect(message.contentType).toBe('application/cloudevents+json');
    expect(message.payload.allOf[0]).toEqual({ $ref: '#/components/schemas/CloudEventEnvelope' });
    expect(message.payload.allOf[1].properties.type.const).toBe(cloudEventType(name));
    expect(message.payload.allOf[1].properties.data).toEqual(publicEventDataSchema(name));
  });

  it('documents the CloudEvents envelope as generated', () => {
    const { $schema: _dialect, ...envelope } = z.toJSONSchema(CloudEventEnvelope, { target: 'draft-7' }) as Record<string, unknown>;
    expect(document.components.schemas.CloudEventEnvelope).toEqual(envelope);
  });
});

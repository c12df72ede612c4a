import { z } from 'zod/v4';
import { cloudEventType, PUBLIC_EVENT_NAMES, PublicEventData, type PublicEventName } from './catalog';

/** The JSON Schema of a public event's `data`, generated from its zod definition (the one source of its shape). */
export const publicEventDataSchema = (name: PublicEventName): Record<string, unknown> => {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(PublicEventData[name], { target: 'draft-7' }) as Record<string, unknown>;
  return schema;
};

/** Every public event's data schema, keyed by its CloudEvents type (`io.wharf.<name>.v<version>`). */
export const publicEventSchemas = (): Record<string, Record<string, unknown>> =>
  Object.fromEntries(PUBLIC_EVENT_NAMES.map((name) => [cloudEventType(name), publicEventDataSchema(name)]));

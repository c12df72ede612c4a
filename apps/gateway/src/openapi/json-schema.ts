import type { OpenAPIObject } from '@nestjs/swagger';
import type { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** An OpenAPI 3.0 schema object (the package does not export the type by name). */
export type SchemaObject = Exclude<NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string], { $ref: string }>;

/**
 * The OpenAPI 3.0 schema of a zod schema. Requests are documented by what they accept (the input side of
 * transforms and pipes), answers by what they carry; `.describe()` texts become descriptions. Objects that are
 * not `.strict()` accept (and drop) other keys, so only strict ones say `additionalProperties: false`.
 */
export const jsonSchemaOf = (schema: z.ZodTypeAny, side: 'input' | 'output' = 'input'): SchemaObject => {
  const { $schema: _, ...json } = zodToJsonSchema(schema, {
    target: 'openApi3',
    $refStrategy: 'none',
    effectStrategy: 'input',
    pipeStrategy: side,
    removeAdditionalStrategy: 'strict',
  }) as SchemaObject & { $schema?: string };
  return json;
};

/** The properties of an object schema (query parameters, path parameters) with whether each is required. */
export const propertiesOf = (schema: z.ZodTypeAny): Array<{ name: string; schema: SchemaObject; required: boolean }> => {
  const json = jsonSchemaOf(schema);
  if (json.type !== 'object' || !json.properties) throw new Error('parameters must be described by an object schema');
  return Object.entries(json.properties).map(([name, property]) => ({ name, schema: property as SchemaObject, required: json.required?.includes(name) ?? false }));
};

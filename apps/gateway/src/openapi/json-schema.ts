import type { OpenAPIObject } from '@nestjs/swagger';
import type { z } from 'zod';
import { toJSONSchema, type ZodType as Zod4Type } from 'zod/v4';
import { ignoreOverride, zodToJsonSchema } from 'zod-to-json-schema';

/** An OpenAPI 3.0 schema object (the package does not export the type by name). */
export type SchemaObject = Exclude<NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string], { $ref: string }>;

/** Carried on a schema's definition, which `.describe()` copies (object spread copies symbol keys too). */
const DOCUMENTED = Symbol('documentedAs');

/**
 * Documents `schema` as `json` instead of what its conversion would say: for wire values whose type differs from
 * their text, such as a query parameter that is an integer written as a string.
 */
export const documentedAs = <S extends z.ZodTypeAny>(schema: S, json: SchemaObject): S => {
  (schema._def as Record<symbol, SchemaObject>)[DOCUMENTED] = json;
  return schema;
};

const documentation = (def: object): SchemaObject | typeof ignoreOverride => {
  const json = (def as Record<symbol, SchemaObject | undefined>)[DOCUMENTED];
  if (!json) return ignoreOverride;
  const { description } = def as { description?: string };
  return { ...json, ...(description ? { description } : {}) };
};

/** A zod schema of either major version: the repository's contracts use zod 3, the public events' catalog zod 4. */
export type AnyZod = z.ZodTypeAny | Zod4Type;

/**
 * JSON Schema draft 7 as OpenAPI 3.0 writes it: `const` is a one-value `enum`, `exclusiveMinimum: n` is
 * `minimum: n` with `exclusiveMinimum: true` (and so for the maximum), and there is no `propertyNames`.
 */
const asOpenApi30 = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(asOpenApi30);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, inner]): Array<[string, unknown]> => {
      if (key === 'const') return [['enum', [inner]]];
      if (key === 'propertyNames') return [];
      if (key === 'exclusiveMinimum' && typeof inner === 'number') return [['minimum', inner], ['exclusiveMinimum', true]];
      if (key === 'exclusiveMaximum' && typeof inner === 'number') return [['maximum', inner], ['exclusiveMaximum', true]];
      return [[key, asOpenApi30(inner)]];
    }),
  );
};

/** Zod 4 schemas (the public events' catalog) convert themselves to draft 7, which is then written as OpenAPI 3.0. */
const zod4JsonSchema = (schema: Zod4Type, side: 'input' | 'output'): SchemaObject => {
  const { $schema: _, ...json } = toJSONSchema(schema, { target: 'draft-7', io: side, unrepresentable: 'any' }) as Record<string, unknown>;
  return asOpenApi30(json) as SchemaObject;
};

/**
 * The OpenAPI 3.0 schema of a zod schema. Requests are documented by what they accept (the input side of
 * transforms and pipes), answers by what they carry; `.describe()` texts become descriptions. Objects that are
 * not `.strict()` accept (and drop) other keys, so only strict ones say `additionalProperties: false`.
 */
export const jsonSchemaOf = (schema: AnyZod, side: 'input' | 'output' = 'input'): SchemaObject => {
  if ('_zod' in schema) return zod4JsonSchema(schema, side);
  const { $schema: _, ...json } = zodToJsonSchema(schema, {
    target: 'openApi3',
    $refStrategy: 'none',
    effectStrategy: 'input',
    pipeStrategy: side,
    removeAdditionalStrategy: 'strict',
    // Objects that allow other keys say nothing (JSON Schema's default), so the UI invents no example keys.
    allowedAdditionalProperties: undefined,
    override: documentation,
  }) as SchemaObject & { $schema?: string };
  return json;
};

/** The properties of an object schema (query parameters, path parameters) with whether each is required. */
export const propertiesOf = (schema: z.ZodTypeAny): Array<{ name: string; schema: SchemaObject; required: boolean }> => {
  const json = jsonSchemaOf(schema);
  if (json.type !== 'object' || !json.properties) throw new Error('parameters must be described by an object schema');
  return Object.entries(json.properties).map(([name, property]) => {
    const schema = property as SchemaObject;
    // A default is given as the text the query carries; the document states it in the parameter's own type.
    const typedDefault = (schema.type === 'integer' || schema.type === 'boolean') && typeof schema.default === 'string' ? { default: JSON.parse(schema.default) as unknown } : {};
    return { name, schema: { ...schema, ...typedDefault }, required: json.required?.includes(name) ?? false };
  });
};

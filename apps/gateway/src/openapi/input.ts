import { applyDecorators, Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import type { z } from 'zod';
import { parseInput, type InvalidInput } from '../validation';
import { jsonSchemaOf, propertiesOf } from './json-schema';

/** Validates one request input against its schema; what it passes on is the schema's output. */
class SchemaPipe implements PipeTransform {
  constructor(
    private readonly schema: z.ZodTypeAny,
    private readonly invalid: InvalidInput,
  ) {}

  transform(value: unknown): unknown {
    return parseInput(this.schema, value, this.invalid);
  }
}

/** A parameter decorator also writes its route's OpenAPI metadata, which Nest keeps on the method. */
const onMethod = (target: object, key: string | symbol | undefined, decorate: MethodDecorator): void => {
  if (key === undefined) throw new Error('input decorators go on route handler parameters');
  decorate(target, key, Object.getOwnPropertyDescriptor(target, key)!);
};

/**
 * The schema documents the parameter, not its TypeScript type: a type named like a value (a zod schema and its
 * inferred type often share a name) would otherwise be read by the OpenAPI explorer as a class to document.
 */
const untyped = (target: object, key: string | symbol | undefined, index: number): void => {
  const types = key === undefined ? undefined : (Reflect.getMetadata('design:paramtypes', target, key) as unknown[] | undefined);
  if (types) types[index] = Object;
};

/**
 * The JSON request body, validated by `schema` and documented from it. A body the schema refuses is the error
 * `invalid` makes of the first issue (each dialect has its own: `swrInvalid`, `selectelInvalid`, `invalidInput`).
 */
export const ValidBody =
  (schema: z.ZodTypeAny, invalid: InvalidInput, description?: string): ParameterDecorator =>
  (target, key, index) => {
    untyped(target, key, index);
    Body(new SchemaPipe(schema, invalid))(target, key, index);
    onMethod(target, key, ApiBody({ schema: jsonSchemaOf(schema), required: !schema.isOptional(), ...(description ? { description } : {}) }));
  };

/** The whole query string, validated by an object schema whose properties are documented as query parameters. */
export const ValidQuery =
  (schema: z.ZodTypeAny, invalid: InvalidInput): ParameterDecorator =>
  (target, key, index) => {
    untyped(target, key, index);
    Query(new SchemaPipe(schema, invalid))(target, key, index);
    for (const property of propertiesOf(schema)) {
      const { description, ...rest } = property.schema;
      onMethod(target, key, ApiQuery({ name: property.name, required: property.required, schema: rest, ...(description ? { description } : {}) }));
    }
  };

/** One path parameter, validated by `schema` and documented from it. */
export const ValidParam =
  (name: string, schema: z.ZodTypeAny, invalid: InvalidInput): ParameterDecorator =>
  (target, key, index) => {
    untyped(target, key, index);
    Param(name, new SchemaPipe(schema, invalid))(target, key, index);
    const { description, ...rest } = jsonSchemaOf(schema);
    onMethod(target, key, ApiParam({ name, schema: rest, ...(description ? { description } : {}) }));
  };

/**
 * Documents inputs a handler validates itself with `parseInput`, for a route that picks its input at run time
 * (e.g. SWR's repository create: the JSON body, or else the query string). Give it the schema the handler parses.
 */
export const DocumentedInput = ({ body, query, description }: { body?: z.ZodTypeAny; query?: z.ZodTypeAny; description?: string }): MethodDecorator =>
  applyDecorators(
    ...(body ? [ApiBody({ schema: jsonSchemaOf(body), required: false, ...(description ? { description } : {}) })] : []),
    ...(query ? propertiesOf(query).map((property) => ApiQuery({ name: property.name, required: false, schema: property.schema })) : []),
  );

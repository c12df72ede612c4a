import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { KeystoneErrorBody } from '../keystone/keystone-errors';
import { SelectelErrorBody } from '../selectel/selectel-errors';
import { ApiGatewayErrorBody, SwrErrorBody } from '../swr/swr-errors';
import { jsonSchemaOf, type SchemaObject } from './json-schema';

/** The error bodies, one per dialect, as named components of the document. */
export const ERROR_BODIES = {
  SwrError: SwrErrorBody,
  ApiGatewayError: ApiGatewayErrorBody,
  SelectelError: SelectelErrorBody,
  KeystoneError: KeystoneErrorBody,
} satisfies Record<string, z.ZodTypeAny>;

const ref = (name: keyof typeof ERROR_BODIES): SchemaObject => ({ $ref: `#/components/schemas/${name}` }) as SchemaObject;

export const errorBodyComponents = (): Record<string, SchemaObject> =>
  Object.fromEntries(Object.entries(ERROR_BODIES).map(([name, schema]) => [name, jsonSchemaOf(schema, 'output')]));

export type Dialect = 'swr' | 'selectel' | 'keystone';

/** Each dialect's error body by status; SWR routes that do not exist and oversized bodies get the API gateway's. */
const errorSchemas: Record<Dialect, { error: SchemaObject; notFound: SchemaObject; tooLarge: SchemaObject }> = {
  swr: { error: ref('SwrError'), notFound: { oneOf: [ref('SwrError'), ref('ApiGatewayError')] }, tooLarge: ref('ApiGatewayError') },
  selectel: { error: ref('SelectelError'), notFound: ref('SelectelError'), tooLarge: ref('SelectelError') },
  keystone: { error: ref('KeystoneError'), notFound: ref('KeystoneError'), tooLarge: ref('KeystoneError') },
};

export interface RoutesOptions {
  /** Whether the routes need a token (`X-Auth-Token` or `Authorization: Bearer`); default true. */
  authenticated?: boolean;
}

/**
 * A controller's place in the document: its tag, the token it needs, and the error answers of its dialect (the
 * one `dialectFor` picks from its paths), each with that dialect's body. Put it on every controller.
 */
export const ApiRoutes = (dialect: Dialect, tag: string, { authenticated = true }: RoutesOptions = {}) => {
  const bodies = errorSchemas[dialect];
  const error = (status: number | 'default', description: string, schema = bodies.error) => ApiResponse({ status, description, schema });
  return applyDecorators(
    ApiTags(tag),
    ...(authenticated ? [ApiSecurity('X-Auth-Token'), ApiBearerAuth(), error(401, 'No token, or a token that is not valid'), error(403, 'The caller may not do this')] : []),
    error(400, 'The request is not valid'),
    error(404, 'Not found', bodies.notFound),
    error(413, 'The request body is over 100 KiB', bodies.tooLarge),
    error('default', 'Any other error, in the same body'),
  );
};

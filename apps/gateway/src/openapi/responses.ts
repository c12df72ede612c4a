import { ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { jsonSchemaOf, type AnyZod } from './json-schema';

export interface ReturnsOptions {
  description?: string;
  /** Response headers the route sets, by name: what each carries. */
  headers?: Record<string, string>;
}

/**
 * One answer of a route: its status and, unless it has no body, the zod schema of its JSON. Type the function
 * that builds the answer as `z.input<typeof Schema>` so the compiler keeps the two together.
 */
export const Returns = (status: number, schema?: AnyZod, options: ReturnsOptions = {}) =>
  ApiResponse({
    status,
    description: options.description ?? STATUS_CODES[status] ?? String(status),
    ...(schema ? { schema: jsonSchemaOf(schema, 'output') } : {}),
    ...(options.headers ? { headers: Object.fromEntries(Object.entries(options.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {}),
  });

/** An answer in JSON (`schema`) or, when the client asks for it, as a stream of another type (`streamType`). */
export const ReturnsJsonOrStream = (status: number, schema: AnyZod, streamType: string, description: string) =>
  ApiResponse({
    status,
    description,
    content: { 'application/json': { schema: jsonSchemaOf(schema, 'output') }, [streamType]: { schema: { type: 'string' } } },
  });

import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorBodyComponents } from './dialects';
import { documentHealthProbes } from './health-probes.docs';

/**
 * OpenAPI for the management API, served at `/docs` (Swagger UI), `/docs-json` and `/docs-yaml`.
 *
 * The document is generated from the controllers; nothing in it is written by hand. How a route is documented:
 * - the controller carries `@ApiRoutes(dialect, tag)` (its tag, token and its dialect's error bodies);
 * - each input is a decorator that validates and documents from one zod schema: `@ValidBody(schema, invalid)`,
 *   `@ValidQuery(schema, invalid)`, `@ValidParam(name, schema, invalid)`, where `invalid` is the dialect's
 *   refusal (`swrInvalid()`, `selectelInvalid()`, `invalidInput`); plain `@Param()` strings need nothing;
 * - each answer is `@Returns(status, schema?)`, with the schema that types the code building the answer.
 * `openapi.unit.spec.ts` walks every route Express serves and fails when one is missing from the document, lacks
 * these decorators, or reads a body or query string without a schema.
 */
export const OPENAPI_PATHS = { ui: 'docs', json: 'docs-json', yaml: 'docs-yaml' } as const;

const version = (): string => (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** OpenAPI 3.0 path items have no `search` method; Nest's explorer lists it for `@All` routes. */
const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Keeps only OpenAPI 3.0 methods and makes operation ids unique (an `@All` route over several paths repeats its id). */
const tidy = (document: OpenAPIObject): OpenAPIObject => {
  const seen = new Map<string, number>();
  for (const item of Object.values(document.paths)) {
    for (const method of Object.keys(item)) {
      if (!OPENAPI_METHODS.has(method) && method !== 'parameters' && method !== 'summary' && method !== 'description' && method !== 'servers') {
        delete (item as Record<string, unknown>)[method];
        continue;
      }
      const operation = (item as Record<string, { operationId?: string }>)[method];
      if (!operation?.operationId) continue;
      const count = seen.get(operation.operationId) ?? 0;
      seen.set(operation.operationId, count + 1);
      if (count > 0) operation.operationId = `${operation.operationId}_${count + 1}`;
    }
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...errorBodyComponents() } };
  return document;
};

export const openApiDocument = (app: INestApplication): OpenAPIObject => {
  documentHealthProbes();
  const config = new DocumentBuilder()
    .setTitle('Wharf management API')
    .setDescription(
      'The control plane of Wharf in three dialects: Huawei SWR (`/`, `/v2/manage`, `/v3/manage`), Selectel Container Registry (`/api/v1`, `/api/v2`) ' +
        'and Keystone/IAM identity (`/v3`, `/v3.0`), plus Wharf\'s own routes (`/v1/events`, health). Each answers errors in its own body. ' +
        'Get a token with `POST /v3/auth/tokens` (it is in the `X-Subject-Token` header) and send it as `X-Auth-Token`. ' +
        'The OCI registry (`/v2/` on the registry port) follows the OCI Distribution Specification and is not described here.',
    )
    .setVersion(version())
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'A session token from POST /v3/auth/tokens, or a Selectel token' }, 'X-Auth-Token')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The same token as `Authorization: Bearer <token>`' })
    .build();
  return tidy(SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` }));
};

/** Serves the UI and both forms of the document; the document is built once, on first request. */
export const serveOpenApi = (app: INestApplication): void => {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(OPENAPI_PATHS.ui, app, () => (document ??= openApiDocument(app)), {
    jsonDocumentUrl: OPENAPI_PATHS.json,
    yamlDocumentUrl: OPENAPI_PATHS.yaml,
    customSiteTitle: 'Wharf management API',
    swaggerOptions: { persistAuthorization: true },
  });
};

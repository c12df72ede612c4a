import SwaggerParser from '@apidevtools/swagger-parser';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { loadConfig } from '@wharf/platform';
import type { ServiceClient } from '@wharf/transport';
import { METHODS } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway } from '../gateway.app';
import { GatewayModule } from '../gateway.module';
import { OPENAPI_PATHS } from './openapi';

/** Express 5's router: each layer that ends a route has `route` with its path and methods. */
interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** The methods an `@All` route is documented with: every OpenAPI method a client would send it. */
const ALL_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];
const DOCS_ROUTES = new Set(Object.values(OPENAPI_PATHS).map((path) => `/${path}`));

/** Every method and path Express serves for the gateway, in OpenAPI's path syntax (`{param}` for `:param`). */
const servedRoutes = (app: INestApplication): string[] => {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap(({ route }) => {
    if (!route) return [];
    return [route.path].flat().flatMap((path) => {
      if (DOCS_ROUTES.has(path) || path.startsWith('/docs/')) return [];
      const openApiPath = path.replace(/:(\w+)/g, '{$1}');
      const methods = Object.keys(route.methods).filter((method) => route.methods[method]);
      // Express 5 registers an `@All` route under every method Node knows.
      const all = route.methods._all || METHODS.every((method) => route.methods[method.toLowerCase()]);
      return (all ? ALL_METHODS : methods).map((method) => `${method.toUpperCase()} ${openApiPath}`);
    });
  });
};

const documentedRoutes = (document: OpenAPIObject): string[] =>
  Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

/** Where `@nestjs/swagger` keeps a handler's documented parameters and body. */
const API_PARAMETERS = 'swagger/apiParameters';

/**
 * Handlers that read the body or the query string without a schema: each must go through `@ValidBody` /
 * `@ValidQuery` (a pipe), or be documented with `DocumentedInput` when it picks its input at run time.
 */
const unvalidatedInputs = (): string[] => {
  const controllers = GatewayModule.register({} as ServiceClient, loadConfig({})).controllers ?? [];
  return controllers.flatMap((controller) => {
    const prototype = (controller as { prototype: object }).prototype;
    return Object.getOwnPropertyNames(prototype).flatMap((method) => {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { pipes: unknown[] }>;
      const raw = Object.entries(args).filter(([key, arg]) => [RouteParamtypes.BODY, RouteParamtypes.QUERY].includes(Number(key.split(':')[0])) && arg.pipes.length === 0);
      const documented = ((Reflect.getMetadata(API_PARAMETERS, (prototype as Record<string, object>)[method]!) ?? []) as unknown[]).length > 0;
      return raw.length > 0 && !documented ? [`${(controller as { name: string }).name}.${method}`] : [];
    });
  });
};

describe('the OpenAPI document', () => {
  let app: INestApplication;
  let baseUrl: string;
  let document: OpenAPIObject;

  beforeAll(async () => {
    // The document is built from the routes alone: no request reaches a service here.
    const services = {} as ServiceClient;
    app = await createGateway(loadConfig({ WHARF_LOG_LEVEL: 'error' }), services);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    document = (await (await fetch(`${baseUrl}/${OPENAPI_PATHS.json}`)).json()) as OpenAPIObject;
  });

  afterAll(async () => {
    await app.close();
  });

  it('documents every route the gateway serves, by method and path', () => {
    const served = servedRoutes(app);
    expect(served.length).toBeGreaterThan(50);
    const documented = new Set(documentedRoutes(document));
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
  });

  it('documents no route the gateway does not serve', () => {
    const served = new Set(servedRoutes(app));
    expect(documentedRoutes(document).filter((route) => !served.has(route))).toEqual([]);
  });

  it('describes each operation: its tag, a successful answer and the error body of its dialect', () => {
    const undescribed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { tags?: string[]; responses: Record<string, { description?: string }> }>)
        .filter(([, operation]) => {
          const success = Object.entries(operation.responses).find(([status]) => /^2/.test(status));
          const described = (operation.tags?.length ?? 0) > 0 && (success?.[1].description || operation.responses['501']) && (operation.responses.default || path === '/livez' || path === '/readyz');
          return !described;
        })
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(undescribed).toEqual([]);
  });

  it('comes from the schemas that validate the input: no handler reads a body or query string it does not declare', () => {
    expect(unvalidatedInputs()).toEqual([]);
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });
});

import { existsSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { parse } from 'yaml';
import { adminToken, http } from './http';
import { WharfProcesses } from './wharf-processes';

/** What the test reads of Swagger UI's state (`window.ui`). */
interface SwaggerUi {
  specSelectors: { operations(): { size: number }; taggedOperations(): { size: number } };
  errSelectors: { allErrors(): { toJS(): unknown[] } };
}

interface Operation {
  tags?: string[];
  requestBody?: { required?: boolean; content: Record<string, { schema: { type?: string; required?: string[] } }> };
}
interface Document {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
}

const CHROMIUM = '/usr/bin/chromium';
const REGISTRY_ID = '5d8504c1-bb11-43d2-88a8-bb07303422b3';

/** A value for each path parameter that passes its own validation, so a request reaches the body's. */
const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' && path.startsWith('/api/') ? REGISTRY_ID : name === 'accessDomain' ? 'partner' : 'docs'));

/** The error body of the dialect that owns a path (as the gateway's DialectErrorFilter picks it). */
const dialectError = (path: string, body: unknown): boolean => {
  if (/^\/v3(\.0)?\//.test(path) && !path.startsWith('/v3/manage/')) return (body as { error?: { code?: number } }).error?.code === 400;
  if (path.startsWith('/api/')) return typeof (body as { error?: unknown }).error === 'string';
  return Array.isArray(body) && /^SVCSTG\.SWR\.400/.test((body as Array<{ errorCode: string }>)[0]?.errorCode ?? '');
};

/**
 * The management API's OpenAPI document as a user gets it: `/docs-json` and `/docs-yaml` without a token, the
 * Swagger UI at `/docs` with its assets, rendered by a real browser; and what the document says a request needs
 * is what the running gateway refuses without it.
 */
describe('OpenAPI documents (embedded)', () => {
  let wharf: WharfProcesses;
  let document: Document;

  beforeAll(async () => {
    wharf = await WharfProcesses.start('embedded');
    const json = await http<Document>(`${wharf.apiUrl}/docs-json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    document = json.body;
  }, 120000);
  afterAll(async () => {
    await wharf?.stop();
  });

  it('serves the document as JSON and as the same YAML, without a token', async () => {
    expect(document.openapi).toMatch(/^3\.0\./);
    expect(document.info.title).toBe('Wharf management API');
    for (const path of ['/v2/manage/namespaces', '/v3/manage/repos', '/api/v1/registries/{id}/repositories', '/api/v2/tokens', '/v3/auth/tokens', '/v3/users', '/v1/events', '/readyz']) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    const yaml = await http(`${wharf.apiUrl}/docs-yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    expect(parse(yaml.text)).toEqual(document);
  });

  it('refuses, in the route dialect, a request without the body fields the document requires', async () => {
    const session = await adminToken(wharf.apiUrl);
    const checked: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const schema = operation.requestBody?.required ? operation.requestBody.content['application/json']?.schema : undefined;
        if (!schema || !(schema.type === 'array' || (schema.required?.length ?? 0) > 0)) continue;
        const answer = await http(`${wharf.apiUrl}${fill(path)}`, { method: method.toUpperCase(), headers: { 'X-Auth-Token': session }, json: {} });
        expect([method, path, answer.status, dialectError(path, answer.body)]).toEqual([method, path, 400, true]);
        checked.push(`${method} ${path}`);
      }
    }
    // Every dialect has such routes: SWR permissions and organizations, Selectel tokens, Keystone users.
    expect(checked).toEqual(expect.arrayContaining(['post /v2/manage/namespaces', 'post /v2/manage/namespaces/{namespace}/access', 'post /api/v2/tokens', 'post /v3/users']));
  });

  it('serves the Swagger UI page and every asset it loads', async () => {
    const page = await http(`${wharf.apiUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => new URL(url!, `${wharf.apiUrl}/docs`).href);
    expect(assets.map((url) => url.replace(/^.*\//, ''))).toEqual(expect.arrayContaining(['swagger-ui-bundle.js', 'swagger-ui-init.js', 'swagger-ui.css']));
    for (const url of assets) expect([url, (await http(url)).status]).toEqual([url, 200]);
  });

  const browserTest = existsSync(CHROMIUM) ? it : it.skip;
  if (!existsSync(CHROMIUM)) console.log(`Skipping the browser check of /docs: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`);

  browserTest(
    'renders every operation in a headless browser',
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      try {
        const tab = await browser.newPage();
        const failures: string[] = [];
        tab.on('pageerror', (error) => failures.push(error.message));
        tab.on('requestfailed', (request) => failures.push(`${request.url()}: ${request.failure()?.errorText}`));
        await tab.goto(`${wharf.apiUrl}/docs`);
        await tab.waitForSelector('.opblock', { timeout: 30000 });
        expect(await tab.locator('.info .title').innerText()).toContain('Wharf management API');
        // The page draws only what is in view; the UI's own state says what it read from the document.
        const shown = await tab.evaluate(() => {
          const ui = (globalThis as unknown as { ui: SwaggerUi }).ui;
          return { operations: ui.specSelectors.operations().size, tags: ui.specSelectors.taggedOperations().size, errors: ui.errSelectors.allErrors().toJS() };
        });
        const operations = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).length, 0);
        const tags = new Set(Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((operation) => operation.tags ?? [])));
        expect(shown).toEqual({ operations, tags: tags.size, errors: [] });
        // WHARF_DOCS_SCREENSHOT=<file.png> keeps a picture of the page for a person to look at.
        if (process.env.WHARF_DOCS_SCREENSHOT) writeFileSync(process.env.WHARF_DOCS_SCREENSHOT, await tab.screenshot({ fullPage: false }));
        expect(failures).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    90000,
  );
});

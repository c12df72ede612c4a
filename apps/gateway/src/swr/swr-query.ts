import { z } from 'zod';
import { documentedAs } from '../openapi/json-schema';
import { swrRule } from './swr-errors';
import { parseSwrFilter } from './swr-filter';

const INVALID = 'SVCSTG.SWR.4000014';
const LOST = 'SVCSTG.SWR.4001036';

/** A query parameter given once (Express makes a repeated one an array): else 4000014 naming it (see `swrInvalid`). */
export const once = z.string({ invalid_type_error: 'must be given once' });

/** A non-negative integer parameter within bounds (SWR sends numbers as strings). */
export const swrInteger = (name: string, min: number, max: number) =>
  documentedAs(
    once
      .refine(
        (value) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max,
        (value) => swrRule(INVALID, `Invalid API parameters: ${name} must be an integer from ${min} to ${max}`, `${name}=${value}`),
      )
      .transform(Number),
    { type: 'integer', minimum: min, maximum: max },
  );

/** One of a few words, e.g. `order_type` (asc or desc). */
export const swrChoice = <V extends string>(name: string, values: readonly [V, ...V[]], wording = `one of ${values.join(', ')}`) =>
  documentedAs(
    once.refine(
      (value): value is V => (values as readonly string[]).includes(value),
      (value) => swrRule(INVALID, `Invalid API parameters: ${name} must be ${wording}`, value),
    ) as unknown as z.ZodType<V, z.ZodTypeDef, string>,
    { type: 'string', enum: [...values] },
  );

/** SWR's booleans arrive as JSON booleans or as the strings `true`/`false`; anything else is 4001009. */
export const swrBool = (name: string) =>
  documentedAs(
    z
      .custom<boolean | 'true' | 'false'>((value) => value === true || value === false || value === 'true' || value === 'false', swrRule('SVCSTG.SWR.4001009', `${name} must be set to true or false.`))
      .transform((value) => value === true || value === 'true'),
    { type: 'boolean' },
  );

/** A boolean query parameter: given once, then `true` or `false` (4001009 otherwise). */
export const swrQueryBool = (name: string) => documentedAs(once.pipe(swrBool(name)), { type: 'boolean' });

/** `self` lists what the caller's account shares out (`outgoing`), `thirdparty` what is shared with it (`incoming`). */
export const swrSharedSide = (name: string) => swrChoice(name, ['self', 'thirdparty'], 'self or thirdparty').transform((side) => (side === 'self' ? ('outgoing' as const) : ('incoming' as const)));

/** The same, where the parameter is required: its absence is 4001036. */
export const requiredSwrSharedSide = (name: string) =>
  documentedAs(
    z.custom<unknown>((value) => value !== undefined, swrRule(LOST, `Parameters are lost: ${name} is required`)).pipe(swrSharedSide(name)),
    { type: 'string', enum: ['self', 'thirdparty'] },
  );

/**
 * The first steps of every SWR list query, in SWR's order: a parameter given twice is refused; `filter=key::value|…`
 * (checked against `keys`) replaces the plain parameters; then each of `pairs` must be given together. Answers the
 * values to check next, with `filter` kept, or z.NEVER after a fatal issue.
 */
const mergedQuery = (raw: unknown, context: z.RefinementCtx, keys: readonly string[], pairs: readonly (readonly [string, string])[]): unknown => {
  const query = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const repeated = Object.keys(query).find((key) => typeof query[key] !== 'string');
  if (repeated !== undefined) {
    context.addIssue({ code: 'custom', path: [repeated], message: 'must be given once', fatal: true });
    return z.NEVER;
  }
  const plain = query as Record<string, string>;
  const values = plain.filter !== undefined ? Object.fromEntries(parseSwrFilter(plain.filter, keys)) : Object.fromEntries(keys.filter((key) => plain[key] !== undefined).map((key) => [key, plain[key]]));
  for (const [a, b] of pairs) {
    if ((values[a] === undefined) !== (values[b] === undefined)) {
      context.addIssue({ code: 'custom', fatal: true, ...swrRule(LOST, `Parameters are lost: ${a} and ${b} must be used together`) });
      return z.NEVER;
    }
  }
  return { ...values, ...(plain.filter !== undefined ? { filter: plain.filter } : {}) };
};

const PAGING = ['offset', 'limit', 'order_column', 'order_type'];

/**
 * The query of SWR's v2 lists: paging (`offset` and `limit` together), sorting (`order_column` and `order_type`
 * together) and the route's own `fields`. `filter=key::value|…` replaces the plain parameters (which are then
 * ignored); its text fields match fuzzily (`fuzzy`). The rules apply in SWR's order: parameters given twice, the
 * filter's syntax, the pairs, then each parameter.
 */
export const swrListQuery = <F extends z.ZodRawShape>(orderColumns: readonly [string, ...string[]], fields: F) => {
  const keys = [...PAGING, ...Object.keys(fields)];
  const merge = (raw: unknown, context: z.RefinementCtx): unknown =>
    mergedQuery(raw, context, keys, [
      ['offset', 'limit'],
      ['order_column', 'order_type'],
    ]);
  return z
    .preprocess(
      merge,
      z.object({
        filter: z.string().optional().describe(`key::value pairs joined by |, over the other parameters: ${keys.join(', ')}; text values then match as substrings`),
        order_column: swrChoice('order_column', orderColumns).optional().describe('With order_type'),
        order_type: swrChoice('order_type', ['asc', 'desc'], 'asc or desc').optional().describe('With order_column; desc by default'),
        offset: swrInteger('offset', 0, Number.MAX_SAFE_INTEGER).optional().describe('With limit: the answer then has Content-Range'),
        limit: swrInteger('limit', 1, 1000).optional().describe('With offset; 100 by default'),
        ...fields,
      }),
    )
    .transform(({ filter, order_column, order_type, offset, limit, ...rest }) => ({
      ...(rest as z.output<z.ZodObject<F>>),
      fuzzy: filter !== undefined,
      offset: offset ?? 0,
      limit: limit ?? 100,
      paged: offset !== undefined,
      ...(order_column !== undefined ? { orderColumn: order_column } : {}),
      orderType: order_type ?? ('desc' as const),
    }));
};

/** `Content-Range: {offset}-{count on this page}/{total}`, as SWR sends with paged answers. */
export const contentRange = (offset: number, count: number, total: number): string => `${offset}-${count}/${total}`;

/** SWR writes `/` in repository names as `$` in paths. */
export const repositoryFromPath = (segment: string): string => segment.replace(/\$/g, '/');

/**
 * Paging alone, for SWR lists with one order (retention histories): `offset` and `limit` together, as plain
 * parameters or in `filter=offset::…|limit::…`, which then wins.
 */
export const swrPagingQuery = z
  .preprocess(
    (raw, context) => mergedQuery(raw, context, ['offset', 'limit'], [['offset', 'limit']]),
    z.object({
      filter: z.string().optional().describe('offset::{n}|limit::{n}, over the plain parameters'),
      offset: swrInteger('offset', 0, Number.MAX_SAFE_INTEGER).optional().describe('With limit'),
      limit: swrInteger('limit', 1, 1000).optional().describe('With offset; 100 by default'),
    }),
  )
  .transform(({ offset, limit }) => ({ offset: offset ?? 0, limit: limit ?? 100 }));

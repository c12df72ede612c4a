import { parseSwrFilter } from './swr-filter';
import { SwrInputError } from './swr-errors';

/**
 * The paging, sorting and filtering parameters SWR's v2 list APIs share. Numbers arrive as strings;
 * `offset`/`limit` and `order_column`/`order_type` go in pairs; `filter=key::value|…` wins over the plain
 * parameters, and in it `name` and `namespace` match fuzzily.
 */
export interface SwrListQuery {
  values: Map<string, string>;
  /** Keys that came from `filter` (fuzzy matching applies to those). */
  fromFilter: boolean;
  offset: number;
  limit: number;
  paged: boolean;
  orderColumn?: string;
  orderType: 'asc' | 'desc';
}

/** A non-negative integer parameter within bounds (SWR sends numbers as strings). */
export const integer = (name: string, value: string, min: number, max: number): number => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new SwrInputError('SVCSTG.SWR.4000014', `Invalid API parameters: ${name} must be an integer from ${min} to ${max}`, `${name}=${value}`);
  }
  return Number(value);
};

export const parseSwrListQuery = (query: Record<string, unknown>, keys: readonly string[], orderColumns: readonly string[]): SwrListQuery => {
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters', `${key} must be given once`);
  }
  const plain = query as Record<string, string | undefined>;
  const fromFilter = plain.filter !== undefined;
  const values = fromFilter ? parseSwrFilter(plain.filter!, keys) : new Map(keys.filter((k) => plain[k] !== undefined).map((k) => [k, plain[k]!]));
  const offset = values.get('offset');
  const limit = values.get('limit');
  if ((offset === undefined) !== (limit === undefined)) {
    throw new SwrInputError('SVCSTG.SWR.4001036', 'Parameters are lost: offset and limit must be used together');
  }
  const orderColumn = values.get('order_column');
  const orderType = values.get('order_type');
  if ((orderColumn === undefined) !== (orderType === undefined)) {
    throw new SwrInputError('SVCSTG.SWR.4001036', 'Parameters are lost: order_column and order_type must be used together');
  }
  if (orderColumn !== undefined && !orderColumns.includes(orderColumn)) {
    throw new SwrInputError('SVCSTG.SWR.4000014', `Invalid API parameters: order_column must be one of ${orderColumns.join(', ')}`, orderColumn);
  }
  if (orderType !== undefined && orderType !== 'asc' && orderType !== 'desc') {
    throw new SwrInputError('SVCSTG.SWR.4000014', 'Invalid API parameters: order_type must be asc or desc', orderType);
  }
  return {
    values,
    fromFilter,
    offset: offset === undefined ? 0 : integer('offset', offset, 0, Number.MAX_SAFE_INTEGER),
    limit: limit === undefined ? 100 : integer('limit', limit, 1, 1000),
    paged: offset !== undefined,
    ...(orderColumn !== undefined ? { orderColumn } : {}),
    orderType: orderType === 'asc' ? 'asc' : 'desc',
  };
};

/** `Content-Range: {offset}-{count on this page}/{total}`, as SWR sends with paged answers. */
export const contentRange = (offset: number, count: number, total: number): string => `${offset}-${count}/${total}`;

/** SWR writes `/` in repository names as `$` in paths. */
export const repositoryFromPath = (segment: string): string => segment.replace(/\$/g, '/');

/** SWR's booleans arrive as JSON booleans or as the strings `true`/`false`. */
export const bool = (name: string, value: unknown): boolean => {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SwrInputError('SVCSTG.SWR.4001009', `${name} must be set to true or false.`);
};

/** `self` lists what the caller's account shares out, `thirdparty` what is shared with it. */
export const sharedSide = (name: string, value: string | undefined): 'outgoing' | 'incoming' => {
  if (value === undefined) throw new SwrInputError('SVCSTG.SWR.4001036', `Parameters are lost: ${name} is required`);
  if (value === 'self') return 'outgoing';
  if (value === 'thirdparty') return 'incoming';
  throw new SwrInputError('SVCSTG.SWR.4000014', `Invalid API parameters: ${name} must be self or thirdparty`, value);
};

import { SelectelInputError } from './selectel-errors';

/**
 * The paging, sorting and search parameters Selectel's list calls share (`limit` default 10, `offset` default 0,
 * `search`, `sort_field`, `sort_type` asc|desc default asc, and `short` for repositories). Values arrive as
 * query strings; anything malformed is a 400 naming the parameter, never a silent default.
 */
export interface SelectelListQuery<F extends string> {
  limit: number;
  offset: number;
  search?: string;
  sortField: F;
  sortType: 'asc' | 'desc';
  short: boolean;
}

export interface SelectelListOptions<F extends string> {
  /** Allowed `sort_field` values; the first is the default. */
  sortFields: readonly [F, ...F[]];
  defaultLimit?: number;
  maxLimit?: number;
  /** Whether `short=true` is accepted (repository lists); with it only the first sort field is allowed. */
  allowShort?: boolean;
}

const bad = (message: string) => new SelectelInputError(400, message);

/** A query parameter given at most once. */
export const queryParam = (query: Record<string, unknown>, name: string): string | undefined => {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw bad(`${name} must be given once`);
  return value;
};

const integer = (name: string, value: string, min: number, max: number): number => {
  if (!/^\d{1,16}$/.test(value) || Number(value) < min || Number(value) > max) throw bad(`${name} must be an integer from ${min} to ${max}`);
  return Number(value);
};

export const booleanParam = (name: string, value: string | undefined): boolean => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw bad(`${name} must be true or false`);
};

export interface SelectelPage {
  /** Absent when the caller gave none (each call has its own default). */
  limit?: number;
  offset: number;
  search?: string;
}

const queryOf = (raw: unknown): Record<string, unknown> => (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;

/** `limit` (1..maxLimit), `offset` and `search`: the parameters of lists that have no sorting (images). */
export const parseSelectelPage = (raw: unknown, maxLimit = 1000): SelectelPage => {
  const query = queryOf(raw);
  const limit = queryParam(query, 'limit');
  const offset = queryParam(query, 'offset');
  const search = queryParam(query, 'search');
  return {
    ...(limit !== undefined ? { limit: integer('limit', limit, 1, maxLimit) } : {}),
    offset: offset === undefined ? 0 : integer('offset', offset, 0, Number.MAX_SAFE_INTEGER),
    ...(search ? { search } : {}),
  };
};

export const parseSelectelList = <F extends string>(raw: unknown, options: SelectelListOptions<F>): SelectelListQuery<F> => {
  const query = queryOf(raw);
  const { limit, offset, search } = parseSelectelPage(query, options.maxLimit);
  const sortField = queryParam(query, 'sort_field');
  const sortType = queryParam(query, 'sort_type');
  const short = options.allowShort ? booleanParam('short', queryParam(query, 'short')) : false;
  if (sortField !== undefined && !(options.sortFields as readonly string[]).includes(sortField)) {
    throw bad(`sort_field must be one of ${options.sortFields.join(', ')}`);
  }
  if (short && sortField !== undefined && sortField !== options.sortFields[0]) throw bad(`with short=true, sort_field can only be ${options.sortFields[0]}`);
  if (sortType !== undefined && sortType !== 'asc' && sortType !== 'desc') throw bad('sort_type must be asc or desc');
  return {
    limit: limit ?? options.defaultLimit ?? 10,
    offset,
    ...(search ? { search } : {}),
    sortField: (sortField as F | undefined) ?? options.sortFields[0],
    sortType: sortType ?? 'asc',
    short,
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A registry id from the path: a UUID, else 400 (an id that cannot exist is a malformed request). */
export const registryIdParam = (value: string): string => {
  if (!UUID.test(value)) throw bad(`Invalid registry id ${JSON.stringify(value)}: it must be a UUID`);
  return value.toLowerCase();
};

/**
 * A repository name from the path. Names contain `/`, which clients send URL-encoded as `%2F` in one segment;
 * Express decodes path parameters, so the value here is the plain name (`tools/app`).
 */
export const repositoryParam = (value: string): string => {
  if (value.length === 0 || value.length > 255) throw bad('The repository name must be 1-255 characters');
  return value;
};

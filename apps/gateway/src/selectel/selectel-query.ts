import { z } from 'zod';
import { documentedAs } from '../openapi/json-schema';

/**
 * The paging, sorting and search parameters Selectel's list calls share (`limit` default 10, `offset` default 0,
 * `search`, `sort_field`, `sort_type` asc|desc default asc, and `short` for repositories), and the path
 * parameters every registry route has. Values arrive as query strings; anything malformed is a 400 naming the
 * parameter (see `selectelInvalid`), never a silent default.
 */

/** A query parameter given at most once (Express makes a repeated one an array). */
export const once = z.string({ invalid_type_error: 'must be given once' });

export const selectelInteger = (name: string, min: number, max: number) =>
  documentedAs(
    once.refine((value) => /^\d{1,16}$/.test(value) && Number(value) >= min && Number(value) <= max, `${name} must be an integer from ${min} to ${max}`).transform(Number),
    { type: 'integer', minimum: min, maximum: max },
  );

/** `true` or `false`; absent is false. */
export const selectelBoolean = (name: string) =>
  documentedAs(
    once.refine((value) => value === 'true' || value === 'false', `${name} must be true or false`).transform((value) => value === 'true'),
    { type: 'boolean' },
  ).default('false');

/** `limit` (1..maxLimit; absent when the caller gave none, as each call has its own default), `offset` and `search`. */
export const selectelPage = (maxLimit = 1000) => ({
  limit: selectelInteger('limit', 1, maxLimit).optional(),
  offset: selectelInteger('offset', 0, Number.MAX_SAFE_INTEGER).default('0'),
  search: once
    .optional()
    .transform((search) => (search === '' ? undefined : search))
    .describe('A part of the name'),
});

/** The parameters of lists that have no sorting (images). */
export const SelectelPageQuery = z.object(selectelPage());

export interface SelectelListOptions<F extends string> {
  /** Allowed `sort_field` values; the first is the default. */
  sortFields: readonly [F, ...F[]];
  defaultLimit?: number;
  /** Whether `short=true` is accepted (repository lists); with it only the first sort field is allowed. */
  allowShort?: boolean;
}

/** A sorted list's query: `limit` (default 10), `offset`, `search`, `sort_field`, `sort_type` and, where allowed, `short`. */
export const selectelListQuery = <F extends string>({ sortFields, defaultLimit = 10, allowShort = false }: SelectelListOptions<F>) =>
  z
    .object({
      ...selectelPage(),
      sort_field: documentedAs(
        once.refine((field): field is F => (sortFields as readonly string[]).includes(field), `sort_field must be one of ${sortFields.join(', ')}`) as unknown as z.ZodType<F, z.ZodTypeDef, string>,
        { type: 'string', enum: [...sortFields] },
      )
        .optional()
        .describe(`${sortFields[0]} by default`),
      sort_type: documentedAs(once.refine((type): type is 'asc' | 'desc' => type === 'asc' || type === 'desc', 'sort_type must be asc or desc') as unknown as z.ZodType<'asc' | 'desc', z.ZodTypeDef, string>, {
        type: 'string',
        enum: ['asc', 'desc'],
      })
        .default('asc'),
      ...(allowShort ? { short: selectelBoolean('short').describe(`Only the names (then sorted by ${sortFields[0]} only)`) } : {}),
    })
    .superRefine(({ short, sort_field }, context) => {
      if (short && sort_field !== undefined && sort_field !== sortFields[0]) context.addIssue({ code: 'custom', message: `with short=true, sort_field can only be ${sortFields[0]}` });
    })
    .transform(({ limit, offset, search, sort_field, sort_type, short }) => ({
      limit: limit ?? defaultLimit,
      offset,
      ...(search ? { search } : {}),
      sortField: sort_field ?? sortFields[0],
      sortType: sort_type,
      short: short === true,
    }));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A registry id from the path: a UUID, else 400 (an id that cannot exist is a malformed request); lowercased. */
export const RegistryId = z
  .string()
  .refine(
    (value) => UUID.test(value),
    (value) => ({ message: `Invalid registry id ${JSON.stringify(value)}: it must be a UUID` }),
  )
  .transform((value) => value.toLowerCase())
  .describe('The registry id (a UUID)');

/**
 * A repository name from the path. Names contain `/`, which clients send URL-encoded as `%2F` in one segment;
 * Express decodes path parameters, so the value here is the plain name (`tools/app`).
 */
export const RepositoryName = z
  .string()
  .refine((value) => value.length > 0 && value.length <= 255, 'The repository name must be 1-255 characters')
  .describe('The repository name, with / written %2F');

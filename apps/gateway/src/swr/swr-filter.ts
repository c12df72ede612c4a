import { DomainError } from '@wharf/contracts';
import { z } from 'zod';

/**
 * SWR's `filter` query parameter: `key::value` pairs joined by `|`, e.g. `namespace::group|mode::visible`.
 * When present it must hold at least one pair and only keys the route knows; it then wins over the plain
 * query parameters of the same names.
 */
export const parseSwrFilter = (filter: string, allowedKeys: readonly string[]): Map<string, string> => {
  const pairs = new Map<string, string>();
  if (filter.trim() === '') throw new DomainError('PLATFORM.INVALID_FILTER', { filter, reason: 'empty filter' });
  for (const part of filter.split('|')) {
    const separator = part.indexOf('::');
    if (separator <= 0) throw new DomainError('PLATFORM.INVALID_FILTER', { filter, reason: `"${part}" is not key::value` });
    const key = part.slice(0, separator);
    const value = part.slice(separator + 2);
    if (!allowedKeys.includes(key)) throw new DomainError('PLATFORM.INVALID_FILTER', { filter, reason: `unknown key "${key}"` });
    if (pairs.has(key)) throw new DomainError('PLATFORM.INVALID_FILTER', { filter, reason: `"${key}" appears twice` });
    pairs.set(key, value);
  }
  return pairs;
};

/**
 * The `filter` parameter as a schema: its pairs, by key. A malformed filter is INVALID_FILTER (4001035), thrown
 * from the parse: zod passes exceptions of a transform through, so the error keeps its own code.
 */
export const swrFilter = (allowedKeys: readonly string[]) =>
  z
    .string()
    .transform((filter) => parseSwrFilter(filter, allowedKeys))
    .describe(`key::value pairs joined by |; keys: ${allowedKeys.join(', ')}`);

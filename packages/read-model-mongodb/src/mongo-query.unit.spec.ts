import { InvalidQueryError } from '@wharf/read-model';
import { checkQuery, containsPattern, escapeRegex, findFilter, prefixPattern, toMongoAfter, toMongoSort } from './mongo-query';

// The patterns use only constructs on which MongoDB's PCRE and JavaScript agree, so RegExp can check them here.
const matches = (pattern: string, text: string): boolean => new RegExp(pattern, 'u').test(text);

describe('MongoDB query building', () => {
  it('escapes every regular-expression metacharacter', () => {
    const nasty = '.*+?^${}()|[]\\/a-z';
    expect(matches(`^${escapeRegex(nasty)}$`, nasty)).toBe(true);
    expect(matches(escapeRegex('a.c'), 'abc')).toBe(false);
  });

  it('matches prefixes case-sensitively and literally', () => {
    expect(matches(prefixPattern('de'), 'delta')).toBe(true);
    expect(matches(prefixPattern('De'), 'delta')).toBe(false);
    expect(matches(prefixPattern('eps%'), 'epsilon%')).toBe(false);
    expect(matches(prefixPattern('a.'), 'ab')).toBe(false);
    expect(matches(prefixPattern('x'), 'ax')).toBe(false);
  });

  it('matches substrings ignoring the case of ASCII letters only', () => {
    expect(matches(containsPattern('MMA_R'), 'Gamma_ray')).toBe(true);
    expect(matches(containsPattern('%'), 'epsilon%')).toBe(true);
    expect(matches(containsPattern('_'), 'alpha')).toBe(false);
    expect(matches(containsPattern('\\d'), 'a\\D')).toBe(true);
    expect(matches(containsPattern('\\d'), '1')).toBe(false);
    expect(matches(containsPattern('é'), 'É')).toBe(false);
  });

  it('leaves tombstones out of every find and ends the sort with _id', () => {
    expect(findFilter({})).toEqual({ _deleted: { $ne: true } });
    expect(toMongoSort([{ field: 'size', direction: 'desc' }])).toEqual({ size: -1, _id: 1 });
    expect(Object.keys(toMongoSort([{ field: 'b', direction: 'asc' }, { field: 'a', direction: 'asc' }]))).toEqual(['b', 'a', '_id']);
  });

  it('builds keyset conditions that put null first ascending and last descending', () => {
    expect(toMongoAfter([{ field: 'size', direction: 'desc' }], { values: [10], id: 'r2' })).toEqual({
      $or: [{ $and: [{ $or: [{ size: { $lt: 10 } }, { size: null }] }] }, { $and: [{ size: 10 }, { _id: { $gt: 'r2' } }] }],
    });
    expect(toMongoAfter([{ field: 'size', direction: 'asc' }], { values: [null], id: 'r5' })).toEqual({
      $or: [{ $and: [{ size: { $ne: null } }] }, { $and: [{ size: null }, { _id: { $gt: 'r5' } }] }],
    });
  });

  it('refuses filters and sorts on the adapter’s own fields', () => {
    expect(() => checkQuery({ where: [{ field: '_position', op: 'gt', value: 1 }] })).toThrow(InvalidQueryError);
    expect(() => checkQuery({ sort: [{ field: '_id', direction: 'asc' }] })).toThrow(InvalidQueryError);
    expect(() => checkQuery({ where: [{ field: '_deleted', op: 'eq', value: true }] })).toThrow(InvalidQueryError);
    expect(() => checkQuery({ where: [{ field: 'id', op: 'eq', value: 'x' }] })).not.toThrow();
  });
});

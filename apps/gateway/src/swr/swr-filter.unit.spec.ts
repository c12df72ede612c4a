import { DomainError } from '@wharf/contracts';
import { parseSwrFilter } from './swr-filter';

describe('SWR filter syntax', () => {
  it('parses key::value pairs joined by |', () => {
    expect([...parseSwrFilter('namespace::group|mode::visible', ['namespace', 'mode'])]).toEqual([
      ['namespace', 'group'],
      ['mode', 'visible'],
    ]);
  });

  it('keeps values that contain the separator characters of other syntaxes', () => {
    expect(parseSwrFilter('namespace::a::b', ['namespace']).get('namespace')).toBe('a::b');
    expect(parseSwrFilter('namespace::', ['namespace']).get('namespace')).toBe('');
  });

  it.each([
    ['', 'empty filter'],
    ['namespace', 'is not key::value'],
    ['::x', 'is not key::value'],
    ['color::red', 'unknown key'],
    ['namespace::a|namespace::b', 'appears twice'],
  ])('refuses %j (%s) with INVALID_FILTER', (filter, reason) => {
    let thrown: unknown;
    try {
      parseSwrFilter(filter, ['namespace', 'mode']);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'PLATFORM.INVALID_FILTER' });
    expect(String((thrown as DomainError).details.reason)).toContain(reason);
  });
});

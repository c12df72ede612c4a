import { conditionProblem, tagMatches } from './trigger-condition';

describe('trigger conditions (SWR trigger_type and condition)', () => {
  it('all: every tag, with the condition ".*"', () => {
    expect(conditionProblem('all', '.*')).toBeNull();
    expect(tagMatches('all', '.*', 'anything')).toBe(true);
  });

  it('tag: the tags named, separated by ";"', () => {
    expect(conditionProblem('tag', 'v1; latest;')).toBeNull();
    expect(['v1', 'latest', 'v2', 'v'].map((tag) => tagMatches('tag', 'v1; latest;', tag))).toEqual([true, true, false, false]);
  });

  it('regular: an RE2 expression found in the tag (anchor it for whole tags), in linear time', () => {
    expect(conditionProblem('regular', '^v[0-9]+\\.[0-9]+$')).toBeNull();
    expect(['v1.2', 'v1.2-rc', 'xv1.2'].map((tag) => tagMatches('regular', '^v[0-9]+\\.[0-9]+$', tag))).toEqual([true, false, false]);
    expect(tagMatches('regular', 'rc', 'v1.2-rc1')).toBe(true);
    // A pattern that backtracks exponentially on a backtracking engine (this test would never end) answers on RE2.
    expect(tagMatches('regular', '(a+)+$', `${'a'.repeat(120)}!`)).toBe(false);
  });
});

import { pageOf, sortRegistries } from './registry-ordering';

const registry = (name: string, createdAt: string, size: number) => ({ name, createdAt, size });
const all = [
  registry('beta', '2026-01-02T00:00:00.000Z', 300),
  registry('alpha', '2026-01-03T00:00:00.000Z', 100),
  registry('gamma', '2026-01-01T00:00:00.000Z', 300),
  registry('delta', '2026-01-03T00:00:00.000Z', 0),
];
const names = (items: { name: string }[]) => items.map((item) => item.name);
const size = (item: { size: number }) => item.size;

describe('registry ordering', () => {
  it('sorts by name either way', () => {
    expect(names(sortRegistries(all, 'name', 'asc', size))).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(names(sortRegistries(all, 'name', 'desc', size))).toEqual(['gamma', 'delta', 'beta', 'alpha']);
  });

  it('sorts by creation time, ties broken by name in the same direction', () => {
    expect(names(sortRegistries(all, 'createdAt', 'asc', size))).toEqual(['gamma', 'beta', 'alpha', 'delta']);
    expect(names(sortRegistries(all, 'createdAt', 'desc', size))).toEqual(['delta', 'alpha', 'beta', 'gamma']);
  });

  it('sorts by size as the caller computes it', () => {
    expect(names(sortRegistries(all, 'size', 'asc', size))).toEqual(['delta', 'alpha', 'beta', 'gamma']);
    expect(names(sortRegistries(all, 'size', 'desc', size))).toEqual(['gamma', 'beta', 'alpha', 'delta']);
  });

  it('leaves its input alone', () => {
    sortRegistries(all, 'name', 'asc', size);
    expect(names(all)).toEqual(['beta', 'alpha', 'gamma', 'delta']);
  });

  it('pages by offset and limit, with empty pages past the end', () => {
    const sorted = sortRegistries(all, 'name', 'asc', size);
    expect(names(pageOf(sorted, 0, 2))).toEqual(['alpha', 'beta']);
    expect(names(pageOf(sorted, 3, 2))).toEqual(['gamma']);
    expect(pageOf(sorted, 4, 2)).toEqual([]);
    expect(pageOf(sorted, 100, 10)).toEqual([]);
  });
});

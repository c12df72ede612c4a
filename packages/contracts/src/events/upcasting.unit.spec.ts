import { upcast, UnknownEventVersionError, type VersionedCatalog } from './upcasting';

/** A catalog in which `tag.moved` went through two breaking changes. */
const catalog: VersionedCatalog<'tag.moved' | 'tag.deleted'> = {
  versions: { 'tag.moved': 3, 'tag.deleted': 1 },
  upcasters: {
    'tag.moved': {
      1: ({ previous, ...rest }) => ({ ...rest, previousDigest: previous }),
      2: ({ tag, ...rest }) => ({ ...rest, tags: [tag] }),
    },
  },
};

describe('upcasting public events', () => {
  it('raises an old version through every step to the current one', () => {
    expect(upcast(catalog, { name: 'tag.moved', version: 1, data: { tag: 'v1', previous: 'sha256:a' } })).toEqual({
      name: 'tag.moved',
      version: 3,
      data: { tags: ['v1'], previousDigest: 'sha256:a' },
    });
    expect(upcast(catalog, { name: 'tag.moved', version: 2, data: { tag: 'v1', previousDigest: 'sha256:a' } })).toEqual({
      name: 'tag.moved',
      version: 3,
      data: { tags: ['v1'], previousDigest: 'sha256:a' },
    });
  });

  it('leaves the current version as it is', () => {
    expect(upcast(catalog, { name: 'tag.deleted', version: 1, data: { tag: 'v1' } })).toEqual({ name: 'tag.deleted', version: 1, data: { tag: 'v1' } });
  });

  it('refuses versions it has no way to raise, newer ones included', () => {
    const broken: VersionedCatalog<'tag.moved'> = { versions: { 'tag.moved': 2 }, upcasters: {} };
    expect(() => upcast(broken, { name: 'tag.moved', version: 1, data: {} })).toThrow(UnknownEventVersionError);
    expect(() => upcast(catalog, { name: 'tag.deleted', version: 2, data: {} })).toThrow(UnknownEventVersionError);
    expect(() => upcast(catalog, { name: 'tag.deleted', version: 0, data: {} })).toThrow(UnknownEventVersionError);
  });
});

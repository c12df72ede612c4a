import { z } from 'zod';
import { parseInput } from '../validation';
import { SelectelInputError, selectelInvalid } from './selectel-errors';
import { RegistryId, RepositoryName, selectelListQuery, SelectelPageQuery, selectelInteger, type SelectelListOptions } from './selectel-query';

const registries = { sortFields: ['name', 'createdAt', 'size'] as const };
const repositories = { sortFields: ['name', 'updatedAt', 'size'] as const, allowShort: true };

const invalid = selectelInvalid();
const parseSelectelList = <F extends string>(query: unknown, options: SelectelListOptions<F>) => parseInput(selectelListQuery(options), query, invalid);
const parseSelectelPage = (query: unknown) => parseInput(SelectelPageQuery, query, invalid);
const registryIdParam = (value: string) => parseInput(RegistryId, value, invalid);
const repositoryParam = (value: string) => parseInput(RepositoryName, value, invalid);

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SelectelInputError);
    expect((error as SelectelInputError).status).toBe(400);
    return (error as Error).message;
  }
  throw new Error('expected a 400');
};

describe('Selectel list parameters', () => {
  it("defaults to Selectel's: 10 per page from 0, sorted by the first field ascending, not short", () => {
    expect(parseSelectelList({}, registries)).toEqual({ limit: 10, offset: 0, sortField: 'name', sortType: 'asc', short: false });
  });

  it('reads every parameter from its query string', () => {
    expect(parseSelectelList({ limit: '25', offset: '50', search: 'app', sort_field: 'size', sort_type: 'desc' }, registries)).toEqual({
      limit: 25,
      offset: 50,
      search: 'app',
      sortField: 'size',
      sortType: 'desc',
      short: false,
    });
  });

  it('treats an empty search as no search', () => {
    expect(parseSelectelList({ search: '' }, registries)).not.toHaveProperty('search');
  });

  it.each([
    [{ limit: '0' }, /limit must be an integer from 1 to 1000/],
    [{ limit: '1001' }, /limit/],
    [{ limit: '-1' }, /limit/],
    [{ limit: 'ten' }, /limit/],
    [{ limit: '1.5' }, /limit/],
    [{ limit: '' }, /limit/],
    [{ offset: '-1' }, /offset must be an integer/],
    [{ offset: '1e3' }, /offset/],
    [{ offset: '99999999999999999' }, /offset/],
    [{ sort_field: 'updatedAt' }, /sort_field must be one of name, createdAt, size/],
    [{ sort_type: 'up' }, /sort_type must be asc or desc/],
    [{ limit: ['1', '2'] }, /limit must be given once/],
    [{ search: { nested: 'x' } }, /search must be given once/],
  ])('refuses %j', (query, message) => {
    expect(refusal(() => parseSelectelList(query, registries))).toMatch(message);
  });

  it('accepts the limit bounds', () => {
    expect(parseSelectelList({ limit: '1' }, registries).limit).toBe(1);
    expect(parseSelectelList({ limit: '1000' }, registries).limit).toBe(1000);
    const upToFive = z.object({ limit: selectelInteger('limit', 1, 5) });
    expect(parseInput(upToFive, { limit: '5' }, invalid).limit).toBe(5);
    expect(refusal(() => parseInput(upToFive, { limit: '6' }, invalid))).toMatch(/from 1 to 5/);
  });

  it('takes short=true only where allowed, and then sorting only by name', () => {
    expect(parseSelectelList({ short: 'true' }, repositories)).toMatchObject({ short: true, sortField: 'name' });
    expect(parseSelectelList({ short: 'true', sort_field: 'name', sort_type: 'desc' }, repositories)).toMatchObject({ short: true, sortType: 'desc' });
    expect(parseSelectelList({ short: 'false', sort_field: 'size' }, repositories)).toMatchObject({ short: false, sortField: 'size' });
    expect(refusal(() => parseSelectelList({ short: 'true', sort_field: 'updatedAt' }, repositories))).toMatch(/short=true, sort_field can only be name/);
    expect(refusal(() => parseSelectelList({ short: 'yes' }, repositories))).toMatch(/short must be true or false/);
    expect(parseSelectelList({ short: 'true' }, registries).short).toBe(false);
  });
});

describe('Selectel page parameters (lists without sorting)', () => {
  it('leaves the limit to the caller when none is given', () => {
    expect(parseSelectelPage({})).toEqual({ offset: 0 });
    expect(parseSelectelPage({ limit: '3', offset: '6', search: 'v1' })).toEqual({ limit: 3, offset: 6, search: 'v1' });
  });

  it('refuses malformed limits and offsets, and ignores sorting parameters it does not have', () => {
    expect(refusal(() => parseSelectelPage({ limit: '0' }))).toMatch(/limit/);
    expect(refusal(() => parseSelectelPage({ offset: 'x' }))).toMatch(/offset/);
    expect(parseSelectelPage({ sort_field: 'anything' })).toEqual({ offset: 0 });
  });
});

describe('Selectel path parameters', () => {
  it('takes registry ids that are UUIDs, in lowercase', () => {
    expect(registryIdParam('5D8504C1-BB11-43D2-88A8-BB07303422B3')).toBe('5d8504c1-bb11-43d2-88a8-bb07303422b3');
    for (const bad of ['registry', '5d8504c1bb1143d288a8bb07303422b3', '5d8504c1-bb11-43d2-88a8-bb07303422b3x', "1' OR 1=1"]) {
      expect(refusal(() => registryIdParam(bad))).toMatch(/must be a UUID/);
    }
  });

  it('takes repository names with slashes (decoded from %2F) up to 255 characters', () => {
    expect(repositoryParam('tools/app')).toBe('tools/app');
    expect(repositoryParam('a'.repeat(255))).toHaveLength(255);
    expect(refusal(() => repositoryParam(''))).toMatch(/1-255/);
    expect(refusal(() => repositoryParam('a'.repeat(256)))).toMatch(/1-255/);
  });
});

import type { Principal } from '@wharf/contracts/identity';
import { actionsOf, effectiveAuth } from './repository-access';

const owner = { accountId: 'acc-1', creatorId: 'u-creator' };
const principal = (overrides: Partial<Principal>): Principal => ({
  accountId: 'acc-1',
  accountName: 'acme',
  userId: 'u-other',
  userName: 'other',
  accountAdmin: false,
  systemAdmin: false,
  ...overrides,
});

describe('effective permission level', () => {
  it('gives the account administrator and the organization creator manage (7)', () => {
    expect(effectiveAuth(principal({ accountAdmin: true }), owner)).toBe(7);
    expect(effectiveAuth(principal({ userId: 'u-creator' }), owner)).toBe(7);
  });

  it('gives other users of the account the highest level granted on the organization or the repository', () => {
    expect(effectiveAuth(principal({}), owner)).toBeNull();
    expect(effectiveAuth(principal({}), owner, { namespace: 1 })).toBe(1);
    expect(effectiveAuth(principal({}), owner, { namespace: 1, repository: 3 })).toBe(3);
    expect(effectiveAuth(principal({}), owner, { namespace: 7, repository: 1 })).toBe(7);
  });

  it('gives nothing to other accounts (administrators included), anonymous callers, or on a missing organization', () => {
    expect(effectiveAuth(principal({ accountId: 'acc-2', accountAdmin: true }), owner, { namespace: 7 })).toBeNull();
    expect(effectiveAuth(null, owner)).toBeNull();
    expect(effectiveAuth(principal({ accountAdmin: true }), null)).toBeNull();
  });

  it('maps levels to registry actions: 7 pull push delete, 3 pull push, 1 pull', () => {
    expect(actionsOf(7)).toEqual(['pull', 'push', 'delete']);
    expect(actionsOf(3)).toEqual(['pull', 'push']);
    expect(actionsOf(1)).toEqual(['pull']);
    expect(actionsOf(null)).toEqual([]);
  });
});

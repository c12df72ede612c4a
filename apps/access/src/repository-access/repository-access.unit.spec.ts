import type { Principal } from '@wharf/contracts/identity';
import { allowedActions } from './repository-access';

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

describe('repository access', () => {
  it('gives the account administrator and the namespace creator pull, push and delete', () => {
    expect(allowedActions(principal({ accountAdmin: true }), owner)).toEqual(['pull', 'push', 'delete']);
    expect(allowedActions(principal({ userId: 'u-creator' }), owner)).toEqual(['pull', 'push', 'delete']);
  });

  it('gives nothing to other users, other accounts (even their administrators) and anonymous callers', () => {
    expect(allowedActions(principal({}), owner)).toEqual([]);
    expect(allowedActions(principal({ accountId: 'acc-2', accountAdmin: true }), owner)).toEqual([]);
    expect(allowedActions(principal({ accountId: 'acc-2', systemAdmin: true, accountAdmin: true }), owner)).toEqual([]);
    expect(allowedActions(null, owner)).toEqual([]);
  });

  it('gives nothing on a namespace that does not exist', () => {
    expect(allowedActions(principal({ accountAdmin: true }), null)).toEqual([]);
  });
});

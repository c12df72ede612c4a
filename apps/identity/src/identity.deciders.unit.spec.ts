import { DeciderSpecification } from '@wharf/event-store/testing';
import { accountDecider } from './accounts/account.decider';
import { sessionTokenDecider } from './sessions/session-token.decider';
import { userDecider, userStreamOf } from './users/user.decider';

const now = '2026-11-23T10:00:00.000Z';
const metadata = { now };

describe('account decider', () => {
  const spec = DeciderSpecification.for(accountDecider);
  const create = (name: string) => ({ type: 'CreateAccount' as const, data: { accountId: 'a-1', name, system: false }, metadata });

  it('creates an account', () => {
    spec.given([]).when(create('acme')).then([{ type: 'AccountCreated', data: { accountId: 'a-1', name: 'acme', system: false, createdAt: now } }]);
  });

  it('refuses a taken name and an invalid one', () => {
    spec
      .given([{ type: 'AccountCreated', data: { accountId: 'a-0', name: 'acme', system: false, createdAt: now } }])
      .when(create('acme'))
      .thenThrows({ code: 'IDENTITY.ACCOUNT_ALREADY_EXISTS' });
    spec.given([]).when(create('has space')).thenThrows({ code: 'PLATFORM.VALIDATION_FAILED' });
  });
});

describe('user decider', () => {
  const spec = DeciderSpecification.for(userDecider);
  const data = {
    userId: 'u-1',
    name: 'dev',
    accountId: 'a-1',
    accountName: 'acme',
    systemAccount: false,
    accountAdmin: false,
    passwordHash: 'scrypt$…',
  };
  const create = (name: string, nameTakenInAccount = false) => ({ type: 'CreateUser' as const, data: { ...data, name, nameTakenInAccount }, metadata });

  it('creates a user with the command time', () => {
    spec.given([]).when(create('dev')).then([{ type: 'UserCreated', data: { ...data, createdAt: now } }]);
  });

  it('refuses a user name its stream (the account and name) already has, and an invalid one', () => {
    spec.given([{ type: 'UserCreated', data: { ...data, createdAt: now } }]).when(create('dev')).thenThrows({ code: 'IDENTITY.USER_ALREADY_EXISTS' });
    spec.given([]).when(create('9lives')).thenThrows({ code: 'IDENTITY.INVALID_USER_NAME' });
    spec.given([]).when(create('')).thenThrows({ code: 'IDENTITY.INVALID_USER_NAME' });
  });

  it("refuses a name the account's read model already has (a user from before names were per account)", () => {
    spec.given([]).when(create('dev', true)).thenThrows({ code: 'IDENTITY.USER_ALREADY_EXISTS' });
  });

  it('keys new users by account and name, so two accounts each have their own user of one name', () => {
    expect(userStreamOf('a-1', 'admin')).toBe('identity.user-a-1.admin');
    expect(userStreamOf('a-2', 'admin')).not.toBe(userStreamOf('a-1', 'admin'));
  });
});

describe('session token decider', () => {
  const spec = DeciderSpecification.for(sessionTokenDecider);
  const issue = {
    type: 'IssueSessionToken' as const,
    data: { tokenHash: 'h', userId: 'u-1', userName: 'dev', accountId: 'a-1', ttlSeconds: 3600 },
    metadata,
  };

  it('issues a token that expires ttl seconds after the command time', () => {
    spec
      .given([])
      .when(issue)
      .then([
        {
          type: 'SessionTokenIssued',
          data: { tokenHash: 'h', userId: 'u-1', userName: 'dev', accountId: 'a-1', issuedAt: now, expiresAt: '2026-11-23T11:00:00.000Z' },
        },
      ]);
  });

  it('never issues the same token twice', () => {
    spec
      .given([{ type: 'SessionTokenIssued', data: { tokenHash: 'h', userId: 'u-1', userName: 'dev', accountId: 'a-1', issuedAt: now, expiresAt: now } }])
      .when(issue)
      .thenThrows({ code: 'PLATFORM.CONCURRENCY_CONFLICT' });
  });
});

describe('user lifecycle', () => {
  const spec = DeciderSpecification.for(userDecider);
  const created = {
    type: 'UserCreated' as const,
    data: { userId: 'u-1', name: 'dev', accountId: 'a-1', accountName: 'acme', systemAccount: false, accountAdmin: false, passwordHash: 'h', createdAt: now },
  };

  const ended = (extra: { keptSessionId?: string } = {}) => ({ type: 'UserSessionsEnded' as const, data: { userId: 'u-1', name: 'dev', endedAt: now, ...extra } });

  it('disables (ending its sessions), changes the password of (ending its other sessions) and deletes a user', () => {
    spec
      .given([created])
      .when({ type: 'UpdateUser', data: { userId: 'u-1', enabled: false }, metadata })
      .then([{ type: 'UserUpdated', data: { userId: 'u-1', name: 'dev', enabled: false, description: '', updatedAt: now } }, ended()]);
    spec
      .given([created])
      .when({ type: 'ChangePassword', data: { userId: 'u-1', passwordHash: 'h2' }, metadata })
      .then([{ type: 'PasswordChanged', data: { userId: 'u-1', name: 'dev', passwordHash: 'h2', changedAt: now } }, ended()]);
    spec
      .given([created])
      .when({ type: 'ChangePassword', data: { userId: 'u-1', passwordHash: 'h2', keptSessionId: 's-1' }, metadata })
      .then([{ type: 'PasswordChanged', data: { userId: 'u-1', name: 'dev', passwordHash: 'h2', changedAt: now } }, ended({ keptSessionId: 's-1' })]);
    spec
      .given([created])
      .when({ type: 'DeleteUser', data: { userId: 'u-1' }, metadata })
      .then([{ type: 'UserDeleted', data: { userId: 'u-1', name: 'dev', accountId: 'a-1', deletedAt: now } }]);
  });

  it('ends no session when a user is re-enabled, edited, or disabled again', () => {
    const disabled = { type: 'UserUpdated' as const, data: { userId: 'u-1', name: 'dev', enabled: false, description: '', updatedAt: now } };
    spec
      .given([created, disabled, ended()])
      .when({ type: 'UpdateUser', data: { userId: 'u-1', enabled: true }, metadata })
      .then([{ type: 'UserUpdated', data: { userId: 'u-1', name: 'dev', enabled: true, description: '', updatedAt: now } }]);
    spec
      .given([created])
      .when({ type: 'UpdateUser', data: { userId: 'u-1', description: 'ci' }, metadata })
      .then([{ type: 'UserUpdated', data: { userId: 'u-1', name: 'dev', enabled: true, description: 'ci', updatedAt: now } }]);
    spec
      .given([created, disabled, ended()])
      .when({ type: 'UpdateUser', data: { userId: 'u-1', enabled: false }, metadata })
      .then([disabled]);
  });

  it('misses a deleted user, and one whose name now belongs to someone else', () => {
    const deleted = { type: 'UserDeleted' as const, data: { userId: 'u-1', name: 'dev', accountId: 'a-1', deletedAt: now } };
    spec.given([created, deleted]).when({ type: 'DeleteUser', data: { userId: 'u-1' }, metadata }).thenThrows({ code: 'IDENTITY.USER_NOT_FOUND' });
    spec.given([created]).when({ type: 'DeleteUser', data: { userId: 'u-other' }, metadata }).thenThrows({ code: 'IDENTITY.USER_NOT_FOUND' });
  });
});

describe('account deletion', () => {
  const spec = DeciderSpecification.for(accountDecider);
  it('deletes an ordinary account but never the installation account', () => {
    spec
      .given([{ type: 'AccountCreated', data: { accountId: 'a-1', name: 'acme', system: false, createdAt: now } }])
      .when({ type: 'DeleteAccount', data: { accountId: 'a-1' }, metadata })
      .then([{ type: 'AccountDeleted', data: { accountId: 'a-1', name: 'acme', deletedAt: now } }]);
    spec
      .given([{ type: 'AccountCreated', data: { accountId: 'a-0', name: 'admin', system: true, createdAt: now } }])
      .when({ type: 'DeleteAccount', data: { accountId: 'a-0' }, metadata })
      .thenThrows({ code: 'IDENTITY.FORBIDDEN' });
  });
});

import { DeciderSpecification } from '@wharf/event-store/testing';
import { loginFailureDecider } from './login-failure.decider';

const now = '2026-11-23T10:00:00.000Z';

describe('login failure decider', () => {
  const spec = DeciderSpecification.for(loginFailureDecider);

  it('records the failure with the name given, who it names, the address and the time', () => {
    spec
      .given([])
      .when({ type: 'RecordLoginFailure', data: { via: 'registry', login: 'acme/dev', userId: 'u-1', userName: 'dev', accountId: 'a-1', accountName: 'acme', clientAddress: '10.0.0.7' }, metadata: { now } })
      .then([{ type: 'LoginFailed', data: { via: 'registry', login: 'acme/dev', userId: 'u-1', userName: 'dev', accountId: 'a-1', accountName: 'acme', clientAddress: '10.0.0.7', failedAt: now } }]);
  });
});

import type { IncomingMessage } from 'node:http';
import type { RegistryTokenClaims } from '@wharf/registry-token';
import { VerifiedCallers } from './verified-callers';

const claims = (userName?: string) =>
  ({ sub: userName ?? '', ...(userName ? { wharf: { accountId: 'a', accountName: 'team', userId: 'u', userName, accountAdmin: false, systemAdmin: false } } : {}) }) as RegistryTokenClaims;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as IncomingMessage;

describe('the callers of verified registry tokens', () => {
  it('names the caller of a verified token, anonymous for an anonymous one, nobody for any other', () => {
    const callers = new VerifiedCallers();
    callers.remember('t1', claims('dev'));
    callers.remember('t2', claims());
    expect(callers.of(bearer('t1'))).toBe('team/dev');
    expect(callers.of(bearer('t2'))).toBe('anonymous');
    expect(callers.of(bearer('forged'))).toBeUndefined();
    expect(callers.of({ headers: {} } as IncomingMessage)).toBeUndefined();
    expect(callers.of({ headers: { authorization: 'Basic dDE=' } } as IncomingMessage)).toBeUndefined();
  });

  it('keeps the tokens verified most recently when it is full', () => {
    const callers = new VerifiedCallers();
    callers.remember('kept', claims('first'));
    for (let i = 0; i < 999; i++) callers.remember(`t${i}`, claims(`user${i}`));
    callers.remember('kept', claims('first'));
    callers.remember('one more', claims('last'));
    expect(callers.of(bearer('kept'))).toBe('team/first');
    expect(callers.of(bearer('t0'))).toBeUndefined();
    expect(callers.of(bearer('t1'))).toBe('team/user1');
  });
});

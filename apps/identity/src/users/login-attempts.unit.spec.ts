import { DomainError } from '@wharf/contracts';
import { LoginAttempts } from './login-attempts';

describe('login attempts', () => {
  let now = 0;
  const attempts = () => new LoginAttempts({ now: () => new Date(now) });
  const fail = () => Promise.resolve(null);
  const succeed = () => Promise.resolve('user');
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => (error instanceof DomainError ? { code: error.code, details: error.details } : error),
    );

  beforeEach(() => {
    now = 1_000_000;
  });

  it('locks a user out after five failures, with the seconds to wait, and a success before that clears them', async () => {
    const logins = attempts();
    for (let i = 0; i < 4; i += 1) await logins.check({ user: 'u-1' }, fail);
    await expect(logins.check({ user: 'u-1' }, succeed)).resolves.toBe('user');
    for (let i = 0; i < 5; i += 1) await logins.check({ user: 'u-1' }, fail);
    expect(await refusal(logins.check({ user: 'u-1' }, succeed))).toEqual({ code: 'IDENTITY.TOO_MANY_LOGIN_FAILURES', details: { retryAfterSeconds: 1 } });
    await expect(logins.check({ user: 'u-2' }, succeed)).resolves.toBe('user');
    now += 1000;
    await expect(logins.check({ user: 'u-1' }, succeed)).resolves.toBe('user');
  });

  it('counts failures of names nobody has for the address only, and locks the address out across users', async () => {
    const logins = attempts();
    for (let i = 0; i < 20; i += 1) await logins.check({ address: '192.0.2.1' }, fail);
    expect(await refusal(logins.check({ user: 'u-1', address: '192.0.2.1' }, succeed))).toMatchObject({ code: 'IDENTITY.TOO_MANY_LOGIN_FAILURES' });
    await expect(logins.check({ user: 'u-1', address: '192.0.2.2' }, succeed)).resolves.toBe('user');
  });
});

import { createHmac } from 'node:crypto';
import { accessKeyOfLogin, hashLoginPassword, loginPasswordMatches, loginPasswordOf, newAccessKeyId } from './access-key';

describe('SWR long-term login', () => {
  it('derives the password as hex HMAC-SHA256 keyed with the secret over the access key', () => {
    expect(loginPasswordOf('AKEXAMPLE0000000000A', 'secret')).toBe(createHmac('sha256', 'secret').update('AKEXAMPLE0000000000A').digest('hex'));
  });

  it('recognises region@AK user names only', () => {
    const key = newAccessKeyId();
    expect(key).toMatch(/^[A-Z0-9]{20}$/);
    expect(accessKeyOfLogin(`cn-north-1@${key}`)).toBe(key);
    expect(accessKeyOfLogin(key)).toBeUndefined();
    expect(accessKeyOfLogin('admin')).toBeUndefined();
    expect(accessKeyOfLogin(`a@${key}x`)).toBeUndefined();
  });

  it('checks a login password against the stored hash only', () => {
    const stored = hashLoginPassword('abc');
    expect(stored).not.toContain('abc');
    expect(loginPasswordMatches('abc', stored)).toBe(true);
    expect(loginPasswordMatches('abd', stored)).toBe(false);
  });
});

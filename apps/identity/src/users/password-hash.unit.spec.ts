import { stat } from 'node:fs/promises';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password-hash';

describe('password hashing', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored).not.toContain('correct horse');
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterx', stored)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toEqual(await hashPassword('same'));
  });

  it('refuses malformed stored hashes and always fails against the decoy', async () => {
    await expect(verifyPassword('x', 'plain')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$1$2')).resolves.toBe(false);
    await expect(verifyAgainstDecoy('decoy-password-never-matches')).resolves.toBe(false);
  });
});

describe('password hashing and the file system', () => {
  it('leaves the threadpool of file reads free: a read issued behind a burst of hashes finishes first', async () => {
    const finished: string[] = [];
    const burst = Array.from({ length: 8 }, (_, i) => hashPassword(`burst ${i}`).then(() => finished.push('hash')));
    await stat(__filename).then(() => finished.push('read'));
    await Promise.all(burst);
    expect(finished).toEqual(['read', ...Array<string>(8).fill('hash')]);
  });
});

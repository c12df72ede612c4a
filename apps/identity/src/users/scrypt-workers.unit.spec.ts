import { scryptSync } from 'node:crypto';
import { ScryptWorkers } from './scrypt-workers';

const parameters = { N: 1024, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

describe('scrypt workers', () => {
  it('derives what scrypt derives, for every job of a burst larger than the pool', async () => {
    const workers = new ScryptWorkers(2);
    const salt = Buffer.from('salt-of-sixteen!');
    const keys = await Promise.all(Array.from({ length: 6 }, (_, i) => workers.derive(`password ${i}`, salt, 32, parameters)));
    keys.forEach((key, i) => expect(key.equals(scryptSync(`password ${i}`, salt, 32, parameters))).toBe(true));
  });

  it('rejects a job scrypt refuses, and goes on with the next', async () => {
    const workers = new ScryptWorkers(1);
    const salt = Buffer.from('salt');
    await expect(workers.derive('x', salt, 32, { ...parameters, N: 1000 })).rejects.toThrow(/scrypt failed/);
    await expect(workers.derive('x', salt, 32, parameters)).resolves.toHaveLength(32);
  });

  it('refuses a pool without workers', () => {
    expect(() => new ScryptWorkers(0)).toThrow(/positive integer/);
  });
});

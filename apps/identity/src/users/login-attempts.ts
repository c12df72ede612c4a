import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { CLOCK, type Clock } from '@wharf/platform';
import { ADDRESS_POLICY, checkFailed, checkStarted, checkSucceeded, USER_POLICY, waitBeforeCheck, type KeyState, type ThrottlePolicy } from './login-throttle';

/** Keys beyond this many are dropped, oldest first, so a spray of names or addresses cannot exhaust memory. */
const MAX_KEYS = 100_000;

class KeyedFailures {
  private readonly states = new Map<string, KeyState>();

  constructor(readonly policy: ThrottlePolicy) {}

  wait(key: string, now: number): number {
    return waitBeforeCheck(this.states.get(key), this.policy, now);
  }

  started(key: string, now: number): void {
    this.set(key, checkStarted(this.states.get(key), this.policy, now));
  }

  failed(key: string, now: number): void {
    this.set(key, checkFailed(this.states.get(key), this.policy, now));
  }

  succeeded(key: string, now: number, clears: boolean): void {
    const next = checkSucceeded(this.states.get(key), this.policy, now, clears);
    if (next) this.set(key, next);
    else this.states.delete(key);
  }

  private set(key: string, state: KeyState): void {
    this.states.delete(key);
    this.states.set(key, state);
    for (const oldest of this.states.keys()) {
      if (this.states.size <= MAX_KEYS) break;
      this.states.delete(oldest);
    }
  }
}

/**
 * Password checks slowed per user and per client address: after a few failures each further one locks the key
 * out for a while, doubling each time, and a locked-out login is refused before any hashing. The counts live
 * in this process's memory (each identity replica counts on its own, and a restart forgets them).
 */
@Injectable()
export class LoginAttempts {
  private readonly users = new KeyedFailures(USER_POLICY);
  private readonly addresses = new KeyedFailures(ADDRESS_POLICY);

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  /**
   * Runs the check unless the user or the address is locked out (then IDENTITY.TOO_MANY_LOGIN_FAILURES, with
   * the seconds to wait). A null result is a failure. Without a user (a name nobody has) only the address counts.
   */
  async check<T>(keys: { user?: string; address?: string }, verify: () => Promise<T | null>): Promise<T | null> {
    const counted = [
      ...(keys.user !== undefined ? [{ failures: this.users, key: keys.user, clearedBySuccess: true }] : []),
      ...(keys.address !== undefined ? [{ failures: this.addresses, key: keys.address, clearedBySuccess: false }] : []),
    ];
    const now = this.clock.now().getTime();
    const wait = Math.max(0, ...counted.map(({ failures, key }) => failures.wait(key, now)));
    if (wait > 0) throw new DomainError('IDENTITY.TOO_MANY_LOGIN_FAILURES', { retryAfterSeconds: Math.ceil(wait / 1000) });
    for (const { failures, key } of counted) failures.started(key, now);
    let result: T | null = null;
    try {
      result = await verify();
    } finally {
      const done = this.clock.now().getTime();
      for (const { failures, key, clearedBySuccess } of counted) {
        if (result === null) failures.failed(key, done);
        else failures.succeeded(key, done, clearedBySuccess);
      }
    }
    return result;
  }
}

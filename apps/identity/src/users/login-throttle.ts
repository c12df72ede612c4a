/** How many failures one key may have before each further one locks it out, and for how long. */
export interface ThrottlePolicy {
  freeFailures: number;
  /** The first lockout; each failure after it doubles the lockout, up to `maxLockoutMs`. */
  baseLockoutMs: number;
  maxLockoutMs: number;
  /** Failures are forgotten once a key has had none for this long. */
  forgetAfterMs: number;
}

/** A user (by id; names nobody has count only for the address) may fail 5 times, then waits 1 s, 2 s, 4 s … 60 s. */
export const USER_POLICY: ThrottlePolicy = { freeFailures: 5, baseLockoutMs: 1000, maxLockoutMs: 60_000, forgetAfterMs: 15 * 60_000 };
/** A client address may fail 20 times (across users), then the same backoff: spraying many names is slowed too. */
export const ADDRESS_POLICY: ThrottlePolicy = { ...USER_POLICY, freeFailures: 20 };

export interface KeyState {
  failures: number;
  /** Checks under way: they count against the free failures, so a burst cannot race past the limit. */
  pending: number;
  lockedUntil: number;
  lastFailureAt: number;
}

const FRESH: KeyState = { failures: 0, pending: 0, lockedUntil: 0, lastFailureAt: 0 };

const current = (state: KeyState | undefined, policy: ThrottlePolicy, now: number): KeyState =>
  !state || (state.pending === 0 && now - state.lastFailureAt >= policy.forgetAfterMs) ? FRESH : state;

/** Milliseconds to wait before a check of this key may start, or 0 when it may start now. */
export const waitBeforeCheck = (state: KeyState | undefined, policy: ThrottlePolicy, now: number): number => {
  const { failures, pending, lockedUntil } = current(state, policy, now);
  if (lockedUntil > now) return lockedUntil - now;
  // Within the free failures, as many checks as are left; beyond them, one probe at a time.
  if (failures + pending < policy.freeFailures || pending === 0) return 0;
  return policy.baseLockoutMs;
};

export const checkStarted = (state: KeyState | undefined, policy: ThrottlePolicy, now: number): KeyState => {
  const fresh = current(state, policy, now);
  return { ...fresh, pending: fresh.pending + 1 };
};

export const checkFailed = (state: KeyState | undefined, policy: ThrottlePolicy, now: number): KeyState => {
  const fresh = current(state, policy, now);
  const failures = fresh.failures + 1;
  const beyond = failures - policy.freeFailures;
  const lockout = beyond < 0 ? 0 : Math.min(policy.maxLockoutMs, policy.baseLockoutMs * 2 ** beyond);
  return { failures, pending: Math.max(0, fresh.pending - 1), lockedUntil: lockout > 0 ? now + lockout : fresh.lockedUntil, lastFailureAt: now };
};

/** A success clears the key's failures (a user's; an address keeps its count until it is forgotten). */
export const checkSucceeded = (state: KeyState | undefined, policy: ThrottlePolicy, now: number, clears: boolean): KeyState | undefined => {
  const fresh = current(state, policy, now);
  const pending = Math.max(0, fresh.pending - 1);
  if (clears) return pending > 0 ? { ...FRESH, pending } : undefined;
  return { ...fresh, pending };
};

import { checkFailed, checkStarted, checkSucceeded, waitBeforeCheck, type KeyState, type ThrottlePolicy } from './login-throttle';

const policy: ThrottlePolicy = { freeFailures: 3, baseLockoutMs: 1000, maxLockoutMs: 8000, forgetAfterMs: 60_000 };

const fail = (state: KeyState | undefined, now: number): KeyState => checkFailed(checkStarted(state, policy, now), policy, now);
const failTimes = (times: number, now: number): KeyState | undefined => {
  let state: KeyState | undefined;
  for (let i = 0; i < times; i += 1) state = fail(state, now);
  return state;
};

describe('login throttle', () => {
  it('lets the free failures through, then locks out for a doubling, capped time', () => {
    expect(waitBeforeCheck(failTimes(2, 0), policy, 0)).toBe(0);
    expect(waitBeforeCheck(failTimes(3, 0), policy, 0)).toBe(1000);
    expect(waitBeforeCheck(failTimes(4, 0), policy, 0)).toBe(2000);
    expect(waitBeforeCheck(failTimes(5, 0), policy, 0)).toBe(4000);
    expect(waitBeforeCheck(failTimes(9, 0), policy, 0)).toBe(8000);
    expect(waitBeforeCheck(failTimes(4, 0), policy, 1500)).toBe(500);
    expect(waitBeforeCheck(failTimes(4, 0), policy, 2000)).toBe(0);
  });

  it('counts checks under way, so a burst gets only the free failures and then one probe at a time', () => {
    let state: KeyState | undefined;
    const started: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      if (waitBeforeCheck(state, policy, 0) === 0) {
        state = checkStarted(state, policy, 0);
        started.push(i);
      }
    }
    expect(started).toEqual([0, 1, 2]);
    state = checkFailed(checkFailed(state, policy, 0), policy, 0);
    expect(waitBeforeCheck(state, policy, 0)).toBeGreaterThan(0);
  });

  it('forgets failures after a quiet while, and a success clears them when asked to', () => {
    expect(waitBeforeCheck(failTimes(3, 0), policy, 60_000)).toBe(0);
    expect(checkSucceeded(checkStarted(failTimes(2, 0), policy, 0), policy, 0, true)).toBeUndefined();
    const kept = checkSucceeded(checkStarted(failTimes(2, 0), policy, 0), policy, 0, false);
    expect(waitBeforeCheck(fail(kept, 0), policy, 0)).toBe(1000);
  });
});

import { parseChallenge } from './target-registry';
import { backoffMs } from './sync-runner';

describe("a sync target's authentication and retries", () => {
  it('reads Bearer and Basic challenges', () => {
    expect(parseChallenge('Bearer realm="http://127.0.0.1:5000/auth/token",service="127.0.0.1:5000",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'http://127.0.0.1:5000/auth/token', service: '127.0.0.1:5000', scope: 'repository:a/b:pull,push' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
    expect(parseChallenge(null)).toBeNull();
  });

  it('waits 1 s, 2 s, 4 s … at most 30 s between attempts', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});

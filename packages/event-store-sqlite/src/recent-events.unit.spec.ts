import { describe, expect, it } from '@jest/globals';
import { RecentEvents, type Row } from './recent-events';

const row = (position: number, stream = 's-1'): Row => [position, `id-${position}`, stream, position, 'T', '{}', '{}'];
const positions = (page: { rows: Row[] } | undefined) => page?.rows.map((r) => r[0]);

describe('RecentEvents', () => {
  it('serves a run of positions without a gap, filtered, up to the limit', () => {
    const recent = new RecentEvents({ events: 100, chars: 10_000 });
    recent.add([row(1), row(2, 'other'), row(3), row(4)]);
    expect(recent.after(0, 10, (r) => r[2] === 's-1')).toEqual({ rows: [row(1), row(3), row(4)], through: 4 });
    expect(positions(recent.after(1, 2, () => true))).toEqual([2, 3]);
    expect(recent.after(1, 2, () => true)?.through).toBe(3);
  });

  it('stops at a position it does not hold (another store committed it) and holds nothing before the first row', () => {
    const recent = new RecentEvents({ events: 100, chars: 10_000 });
    recent.add([row(5), row(6)]);
    recent.add([row(8)]);
    expect(recent.after(4, 10, () => true)).toEqual({ rows: [row(5), row(6)], through: 6 });
    expect(recent.after(6, 10, () => true)).toBeUndefined();
    expect(recent.after(3, 10, () => true)).toBeUndefined();
  });

  it('forgets the oldest rows beyond its limits', () => {
    const recent = new RecentEvents({ events: 3, chars: 10_000 });
    recent.add([row(1), row(2), row(3), row(4)]);
    expect(recent.after(0, 10, () => true)).toBeUndefined();
    expect(positions(recent.after(1, 10, () => true))).toEqual([2, 3, 4]);
    const small = new RecentEvents({ events: 100, chars: 8 });
    small.add([row(1), row(2), row(3)]);
    expect(positions(small.after(1, 10, () => true))).toEqual([2, 3]);
  });
});

import { madeOnCurrent } from './target-identity';

const current = { id: 12, createdAt: '2026-12-01T10:00:00.000Z' };

describe('grants and shares belong to the target they were made on', () => {
  it('matches by id when both are known', () => {
    expect(madeOnCurrent({ targetId: 12, madeAt: '2026-12-01T11:00:00.000Z' }, current)).toBe(true);
    expect(madeOnCurrent({ targetId: 11, madeAt: '2026-12-01T11:00:00.000Z' }, current)).toBe(false);
  });

  it('falls back to time for records without an id: one older than the target was made on an earlier one', () => {
    expect(madeOnCurrent({ madeAt: '2026-12-01T11:00:00.000Z' }, current)).toBe(true);
    expect(madeOnCurrent({ madeAt: '2026-12-01T09:00:00.000Z' }, current)).toBe(false);
    expect(madeOnCurrent({ targetId: 3, madeAt: '2026-12-01T09:00:00.000Z' }, { createdAt: current.createdAt })).toBe(false);
  });

  it('matches nothing when no target exists under the name', () => {
    expect(madeOnCurrent({ targetId: 12, madeAt: '2026-12-01T11:00:00.000Z' }, null)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../math/random.ts';
import { DAY_MS, dayTimestampFormatter, defaultEndDate, parseDate, weekday } from './calendar.ts';

describe('calendar', () => {
  it('dayTimestampFormatter agrees with Date.prototype.toISOString across the day', () => {
    const dayStart = Date.UTC(2026, 9, 1);
    const format = dayTimestampFormatter(dayStart);
    const rng = createRng(3);
    const offsets = [0, 1, 999, 1000, 59_999, 3_600_000, DAY_MS - 1];
    for (let i = 0; i < 10_000; i++) offsets.push(rng.int(0, DAY_MS - 1));
    for (const offset of offsets) expect(format(offset)).toBe(new Date(dayStart + offset).toISOString());
  });

  it('parseDate accepts real YYYY-MM-DD dates only', () => {
    expect(parseDate('2026-10-31')).toBe(Date.UTC(2026, 9, 31));
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '20261001', '2026-10-01T00:00:00Z', '']) {
      expect(parseDate(bad), bad).toBeUndefined();
    }
  });

  it('weekday counts from Sunday = 0 in UTC', () => {
    expect(weekday(Date.UTC(2026, 10, 22))).toBe(0);
    expect(weekday(Date.UTC(2026, 10, 21, 23, 59))).toBe(6);
  });

  it('defaultEndDate is yesterday in UTC, whatever the local time zone', () => {
    expect(defaultEndDate(new Date('2026-01-01T05:00:00+09:00'))).toBe('2025-12-30');
  });
});

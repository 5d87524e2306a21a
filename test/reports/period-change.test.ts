import { describe, expect, it } from 'vitest';
import { countChange, MAD_SCALE, usualRange, Z95 } from '../../src/automation/reports/change.ts';
import {
  formatAbsoluteChange,
  formatChange,
  formatRelativeChange,
  formatValue,
} from '../../src/automation/reports/format.ts';
import { localDayStart, periodBounds, reportPeriod } from '../../src/automation/reports/period.ts';

describe('reportPeriod', () => {
  it('takes the day before the run in the report’s zone, not in UTC', () => {
    // 22:30 UTC on Sunday 27 September is 01:30 on Monday 28 September in Moscow (UTC+3).
    const at = Date.parse('2026-09-27T22:30:00Z');
    expect(reportPeriod(at, 'day', 'UTC')).toMatchObject({ from: '2026-09-26', to: '2026-09-26' });
    const moscow = reportPeriod(at, 'day', 'Europe/Moscow');
    expect(moscow).toEqual({
      unit: 'day',
      timezone: 'Europe/Moscow',
      from: '2026-09-27',
      to: '2026-09-27',
      previous: { from: '2026-09-26', to: '2026-09-26' },
      weekBefore: { from: '2026-09-20', to: '2026-09-20' },
      label: 'Sunday 27 September 2026',
    });
    expect(periodBounds(moscow)).toEqual([
      Date.parse('2026-09-26T21:00:00Z'),
      Date.parse('2026-09-27T21:00:00Z'),
    ]);
  });

  it('takes the ISO week before the run’s week', () => {
    const week = reportPeriod(Date.parse('2026-09-30T09:00:00Z'), 'week', 'UTC');
    expect(week).toMatchObject({
      from: '2026-09-21',
      to: '2026-09-27',
      previous: { from: '2026-09-14', to: '2026-09-20' },
      label: '21–27 September 2026',
    });
    // Monday 00:30 in Los Angeles is still Sunday there at 07:30 UTC: the week before that Sunday's week.
    expect(reportPeriod(Date.parse('2026-09-28T06:30:00Z'), 'week', 'America/Los_Angeles')).toMatchObject({
      from: '2026-09-14',
      to: '2026-09-20',
    });
    expect(reportPeriod(Date.parse('2026-10-05T09:00:00Z'), 'week', 'UTC').label).toBe(
      '28 September – 4 October 2026',
    );
  });

  it('finds local midnight on DST days', () => {
    // New York: EDT (UTC−4) until 1 November 2026 02:00, then EST (UTC−5).
    expect(localDayStart('2026-11-01', 'America/New_York')).toBe(Date.parse('2026-11-01T04:00:00Z'));
    expect(localDayStart('2026-11-02', 'America/New_York')).toBe(Date.parse('2026-11-02T05:00:00Z'));
    // Berlin springs forward on 29 March 2026: that day has 23 hours.
    const [start, end] = periodBounds({ from: '2026-03-29', to: '2026-03-29', timezone: 'Europe/Berlin' });
    expect((end - start) / 3_600_000).toBe(23);
  });
});

describe('usual range of a count', () => {
  it('is 1.96 × 1.4826 × the median absolute change at the lag, from the last changes only', () => {
    // Changes day over day: +10%, −10%, +20%, −25%, +10%, 0%, −50% (oldest first); the first value is
    // beyond the 7 changes read and is ignored.
    const history = [999, 100, 110, 99, 118.8, 89.1, 98.01, 98.01, 49.005];
    const range = usualRange(history, 1, 7)!;
    // |changes| sorted: 0, .1, .1, .1, .2, .25, .5 → median 0.1.
    expect(range).toBeCloseTo(Z95 * MAD_SCALE * 0.1, 12);
    expect(usualRange(history.slice(0, 7), 1, 7)).toBeNull();
    expect(countChange(120, 100, range)).toEqual({
      previous: 100,
      absolute: 20,
      relative: 0.2,
      usualRange: range,
      significant: false,
    });
    expect(countChange(130, 100, range).significant).toBe(true);
  });

  it('skips pairs with a missing or zero value', () => {
    const history = [0, 10, null, 10, 11, 12, 13, 14, 15, 16, 17];
    // Usable pairs: 11/10, 12/11, …, 17/16 = 7 changes (10/0 and the pairs with null are not).
    expect(usualRange(history, 1, 28)).not.toBeNull();
    expect(usualRange(history.slice(0, -1), 1, 28)).toBeNull();
  });
});

describe('format', () => {
  it('writes values, changes and percentage points', () => {
    expect(formatValue(14_210.4, 'integer')).toBe('14,210');
    expect(formatValue(-3_120, 'integer')).toBe('−3,120');
    expect(formatValue(0.21434, 'percent')).toBe('21.4%');
    expect(formatValue(0.004217, 'percent')).toBe('0.42%');
    expect(formatValue(1.3629, 'decimal')).toBe('1.36');
    expect(formatValue(245.6, 'duration_ms')).toBe('246 ms');
    expect(formatValue(1_234.5, 'duration_ms')).toBe('1.23 s');
    expect(formatValue(1_234.5, 'currency')).toBe('$1,234.50');
    expect(formatValue(null, 'integer')).toBe('–');
    expect(formatRelativeChange(-0.1833)).toBe('−18%');
    expect(formatRelativeChange(0.0621)).toBe('+6.2%');
    expect(formatRelativeChange(0.00001)).toBe('0.00%');
    expect(formatAbsoluteChange(0.0125, 'percent')).toBe('+1.3 pp');
    expect(formatAbsoluteChange(0, 'integer')).toBe('0');
    expect(formatChange({ previous: 17_330, absolute: -3_120, relative: -0.18 }, 'integer')).toBe(
      '−18% (−3,120)',
    );
    expect(formatChange({ previous: 0, absolute: 5, relative: null }, 'integer')).toBe('+5');
  });
});

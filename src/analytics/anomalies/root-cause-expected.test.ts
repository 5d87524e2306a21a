import { describe, expect, it } from 'vitest';
import { expectation, planSlots, weekdayFactor } from './root-cause-expected.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-03-21T00:00:00Z');

describe('planSlots', () => {
  it('plans a day with 20 days of history: 14 line lags, the weeks 7 and 14, and the days their centred weeks span', () => {
    const plan = planSlots(START, START - 20 * DAY, true)!;
    expect(plan.lags).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(plan.shareLags).toEqual([1, 2]);
    // Week 21 would need day 24 before the bucket: outside the data.
    expect(plan.weekLags).toEqual([7, 14]);
    expect(plan.wholeLags).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
  });

  it('gives no weekday factor with one week of history, nor to an hour', () => {
    expect(planSlots(START, START - 16 * DAY, true)!.weekLags).toEqual([]);
    const hour = planSlots(START + 9 * 3_600_000, START - 40 * DAY, false)!;
    expect(hour.weekLags).toEqual([]);
    expect(hour.wholeLags).toEqual(hour.lags);
    expect(planSlots(START, START, true)).toBeNull();
  });
});

describe('weekdayFactor', () => {
  it('is the median over the weeks of the weekday over its centred week', () => {
    // Every day 100, the weekday 80 a week back and 90 two weeks back:
    // 80 / ((6 · 100 + 80) / 7) and 90 / ((6 · 100 + 90) / 7); the median of two is their mean.
    const value = (lag: number) => (lag === 7 ? 80 : lag === 14 ? 90 : 100);
    const expected = (80 / (680 / 7) + 90 / (690 / 7)) / 2;
    expect(weekdayFactor([7, 14], value)).toBeCloseTo(expected, 12);
    expect(weekdayFactor([], value)).toBe(1);
    expect(weekdayFactor([7, 14], () => 0)).toBe(1);
  });

  it('scales the line: a flat history whose weekday runs 20% low expects 20% less', () => {
    const plan = planSlots(START, START - 40 * DAY, true)!;
    expect(plan.weekLags).toEqual([7, 14, 21, 28]);
    const value = (lag: number) => (lag % 7 === 0 ? 80 : 100);
    const { expected, weekday, segment } = expectation(plan, value);
    // The centred week of each weekday: six days of 100 and one of 80.
    expect(weekday).toBeCloseTo(80 / (680 / 7), 12);
    // The line through 14 days of 100 with 80 at lags 7 and 14 is flat at 100 (medians ignore them).
    expect(expected).toBeCloseTo(100 * weekday, 9);
    // Shares pool lags 1 and 2 (100 each): a segment with 30 + 20 of them expects a quarter of the whole.
    expect(segment([30, 20])).toBeCloseTo(expected / 4, 12);
  });
});

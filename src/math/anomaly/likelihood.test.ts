import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { createLikelihoodDetector } from './likelihood.ts';
import { scoreSeries } from './score-series.ts';
import { flagged, gridTimes } from './series.fixture.ts';

const STEP = 15 * 60_000;
const DAY = 96;
const times = (n: number) => gridTimes(n, STEP);

/** N(100, 5) noise plus an optional daily cycle of the given amplitude, seeded. */
function series(n: number, seed: number, amplitude = 0): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from(
    { length: n },
    (_, i) => 100 + amplitude * Math.sin((2 * Math.PI * i) / DAY) + 5 * rng.normal(),
  );
}

const detector = (seasonPeriods: number[] = []) => createLikelihoodDetector({ stepMs: STEP, seasonPeriods });

describe('createLikelihoodDetector', () => {
  it('learns first: no score and no expectation for the first 30 points', () => {
    const r = scoreSeries(detector(), times(100), series(100, 1));
    for (let i = 0; i < 30; i++) {
      expect(r.score[i]).toBe(0);
      expect(r.expected[i]).toBeNaN();
    }
    expect(r.expected[30]).toBeCloseTo(100, -1);
  });

  it('flags a spike in noise once, and nothing else in 3,000 points', () => {
    const y = series(3000, 2);
    y[2000] = 160; // 12 sigma
    const r = scoreSeries(detector(), times(3000), y);
    expect(flagged(r.flag)).toEqual([2000]);
    expect(r.score[2000]).toBe(1); // beyond the range seen so far: never seen before
    expect(r.upper[2000]).toBeLessThan(160);
  });

  it('flags a level shift where it starts, once, and takes it as the new normal', () => {
    const y = series(4000, 3);
    for (let i = 2000; i < 4000; i++) y[i]! += 40;
    const r = scoreSeries(detector(), times(4000), y);
    expect(flagged(r.flag)).toEqual([2000]);
    expect(r.expected[3999]).toBeGreaterThan(135);
  });

  it('does not flag a dip that repeats every day when the series has a daily season', () => {
    const y = series(DAY * 40, 4, 30);
    const r = scoreSeries(detector([DAY, 7 * DAY]), times(y.length), y);
    expect(flagged(r.flag)).toEqual([]);
    // The daily dip is in the expectation: at the trough (slot 72) it expects about 70, not 100.
    expect(r.expected[DAY * 39 + 72]).toBeCloseTo(70, -1);
  });

  it('flags a dip where the daily cycle says there should be a peak', () => {
    const y = series(DAY * 40, 5, 30);
    for (let i = DAY * 30 + 20; i < DAY * 30 + 28; i++) y[i]! -= 60; // 60 below the morning peak
    const r = scoreSeries(detector([DAY, 7 * DAY]), times(y.length), y);
    const f = flagged(r.flag);
    expect(f.length).toBeGreaterThanOrEqual(1);
    expect(f[0]).toBeGreaterThanOrEqual(DAY * 30 + 20);
    expect(f[0]).toBeLessThan(DAY * 30 + 28);
    expect(f.every((i) => i >= DAY * 30 + 20 && i < DAY * 30 + 40)).toBe(true);
  });

  it('does not flag a slow drift: 1 sd over 1,000 points is the new normal as it goes', () => {
    const y = series(4000, 6);
    for (let i = 0; i < 4000; i++) y[i]! += (5 * i) / 1000;
    const r = scoreSeries(detector(), times(4000), y);
    // A drift keeps making new highs, but by a step far below 2% of the range: never "never seen".
    expect(flagged(r.flag)).toEqual([]);
  });

  it('skips missing points and survives irregular times and a flat series without NaN', () => {
    const y = series(2000, 7);
    for (let i = 500; i < 2000; i += 7) y[i] = Number.NaN;
    const t = times(2000);
    for (let i = 1; i < 2000; i += 3) t[i] = t[i]! + 0.4 * STEP; // jittered timestamps
    const r = scoreSeries(detector([DAY]), t, y);
    for (let i = 0; i < 2000; i++) {
      expect(Number.isFinite(r.score[i]!)).toBe(true);
      if (Number.isNaN(y[i]!)) expect(r.score[i]).toBe(0);
    }
    const flat = scoreSeries(detector(), times(500), new Float64Array(500).fill(3));
    expect(Math.max(...flat.score)).toBe(0);
    const d = detector();
    for (let i = 0; i < 400; i++) d.update(i * STEP, 3);
    expect(d.update(400 * STEP, 3.5).score).toBe(1); // a flat series that moves: never seen before
  });

  it('flags a moderate bump at a high sensitivity only, and never two points in a row', () => {
    const y = series(3000, 8);
    for (let i = 2000; i < 2010; i++) y[i]! += 10; // 2 sigma for ten points
    const low = scoreSeries(createLikelihoodDetector({ stepMs: STEP, sensitivity: 0.1 }), times(3000), y);
    const high = scoreSeries(createLikelihoodDetector({ stepMs: STEP, sensitivity: 0.9 }), times(3000), y);
    expect(flagged(low.flag)).toEqual([]);
    const f = flagged(high.flag);
    // Flagged once, within one averaging window (7 points at 15 minutes) of its start.
    expect(f.filter((i) => i >= 2000 && i < 2010 + 7)).toHaveLength(1);
    for (const i of f) expect(high.flag[i + 1]).toBe(0);
  });

  it('with a day and a week, judges on the week once it has three: a quiet weekend is expected, a quiet Wednesday is not', () => {
    const HOUR = 3_600_000;
    const rng = createRng(9);
    // Hourly, 7 weeks from a Thursday (1970-01-01); Saturdays and Sundays run 40 below the weekday level.
    const n = 24 * 7 * 7;
    const y = Float64Array.from({ length: n }, (_, i) => {
      const weekday = (Math.floor(i / 24) + 4) % 7; // 0 = Sunday
      const weekend = weekday === 0 || weekday === 6 ? -40 : 0;
      return 120 + 30 * Math.sin((2 * Math.PI * i) / 24) + weekend + 3 * rng.normal();
    });
    const wednesdayNoon = 24 * (7 * 6 - 1) + 12; // the last week's Wednesday (day 41)
    for (let i = wednesdayNoon; i < wednesdayNoon + 3; i++) y[i]! -= 40;
    const t = gridTimes(n, HOUR);
    const both = scoreSeries(createLikelihoodDetector({ stepMs: HOUR, seasonPeriods: [24, 168] }), t, y);
    const dayOnly = scoreSeries(createLikelihoodDetector({ stepMs: HOUR, seasonPeriods: [24] }), t, y);
    const saturdayNoon = 24 * (7 * 6 + 2) + 12; // day 44
    const level = 120 + 30 * Math.sin((2 * Math.PI * saturdayNoon) / 24);
    // The week's slots expect the weekend; the day's slots (the median of the last 3 days: Wednesday to
    // Friday, moved by the residuals' mean) expect nearly a weekday.
    expect(Math.abs(both.expected[saturdayNoon]! - (level - 40))).toBeLessThan(5);
    expect(dayOnly.expected[saturdayNoon]! - (level - 40)).toBeGreaterThan(25);
    // After three weeks the weekends are not flagged; the quiet Wednesday is, once.
    const late = (i: number) => i >= 24 * 7 * 4;
    expect(flagged(both.flag).filter(late)).toEqual([wednesdayNoon]);
  });
});

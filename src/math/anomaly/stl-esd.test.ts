import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { scoreSeries } from './score-series.ts';
import { daily, flagged, gridTimes } from './series.fixture.ts';
import { createStlEsdDetector, seasonalProfile } from './stl-esd.ts';

const STEP = 60 * 60_000; // hourly, a daily season of 24
const times = (n: number) => gridTimes(n, STEP);

describe('seasonalProfile', () => {
  it('takes each cycle median as its trend and each slot median over cycles, centred (by hand)', () => {
    // Cycles [1, 5, 3, 7] (median 4) and [3, 7, 5, 9] (median 6): detrended both −3, 1, −1, 3.
    const h = Float64Array.from([1, 5, 3, 7, 3, 7, 5, 9]);
    expect([...seasonalProfile(h, 0, 4, 'median')]).toEqual([-3, 1, -1, 3]);
    // The same history starting at step 1 puts its first value in slot 1.
    expect([...seasonalProfile(h, 1, 4, 'median')]).toEqual([3, -3, 1, -1]);
    // A missing value and a wild one: cycles [1, 5, 3, 7] (median 4), [3, 7, 5, −] (5), [2, 6, 1000, 8]
    // (7); slot 2 holds −1, 0, 993 → 0, slot 3 only 3 and 1 → 2; the profile sums to 0 already.
    const g = Float64Array.from([1, 5, 3, 7, 3, 7, 5, Number.NaN, 2, 6, 1000, 8]);
    expect([...seasonalProfile(g, 0, 4, 'median')]).toEqual([-3, 1, 0, 2]);
  });

  it("agrees with STL's periodic seasonal on a clean periodic series", () => {
    const h = Float64Array.from({ length: 96 }, (_, i) => 10 + [0, 4, 2, 6][i % 4]! - 3 + 0.01 * i);
    const a = seasonalProfile(h, 0, 4, 'median');
    const b = seasonalProfile(h, 0, 4, 'stl');
    for (let j = 0; j < 4; j++) expect(a[j]).toBeCloseTo(b[j]!, 1);
  });
});

describe('createStlEsdDetector', () => {
  it('does not flag a dip that recurs every day, and flags a spike', () => {
    const y = daily(24 * 30, 1);
    y[24 * 20 + 12] = y[24 * 20 + 12]! + 60; // 12σ at noon of day 20
    const r = scoreSeries(
      createStlEsdDetector({ stepMs: STEP, seasonPeriods: [24, 168] }),
      times(y.length),
      y,
    );
    expect(flagged(r.flag)).toEqual([24 * 20 + 12]);
    // The 03:00 dip is expected: the expectation there is about 40 below the hours around it.
    expect(r.expected[24 * 25 + 3]! - r.expected[24 * 25 + 4]!).toBeLessThan(-25);
  });

  it('flags a level shift for a few points, then takes it as the new normal', () => {
    const y = daily(24 * 40, 2);
    for (let i = 24 * 20; i < y.length; i++) y[i] = y[i]! + 50;
    const f = flagged(
      scoreSeries(createStlEsdDetector({ stepMs: STEP, seasonPeriods: [24] }), times(y.length), y).flag,
    );
    expect(f[0]).toBe(24 * 20);
    // The trend is the median of the last 6 deseasonalised points: 4 in, the shift is the median.
    expect(f.filter((i) => i >= 24 * 20 + 6)).toEqual([]);
  });

  it('does not flag a slow drift', () => {
    const y = daily(24 * 60, 3);
    for (let i = 0; i < y.length; i++) y[i] = y[i]! + i * 0.05; // 72 over two months
    expect(
      flagged(
        scoreSeries(createStlEsdDetector({ stepMs: STEP, seasonPeriods: [24] }), times(y.length), y).flag,
      ),
    ).toEqual([]);
  });

  it('scores 0 until two seasons and a season of residuals are in (cold start), and names its settings', () => {
    const d = createStlEsdDetector({ stepMs: STEP, seasonPeriods: [24] });
    const r = scoreSeries(d, times(24 * 6), daily(24 * 6, 4));
    // First fit at step 49 (two whole seasons behind it), then 24 residuals before the first verdict.
    for (let i = 0; i < 49 + 24; i++) expect(r.expected[i]).toBeNaN();
    expect(r.expected[49 + 24]).not.toBeNaN();
    expect(d.name).toBe('stl-esd(period=24,cycles=5,decomposition=median,level=6,learning=48)');
  });

  it('keeps slots by timestamp through missing points and irregular times, with finite scores', () => {
    const rng = createRng(5);
    const n = 24 * 30;
    const y = daily(n, 5);
    const t = Float64Array.from(
      { length: n },
      (_, i) => i * STEP + Math.round((rng.next() - 0.5) * STEP * 0.4),
    );
    for (let i = 0; i < n; i += 3) y[i] = Number.NaN;
    for (let i = 24 * 10; i < 24 * 11; i++) y[i] = Number.NaN; // a whole day missing
    const r = scoreSeries(createStlEsdDetector({ stepMs: STEP, seasonPeriods: [24] }), t, y);
    for (let i = 0; i < n; i++) expect(Number.isFinite(r.score[i]!)).toBe(true);
    expect(flagged(r.flag)).toEqual([]);
  });

  it('with the STL decomposition also leaves the daily dip alone', () => {
    const y = daily(24 * 30, 6);
    const d = createStlEsdDetector({ stepMs: STEP, seasonPeriods: [24], decomposition: 'stl' });
    expect(flagged(scoreSeries(d, times(y.length), y).flag)).toEqual([]);
  });

  it('is the rolling median/MAD rule when no season is given', () => {
    const d = createStlEsdDetector({ stepMs: STEP });
    expect(d.name).toBe('stl-esd(no season: mad(window=24,learning=24))');
  });
});

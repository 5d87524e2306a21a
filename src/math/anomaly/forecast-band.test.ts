import { describe, expect, it } from 'vitest';
import { naiveModel } from '../forecast/baselines/index.ts';
import { createRng } from '../random.ts';
import { createForecastBandDetector } from './forecast-band.ts';
import { normalBandZ } from './score.ts';
import { scoreSeries } from './score-series.ts';
import { daily, flagged, gridTimes } from './series.fixture.ts';

const STEP = 60 * 60_000;
const times = (n: number) => gridTimes(n, STEP);

describe('createForecastBandDetector', () => {
  it("judges the first point after a fit by the model's own mean and 95% interval, called directly", () => {
    const y = daily(60, 1);
    const d = createForecastBandDetector({ stepMs: STEP, model: 'naive', refitEvery: 10, trainingSteps: 40 });
    expect(d.name).toBe('forecast(model=naive,refit=10,training=40,learning=20)');
    for (let i = 0; i < 20; i++) expect(d.update(i * STEP, y[i]!).score).toBe(0);
    const v = d.update(20 * STEP, y[20]!);
    const direct = naiveModel(y.slice(0, 20), { horizon: 20, levels: [95], seasonPeriods: [] });
    const sd = (direct.intervals[0]!.upper[0]! - direct.mean[0]!) / 1.959963984540054;
    expect(v.expected).toBe(y[19]);
    expect(v.upper).toBeCloseTo(y[19]! + normalBandZ() * sd, 9);
  });

  it('does not flag a dip that recurs every day, and flags a spike', () => {
    const y = daily(24 * 30, 2);
    y[24 * 20 + 12] = y[24 * 20 + 12]! + 60;
    const f = flagged(
      scoreSeries(createForecastBandDetector({ stepMs: STEP, seasonPeriods: [24] }), times(y.length), y).flag,
    );
    expect(f).toEqual([24 * 20 + 12]);
  });

  it('flags a level shift for a few points, then follows it before the next refit', () => {
    const y = daily(24 * 30, 3);
    const at = 24 * 20 + 2; // two hours after a refit, so the next one is 22 points away
    for (let i = at; i < y.length; i++) y[i] = y[i]! + 50;
    const f = flagged(
      scoreSeries(createForecastBandDetector({ stepMs: STEP, seasonPeriods: [24] }), times(y.length), y).flag,
    );
    expect(f[0]).toBe(at);
    // The median of the errors since the refit (window 6) carries the shift once 3 of them hold it.
    expect(f.filter((i) => i >= at + 3)).toEqual([]);
  });

  it('does not flag a slow drift', () => {
    const y = daily(24 * 40, 4);
    for (let i = 0; i < y.length; i++) y[i] = y[i]! + i * 0.05;
    const r = scoreSeries(
      createForecastBandDetector({ stepMs: STEP, seasonPeriods: [24] }),
      times(y.length),
      y,
    );
    expect(flagged(r.flag)).toEqual([]);
  });

  it('scores 0 until two seasons and a point are in (cold start); survives gaps and irregular times', () => {
    const rng = createRng(5);
    const n = 24 * 20;
    const y = daily(n, 5);
    const t = Float64Array.from(
      { length: n },
      (_, i) => i * STEP + Math.round((rng.next() - 0.5) * STEP * 0.4),
    );
    for (let i = 0; i < n; i += 4) y[i] = Number.NaN;
    for (let i = 24 * 8; i < 24 * 9 + 5; i++) y[i] = Number.NaN; // more than a refit period missing
    const r = scoreSeries(createForecastBandDetector({ stepMs: STEP, seasonPeriods: [24] }), t, y);
    for (let i = 0; i < n; i++) expect(Number.isFinite(r.score[i]!)).toBe(true);
    for (let i = 0; i < 60; i++) expect(r.score[i]).toBe(0); // 49 finite points take 65 steps here
    expect(flagged(r.flag)).toEqual([]);
    expect(r.expected[n - 1]).not.toBeNaN();
  });
});

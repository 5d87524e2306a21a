import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { naiveModel } from './baselines/index.ts';
import { conformalQuantile, withConformalIntervals } from './conformal.ts';
import { optimizedThetaModel } from './theta/index.ts';
import type { ForecastModel } from './types.ts';

describe('the conformal quantile', () => {
  it('is the ⌈(W+1)·level⌉-th smallest score (the finite-sample correction)', () => {
    const scores = Float64Array.from([5, 1, 4, 2, 3, 9, 8, 7, 6, 10]);
    // W = 10: 80% → ⌈8.8⌉ = 9th smallest = 9; 50% → ⌈5.5⌉ = 6th = 6.
    expect(conformalQuantile(scores, 80)).toEqual({ value: 9, capped: false });
    expect(conformalQuantile(scores, 50)).toEqual({ value: 6, capped: false });
    // 95% needs ⌈10.45⌉ = 11 > 10 scores: the largest, flagged.
    expect(conformalQuantile(scores, 95)).toEqual({ value: 10, capped: true });
  });
});

/** A model without intervals: the last value, as a stand-in for any point forecaster. */
const pointOnly: ForecastModel = (y, options) => ({
  ...naiveModel(y, options),
  model: 'PointOnly',
  intervals: [],
  intervalMethod: 'none',
});

describe('withConformalIntervals', () => {
  it('puts mean ± the score quantile per step ahead, from the backtest windows', () => {
    // y_t = t²: naive errors at origin o are (o+h)² − (o−1)², which grow with o; 5 windows.
    const y = Float64Array.from({ length: 40 }, (_, t) => t * t);
    const model = withConformalIntervals(pointOnly, { windows: 5, step: 1 });
    const result = model(y, { horizon: 2, levels: [80], seasonPeriods: [] });
    expect(result.intervalMethod).toBe('conformal');
    // Origins 34..38 (training lengths): step-1 errors (o)² − (o−1)² = 2o − 1 → 67, 69, 71, 73, 75.
    // ⌈6·0.8⌉ = 5th smallest = 75.
    expect(result.mean[0]).toBe(39 * 39);
    expect(result.intervals[0]!.upper[0]! - result.mean[0]!).toBe(75);
    expect(result.intervals[0]!.lower[0]! - result.mean[0]!).toBe(-75);
    expect(result.warnings).toEqual([]);
  });

  it('is deterministic and keeps the model’s point forecast', () => {
    const y = Float64Array.from({ length: 120 }, (_, t) => 50 + 10 * Math.sin(t / 3) + (t % 7));
    const options = { horizon: 6, levels: [80, 95], seasonPeriods: [] };
    const a = withConformalIntervals(optimizedThetaModel)(y, options);
    const b = withConformalIntervals(optimizedThetaModel)(y, options);
    expect(Array.from(a.intervals[1]!.upper)).toEqual(Array.from(b.intervals[1]!.upper));
    expect(Array.from(a.mean)).toEqual(Array.from(optimizedThetaModel(y, options).mean));
  });

  it('holds 80% and 95% within 2 points in seeded simulation (AR(1), φ = 0.6, a point-only model)', () => {
    const rng = createRng(77);
    const model = withConformalIntervals(pointOnly);
    const horizon = 4;
    const n = 240;
    const trials = 2500;
    const hits = [0, 0];
    const y = new Float64Array(n + horizon);
    for (let k = 0; k < trials; k++) {
      y[0] = rng.normal() / Math.sqrt(1 - 0.36);
      for (let t = 1; t < n + horizon; t++) y[t] = 0.6 * y[t - 1]! + rng.normal();
      const result = model(y.subarray(0, n), { horizon, levels: [80, 95], seasonPeriods: [] });
      for (let h = 0; h < horizon; h++)
        for (let j = 0; j < 2; j++) {
          const interval = result.intervals[j]!;
          if (y[n + h]! >= interval.lower[h]! && y[n + h]! <= interval.upper[h]!) hits[j]!++;
        }
    }
    // With 20 windows the corrected quantile targets 17/21 = 81.0% and 20/21 = 95.2%.
    expect(Math.abs(hits[0]! / (trials * horizon) - 0.8)).toBeLessThan(0.02);
    expect(Math.abs(hits[1]! / (trials * horizon) - 0.95)).toBeLessThan(0.02);
  });

  it('too few windows for 95%: the largest error and a coded warning; none at all: the model’s own intervals', () => {
    const y = Float64Array.from({ length: 30 }, (_, t) => Math.sqrt(t));
    const few = withConformalIntervals(naiveModel, { windows: 6 })(y, {
      horizon: 2,
      levels: [80, 95],
      seasonPeriods: [],
    });
    expect(few.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_FEW_WINDOWS']);
    expect(few.intervalMethod).toBe('conformal');

    const short = Float64Array.from([1, 2, 3, 4]);
    const none = withConformalIntervals(naiveModel)(short, { horizon: 3, levels: [95], seasonPeriods: [] });
    expect(none.warnings.map((w) => w.code)).toContain('SL_FORECAST_FEW_WINDOWS');
    expect(none.intervalMethod).toBe('analytic');
    const bare = withConformalIntervals(pointOnly)(short, { horizon: 3, levels: [95], seasonPeriods: [] });
    expect(Array.from(bare.intervals[0]!.upper)).toEqual(Array.from(bare.mean));
    for (const v of bare.intervals[0]!.lower) expect(Number.isFinite(v)).toBe(true);
  });
});

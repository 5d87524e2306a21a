import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { backtestModels, backtestOrigins, rollingOrigin } from './backtest.ts';
import { driftModel, naiveModel } from './baselines/index.ts';
import type { ForecastModel } from './types.ts';

describe('rolling-origin windows', () => {
  it('end at the last point and step back by the horizon by default (5 windows)', () => {
    const { origins, step, warnings } = backtestOrigins(100, { horizon: 10 });
    expect(step).toBe(10);
    expect(origins).toEqual([50, 60, 70, 80, 90]);
    expect(warnings).toEqual([]);
  });

  it('use every window that fits after `initial` when no count is given', () => {
    expect(backtestOrigins(20, { horizon: 3, step: 2, initial: 10 }).origins).toEqual([11, 13, 15, 17]);
  });

  it('say so with a coded warning when fewer windows fit than asked, or none', () => {
    const few = backtestOrigins(30, { horizon: 10, windows: 5, seasonPeriods: [7] });
    expect(few.origins).toEqual([20]);
    expect(few.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_FEW_WINDOWS']);
    expect(backtestOrigins(5, { horizon: 4 }).origins).toEqual([]);
  });
});

describe('rollingOrigin', () => {
  const y = Float64Array.from([1, 2, 4, 7, 11, 16, 22, 29]);

  it('refits on each prefix and scores the next steps (naive on a hand-computed case)', () => {
    const result = rollingOrigin(y, naiveModel, { horizon: 2, windows: 3, levels: [80] });
    // Only two fit: origin 2 would leave a training prefix under 3 points.
    expect(result.windows.map((w) => w.origin)).toEqual([4, 6]);
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_FEW_WINDOWS']);
    // Origin 4 (training 1, 2, 4, 7): forecast 7, 7 against 11, 16.
    const w = result.windows[0]!;
    expect(Array.from(w.errors)).toEqual([4, 9]);
    expect(Array.from(result.absErrors[0]!)).toEqual([4, 6]);
    expect(Array.from(result.absErrors[1]!)).toEqual([9, 13]);
    expect(Array.from(result.maeByStep)).toEqual([5, 11]);
    // MAE averaged over windows: (6.5 + 9.5) / 2.
    expect(result.metrics!.mae).toBeCloseTo(8, 14);
    // MASE of the first window: MAE 6.5 over the naive scale of 1, 2, 4, 7 (1, 2, 3 → 2).
    expect(w.accuracy.mase).toBeCloseTo(6.5 / 2, 14);
    expect(result.metrics!.coverage['80']).toBeDefined();
  });

  it('passes the model a view of the series, not a copy', () => {
    const seen: Float64Array[] = [];
    const spy: ForecastModel = (train, options) => {
      seen.push(train);
      return naiveModel(train, options);
    };
    rollingOrigin(y, spy, { horizon: 1, windows: 2 });
    for (const train of seen) expect(train.buffer).toBe(y.buffer);
  });

  it('ranks drift above naive on a trending series, and their 95% coverage is near nominal on random walks', () => {
    const trend = Float64Array.from({ length: 80 }, (_, t) => 5 + 0.7 * t + Math.sin(t));
    const compared = backtestModels(
      trend,
      { naive: naiveModel, drift: driftModel },
      { horizon: 6, windows: 5 },
    );
    expect(compared['drift']!.metrics!.mae).toBeLessThan(compared['naive']!.metrics!.mae);

    const rng = createRng(9);
    let covered = 0;
    const trials = 400;
    for (let k = 0; k < trials; k++) {
      const walk = new Float64Array(200);
      for (let t = 1; t < 200; t++) walk[t] = walk[t - 1]! + rng.normal();
      const result = rollingOrigin(walk, naiveModel, { horizon: 4, windows: 5, levels: [95] });
      covered += result.metrics!.coverage['95']!;
    }
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(0.02);
  });

  it('a series too short for any window gives no metrics and a coded warning, not NaN', () => {
    const result = rollingOrigin(Float64Array.from([1, 2, 3]), naiveModel, { horizon: 5 });
    expect(result.windows).toEqual([]);
    expect(result.metrics).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_FEW_WINDOWS']);
  });
});

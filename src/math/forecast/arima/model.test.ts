import { describe, expect, it } from 'vitest';
import { createRng } from '../../random.ts';
import type { ModelForecast } from '../types.ts';
import { arimaModel } from './model.ts';

function expectFinite(f: ModelForecast, horizon: number): void {
  expect(f.mean).toHaveLength(horizon);
  for (const v of f.mean) expect(Number.isFinite(v)).toBe(true);
  for (const i of f.intervals) {
    for (let h = 0; h < horizon; h++) {
      expect(Number.isFinite(i.lower[h]!) && Number.isFinite(i.upper[h]!)).toBe(true);
      expect(i.lower[h]!).toBeLessThanOrEqual(f.mean[h]!);
      expect(i.upper[h]!).toBeGreaterThanOrEqual(f.mean[h]!);
    }
  }
}

describe('arimaModel', () => {
  it('names the model as R and reports parameters, log-likelihood, AICc and one-step fitted values', () => {
    const rng = createRng(41);
    const y = new Float64Array(200);
    for (let t = 1; t < y.length; t++) y[t] = 0.5 * y[t - 1]! + rng.normal();
    const f = arimaModel({ p: 1, d: 0, q: 0 })(y, { horizon: 3, levels: [95, 80], seasonPeriods: [] });
    expect(f.model).toBe('ARIMA(1,0,0) with non-zero mean');
    expect(Object.keys(f.params)).toEqual(['ar1', 'intercept', 'sigma2']);
    expect(f.params['ar1']).toBeCloseTo(0.5, 1);
    expect(f.intervals.map((i) => i.level)).toEqual([95, 80]);
    expect(f.intervals[0]!.upper[0]! - f.intervals[0]!.lower[0]!).toBeGreaterThan(
      f.intervals[1]!.upper[0]! - f.intervals[1]!.lower[0]!,
    );
    expect(f.logLik).toBeLessThan(0);
    expect(f.aicc).toBeCloseTo(-2 * f.logLik! + 6 + (2 * 3 * 4) / (200 - 3 - 1), 8);
    expect(f.fitted).toHaveLength(200);
    expect(f.warnings).toEqual([]);
  });

  it('a pure linear trend is extrapolated by ARIMA(0,1,1) with drift', () => {
    const rng = createRng(42);
    const y = Float64Array.from({ length: 150 }, (_, t) => 5 + 2 * t + 0.5 * rng.normal());
    const f = arimaModel({ p: 0, d: 1, q: 1, includeConstant: true })(y, {
      horizon: 10,
      levels: [95],
      seasonPeriods: [],
    });
    expect(f.model).toBe('ARIMA(0,1,1) with drift');
    expect(f.params['drift']).toBeCloseTo(2, 1);
    for (let h = 0; h < 10; h++) expect(Math.abs(f.mean[h]! - (5 + 2 * (150 + h)))).toBeLessThan(1.5);
  });

  it('a pure season is repeated by ARIMA(0,0,0)(0,1,1)[12]', () => {
    const rng = createRng(43);
    const pattern = [3, 5, 9, 4, -2, -6, -1, 0, 2, 7, 1, -3];
    const y = Float64Array.from({ length: 120 }, (_, t) => pattern[t % 12]! + 0.2 * rng.normal());
    const f = arimaModel({ p: 0, d: 0, q: 0, D: 1, Q: 1 })(y, {
      horizon: 12,
      levels: [80],
      seasonPeriods: [12],
    });
    expect(f.model).toBe('ARIMA(0,0,0)(0,1,1)[12]');
    for (let h = 0; h < 12; h++) expect(Math.abs(f.mean[h]! - pattern[h % 12]!)).toBeLessThan(0.3);
  });

  it('regression with ARIMA errors recovers the regressor effect and uses its future values', () => {
    const rng = createRng(44);
    const n = 300;
    const x = Float64Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
    const e = new Float64Array(n);
    for (let t = 1; t < n; t++) e[t] = 0.6 * e[t - 1]! + rng.normal();
    const y = Float64Array.from(e, (v, t) => 10 + 4 * x[t]! + v);
    const future = Float64Array.from([0, 1, 0]);
    const f = arimaModel({ p: 1, d: 0, q: 0 })(y, {
      horizon: 3,
      levels: [95],
      seasonPeriods: [],
      xreg: [x],
      futureXreg: [future],
    });
    expect(f.model).toBe('Regression with ARIMA(1,0,0) errors');
    expect(f.params['xreg1']).toBeCloseTo(4, 0);
    expect(f.mean[1]! - f.mean[0]!).toBeGreaterThan(2.5);
  });

  it('falls back with a coded warning when the series is too short for the season or no season is given', () => {
    const rng = createRng(45);
    const y = Float64Array.from({ length: 20 }, () => 10 + rng.normal());
    const short = arimaModel({ p: 1, d: 0, q: 0, P: 1, D: 1, Q: 1 })(y, {
      horizon: 5,
      levels: [80, 95],
      seasonPeriods: [24],
    });
    expect(short.model).toBe('ARIMA(1,0,0) with non-zero mean');
    expect(short.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_SHORT_SERIES']);
    expectFinite(short, 5);
    const noSeason = arimaModel({ p: 1, d: 0, q: 0, P: 1 })(y, {
      horizon: 5,
      levels: [95],
      seasonPeriods: [],
    });
    expect(noSeason.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_SEASON_UNSUPPORTED']);
    const tiny = arimaModel({ p: 2, d: 1, q: 2 })(Float64Array.from([1, 3, 2]), {
      horizon: 2,
      levels: [95],
      seasonPeriods: [],
    });
    expect(tiny.warnings.map((w) => w.code)).toContain('SL_FORECAST_SHORT_SERIES');
    expectFinite(tiny, 2);
  });

  it('a constant series gives the constant with zero-width intervals and a coded warning', () => {
    const f = arimaModel({ p: 1, d: 1, q: 1 })(new Float64Array(30).fill(4.5), {
      horizon: 3,
      levels: [95],
      seasonPeriods: [],
    });
    expect(Array.from(f.mean)).toEqual([4.5, 4.5, 4.5]);
    expect(Array.from(f.intervals[0]!.lower)).toEqual([4.5, 4.5, 4.5]);
    expect(f.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_CONSTANT_SERIES']);
  });

  it('an outlier widens the intervals but leaves every number finite', () => {
    const rng = createRng(46);
    const y = Float64Array.from({ length: 100 }, () => rng.normal());
    const clean = arimaModel({ p: 1, d: 0, q: 1 })(y, { horizon: 4, levels: [95], seasonPeriods: [] });
    y[60] = 500;
    const spiked = arimaModel({ p: 1, d: 0, q: 1 })(y, { horizon: 4, levels: [95], seasonPeriods: [] });
    expectFinite(spiked, 4);
    expect(spiked.intervals[0]!.upper[0]! - spiked.intervals[0]!.lower[0]!).toBeGreaterThan(
      clean.intervals[0]!.upper[0]! - clean.intervals[0]!.lower[0]!,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../../random.ts';
import type { ForecastOptions, ModelForecast } from '../types.ts';
import { autoEts, etsModel } from './index.ts';

const options = (seasonPeriods: number[] = [], horizon = 12): ForecastOptions => ({
  horizon,
  levels: [80, 95],
  seasonPeriods,
});

function expectSane(result: ModelForecast, horizon: number): void {
  expect(result.mean).toHaveLength(horizon);
  expect(result.intervals.map((i) => i.level)).toEqual([80, 95]);
  for (let h = 0; h < horizon; h++) {
    expect(Number.isFinite(result.mean[h])).toBe(true);
    for (const i of result.intervals) {
      expect(i.lower[h]).toBeLessThanOrEqual(result.mean[h]!);
      expect(i.upper[h]).toBeGreaterThanOrEqual(result.mean[h]!);
    }
  }
  const [i80, i95] = result.intervals;
  for (let h = 0; h < horizon; h++)
    expect(i95!.upper[h]! - i95!.lower[h]!).toBeGreaterThanOrEqual(i80!.upper[h]! - i80!.lower[h]!);
}

describe('ETS recovers known structure', () => {
  it('a pure linear trend with noise: AutoETS keeps a trend and extends the line', () => {
    const rng = createRng(3);
    const y = Float64Array.from({ length: 120 }, (_, t) => 50 + 2 * t + rng.normal());
    const result = autoEts(y, options([], 10));
    expect(result.model).toMatch(/^ETS\(.,A,N\)$/);
    for (let h = 1; h <= 10; h++) expect(result.mean[h - 1]).toBeCloseTo(50 + 2 * (119 + h), -0.5);
    expectSane(result, 10);
  });

  it('a pure season: AutoETS finds it and repeats the pattern', () => {
    const rng = createRng(4);
    const pattern = [10, 14, 20, 8, 5, 12, 30];
    const y = Float64Array.from({ length: 140 }, (_, t) => 100 + pattern[t % 7]! + 0.5 * rng.normal());
    const result = autoEts(y, options([7], 14));
    expect(result.model).toMatch(/^ETS\(.,N,(A|M)\)$/);
    for (let h = 0; h < 14; h++)
      expect(Math.abs(result.mean[h]! - (100 + pattern[(140 + h) % 7]!))).toBeLessThan(1.5);
    expect(result.params['gamma']).toBeDefined();
  });

  it('a random walk: ANN with α near 1 and a flat forecast at the last value', () => {
    const rng = createRng(5);
    let level = 0;
    const y = Float64Array.from({ length: 200 }, () => (level += rng.normal()));
    const result = etsModel({ error: 'A', trend: 'N', season: 'N' })(y, options());
    expect(result.params['alpha']).toBeGreaterThan(0.85);
    expect(result.mean[0]).toBeCloseTo(y[199]!, 0);
    expect(result.warnings).toEqual([]);
  });

  it('names the model as R does and reports R-style parameters', () => {
    const rng = createRng(6);
    const y = Float64Array.from(
      { length: 96 },
      (_, t) => 100 * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 12)) + rng.normal(),
    );
    const result = etsModel({ error: 'M', trend: 'Ad', season: 'M' })(y, options([12], 24));
    expect(result.model).toBe('ETS(M,Ad,M)');
    expect(Object.keys(result.params)).toEqual(
      expect.arrayContaining(['alpha', 'beta', 'gamma', 'phi', 'sigma2', 'l0', 'b0', 's1', 's12']),
    );
    expect(result.intervalMethod).toBe('simulation');
    expect(result.fitted).toHaveLength(96);
    expectSane(result, 24);
  });

  it('the same seed gives the same simulated intervals, another seed others', () => {
    const rng = createRng(7);
    const y = Float64Array.from(
      { length: 72 },
      (_, t) => 50 * (1 + 0.3 * Math.cos((2 * Math.PI * t) / 12)) + rng.normal(),
    );
    const model = etsModel({ error: 'M', trend: 'N', season: 'M' });
    const a = model(y, { ...options([12]), seed: 1 });
    const b = model(y, { ...options([12]), seed: 1 });
    const c = model(y, { ...options([12]), seed: 2 });
    expect(Array.from(a.intervals[1]!.upper)).toEqual(Array.from(b.intervals[1]!.upper));
    expect(Array.from(a.intervals[1]!.upper)).not.toEqual(Array.from(c.intervals[1]!.upper));
  });
});

describe('ETS on awkward input falls back with a coded warning, never NaN', () => {
  it('a constant series: a flat forecast with zero-width intervals', () => {
    const result = autoEts(new Float64Array(30).fill(7), options([7]));
    expect(result.warnings.map((w) => w.code)).toContain('SL_FORECAST_CONSTANT_SERIES');
    expect(Array.from(result.mean)).toEqual(new Array(12).fill(7));
    expect(Array.from(result.intervals[1]!.upper)).toEqual(new Array(12).fill(7));
  });

  it('three points: a sane forecast', () => {
    const result = autoEts(Float64Array.from([1, 3, 2]), options([12], 5));
    expectSane(result, 5);
    expect(result.warnings.map((w) => w.code)).toContain('SL_FORECAST_SHORT_SERIES');
  });

  it('a season longer than the data: fitted without it, SL_FORECAST_SHORT_SERIES', () => {
    const y = Float64Array.from({ length: 30 }, (_, t) => 10 + Math.sin(t));
    const result = etsModel({ error: 'A', trend: 'N', season: 'A' })(y, options([24]));
    expect(result.model).toBe('ETS(A,N,N)');
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_SHORT_SERIES']);
  });

  it('a period above 24: fitted without a season, SL_FORECAST_SEASON_UNSUPPORTED', () => {
    const rng = createRng(8);
    const y = Float64Array.from(
      { length: 1000 },
      (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 168) + rng.normal(),
    );
    const result = autoEts(y, options([168], 48));
    expect(result.model).toMatch(/,N\)$/);
    expect(result.warnings.map((w) => w.code)).toContain('SL_FORECAST_SEASON_UNSUPPORTED');
    expectSane(result, 48);
  });

  it('values <= 0 with a multiplicative form asked: additive instead, SL_FORECAST_NON_POSITIVE', () => {
    const rng = createRng(9);
    const y = Float64Array.from(
      { length: 60 },
      (_, t) => Math.sin((2 * Math.PI * t) / 12) * 5 + rng.normal(),
    );
    const result = etsModel({ error: 'M', trend: 'N', season: 'M' })(y, options([12]));
    expect(result.model).toBe('ETS(A,N,A)');
    expect(result.warnings.map((w) => w.code)).toContain('SL_FORECAST_NON_POSITIVE');
    const auto = autoEts(y, options([12]));
    expect(auto.model.startsWith('ETS(A,')).toBe(true);
    expect(auto.warnings.map((w) => w.code)).toContain('SL_FORECAST_NON_POSITIVE');
  });

  it('a huge outlier: finite forecast and intervals', () => {
    const rng = createRng(10);
    const y = Float64Array.from({ length: 100 }, () => 20 + rng.normal());
    y[50] = 1e6;
    const result = autoEts(y, options([], 10));
    expectSane(result, 10);
  });

  it('a series with an exact zero after positives does not crash a multiplicative form', () => {
    const y = Float64Array.from({ length: 48 }, (_, t) => (t === 30 ? 0 : 10 + (t % 12)));
    const result = etsModel({ error: 'M', trend: 'A', season: 'M' })(y, options([12]));
    expectSane(result, 12);
  });
});

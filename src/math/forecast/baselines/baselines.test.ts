import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/baselines.json' with { type: 'json' };
import { baselineSeries as series } from '../../../../test/fixtures/forecast/baselines-series.ts';
import { createRng } from '../../random.ts';
import type { ForecastModel, ModelForecast } from '../types.ts';
import { driftModel, naive2Model, naiveModel, seasonalNaiveModel } from './index.ts';

interface ReferenceCase {
  dataset: string;
  method: string;
  horizon: number;
  mean: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
  seasonal?: boolean;
}

function run(model: ForecastModel, c: ReferenceCase): ModelForecast {
  const { y, frequency } = series(c.dataset);
  return model(y, { horizon: c.horizon, levels: [80, 95], seasonPeriods: frequency > 1 ? [frequency] : [] });
}

/** Closed-form formulas evaluated in the same order as R: agreement to rounding. */
const TOLERANCE = 1e-9;

function expectSeries(actual: Float64Array, expected: number[], what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    expect(
      Math.abs(actual[i]! - expected[i]!) / scale,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    ).toBeLessThan(TOLERANCE);
  }
}

const MODELS: Record<string, ForecastModel> = {
  naive: naiveModel,
  snaive: seasonalNaiveModel,
  drift: driftModel,
  naive2: naive2Model,
};

const cases = (reference.cases as ReferenceCase[]).filter((c) => c.method in MODELS);

describe('baselines agree with R forecast 8.20 (naive, snaive, rwf drift) and M4 Benchmarks.R (Naive2)', () => {
  it.each(cases.map((c) => [c.method, c.dataset, c] as const))('%s on %s', (method, _dataset, c) => {
    const result = run(MODELS[method]!, c);
    expectSeries(result.mean, c.mean, 'mean');
    expect(result.intervals.map((i) => i.level)).toEqual([80, 95]);
    expectSeries(result.intervals[0]!.lower, c.lower80, 'lower80');
    expectSeries(result.intervals[0]!.upper, c.upper80, 'upper80');
    expectSeries(result.intervals[1]!.lower, c.lower95, 'lower95');
    expectSeries(result.intervals[1]!.upper, c.upper95, 'upper95');
    if (method === 'naive2') expect(result.params['seasonal']).toBe(c.seasonal ? 1 : 0);
    expect(result.warnings).toEqual([]);
  });
});

describe('Naive2 on a hand-computed case', () => {
  it('divides by the classical indices, forecasts the last adjusted value and re-seasonalises', () => {
    // Period 4, three cycles of 10·(1, 2, 3, 2) times a level that steps up, so the test passes:
    // r_4 is large and r_1..r_3 are not.
    const pattern = [1, 2, 3, 2];
    const y = Float64Array.from({ length: 16 }, (_, t) => 10 * pattern[t % 4]! * (1 + 0.01 * t));
    const result = naive2Model(y, { horizon: 4, levels: [80], seasonPeriods: [4] });
    expect(result.model).toBe('Naive2[4]');
    // By hand: the centred 2×4 moving average at t = 2..13, ratios y/trend averaged by position mod 4 and
    // normalised to mean 1; the adjusted last value y_15/s_3; the forecast that times s_0..s_3.
    const trend: number[] = [];
    for (let t = 2; t <= 13; t++)
      trend[t] = (0.5 * y[t - 2]! + y[t - 1]! + y[t]! + y[t + 1]! + 0.5 * y[t + 2]!) / 4;
    const figure = [0, 1, 2, 3].map((i) => {
      const ratios = [];
      for (let t = 2; t <= 13; t++) if (t % 4 === i) ratios.push(y[t]! / trend[t]!);
      return ratios.reduce((a, b) => a + b, 0) / ratios.length;
    });
    const average = figure.reduce((a, b) => a + b, 0) / 4;
    const s = figure.map((f) => f / average);
    const last = y[15]! / s[3]!;
    for (let h = 0; h < 4; h++) expect(result.mean[h]).toBeCloseTo(last * s[h]!, 12);
  });

  it('is the naive forecast when the series is not seasonal', () => {
    const rng = createRng(5);
    const y = new Float64Array(60);
    for (let t = 1; t < 60; t++) y[t] = y[t - 1]! + rng.normal();
    const a = naive2Model(y, { horizon: 6, levels: [95], seasonPeriods: [12] });
    const b = naiveModel(y, { horizon: 6, levels: [95], seasonPeriods: [] });
    expect(a.model).toBe('Naive2');
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
    expect(Array.from(a.intervals[0]!.upper)).toEqual(Array.from(b.intervals[0]!.upper));
  });
});

describe('baselines on known structure and awkward input', () => {
  it('seasonal naive repeats a pure season exactly, with zero-width intervals', () => {
    const y = Float64Array.from({ length: 21 }, (_, t) => [5, 9, 2, 7, 7, 1, 3][t % 7]!);
    const result = seasonalNaiveModel(y, { horizon: 10, levels: [80], seasonPeriods: [7] });
    expect(Array.from(result.mean)).toEqual([5, 9, 2, 7, 7, 1, 3, 5, 9, 2]);
    expect(Array.from(result.intervals[0]!.lower)).toEqual(Array.from(result.mean));
  });

  it('drift extends a pure trend exactly', () => {
    const y = Float64Array.from({ length: 30 }, (_, t) => 3 + 0.5 * t);
    const result = driftModel(y, { horizon: 5, levels: [95], seasonPeriods: [] });
    for (let h = 0; h < 5; h++) expect(result.mean[h]).toBeCloseTo(3 + 0.5 * (30 + h), 12);
    expect(result.params['drift']).toBeCloseTo(0.5, 14);
  });

  it('naive intervals hold 80% and 95% on random walks (within 2 points)', () => {
    const rng = createRng(2024);
    const hits = { 80: 0, 95: 0 };
    const trials = 4000;
    for (let k = 0; k < trials; k++) {
      const y = new Float64Array(101);
      for (let t = 1; t < 101; t++) y[t] = y[t - 1]! + rng.normal();
      const result = naiveModel(y.subarray(0, 100), { horizon: 1, levels: [80, 95], seasonPeriods: [] });
      for (const interval of result.intervals) {
        if (y[100]! >= interval.lower[0]! && y[100]! <= interval.upper[0]!) hits[interval.level as 80 | 95]++;
      }
    }
    expect(Math.abs(hits[80] / trials - 0.8)).toBeLessThan(0.02);
    expect(Math.abs(hits[95] / trials - 0.95)).toBeLessThan(0.02);
  });

  it('a series shorter than its season falls back to naive with a coded warning', () => {
    const y = Float64Array.from([3, 4, 5, 6, 5]);
    const result = seasonalNaiveModel(y, { horizon: 3, levels: [80], seasonPeriods: [7] });
    expect(result.model).toBe('Naive');
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_SHORT_SERIES']);
    expect(Array.from(result.mean)).toEqual([5, 5, 5]);
  });

  it('a constant series gives that constant, zero-width intervals and a coded warning from every baseline', () => {
    const y = new Float64Array(40).fill(7);
    for (const model of [naiveModel, seasonalNaiveModel, driftModel, naive2Model]) {
      const result = model(y, { horizon: 4, levels: [80, 95], seasonPeriods: [12] });
      expect(Array.from(result.mean)).toEqual([7, 7, 7, 7]);
      expect(Array.from(result.intervals[1]!.upper)).toEqual([7, 7, 7, 7]);
      expect(result.warnings.map((w) => w.code)).toContain('SL_FORECAST_CONSTANT_SERIES');
    }
  });

  it('the shortest allowed series (3 points) gives finite forecasts from every baseline', () => {
    const y = Float64Array.from([1, 4, 2]);
    for (const model of [naiveModel, seasonalNaiveModel, driftModel, naive2Model]) {
      const result = model(y, { horizon: 3, levels: [95], seasonPeriods: [2] });
      for (const v of [...result.mean, ...result.intervals[0]!.lower, ...result.intervals[0]!.upper])
        expect(Number.isFinite(v)).toBe(true);
    }
  });
});

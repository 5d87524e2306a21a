import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/stl.json' with { type: 'json' };
import { createRng } from '../../random.ts';
import { normalQuantile } from '../../stats/distributions.ts';
import type { ForecastModel, PlannedModel } from '../types.ts';
import { mstlModel, mstlPlan } from './model.ts';

/**
 * The random walk R's `forecast.stl(method = "naive")` runs on the adjusted series (`rwf`): the last
 * value, sigma the root mean square of the first differences (no degrees-of-freedom correction, as
 * R's lagwalk), sd_h = sigma sqrt(h). Written here so the test depends on no other model family.
 */
const naive: ForecastModel = (y, options) => {
  const n = y.length;
  let ss = 0;
  for (let t = 1; t < n; t++) ss += (y[t]! - y[t - 1]!) ** 2;
  const sigma = Math.sqrt(ss / (n - 1));
  const last = y[n - 1]!;
  const h = options.horizon;
  const mean = new Float64Array(h).fill(last);
  const fitted = new Float64Array(n);
  fitted[0] = Number.NaN;
  for (let t = 1; t < n; t++) fitted[t] = y[t - 1]!;
  return {
    model: 'Naive',
    mean,
    intervals: options.levels.map((level) => {
      const z = normalQuantile(0.5 + level / 200);
      const lower = new Float64Array(h);
      const upper = new Float64Array(h);
      for (let j = 0; j < h; j++) {
        lower[j] = last - z * sigma * Math.sqrt(j + 1);
        upper[j] = last + z * sigma * Math.sqrt(j + 1);
      }
      return { level, lower, upper };
    }),
    intervalMethod: 'analytic',
    fitted,
    params: { sigma },
    logLik: null,
    aicc: null,
    warnings: [],
  };
};

function maxAbsDiff(actual: Float64Array, expected: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

describe("mstlModel agrees with R's forecast(mstl(x), method = 'naive')", () => {
  it('on 1,000 hours of nyc_taxi with periods 24 and 168, horizon 48', () => {
    const c = reference.mstlForecast;
    const y = Float64Array.from(reference.mstl.y);
    const result = mstlModel(naive)(y, { horizon: 48, levels: [80, 95], seasonPeriods: [24, 168] });
    expect(result.model).toBe('MSTL(24,168)+Naive');
    expect(result.warnings).toEqual([]);
    // Deterministic on both sides; values are in the tens of thousands, 1e-6 is rounding-level.
    expect(maxAbsDiff(result.mean, c.mean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.intervals[0]!.lower, c.lower80)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.intervals[0]!.upper, c.upper80)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.intervals[1]!.lower, c.lower95)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.intervals[1]!.upper, c.upper95)).toBeLessThan(1e-6);
    expect(result.intervals.map((i) => i.level)).toEqual([80, 95]);
  });
});

describe('mstlModel on series of known structure', () => {
  it('forecasts a planted daily plus weekly season a week ahead', () => {
    const rng = createRng(3);
    const n = 24 * 7 * 6;
    const h = 168;
    const signal = (t: number) =>
      200 +
      20 * Math.sin((2 * Math.PI * t) / 24) +
      6 * Math.cos((4 * Math.PI * t) / 24) +
      15 * Math.sin((2 * Math.PI * t) / 168);
    const y = new Float64Array(n);
    for (let t = 0; t < n; t++) y[t] = signal(t) + rng.normal();
    const result = mstlModel(naive)(y, { horizon: h, levels: [95], seasonPeriods: [24, 168] });
    let worst = 0;
    for (let j = 0; j < h; j++) worst = Math.max(worst, Math.abs(result.mean[j]! - signal(n + j)));
    // The season's amplitude is 41; the forecast misses the truth by about the noise (sd 1) plus the
    // naive level's own error, never by a misplaced cycle.
    expect(worst).toBeLessThan(4);
    for (let j = 0; j < h; j++) {
      expect(result.intervals[0]!.lower[j]!).toBeLessThan(result.mean[j]!);
      expect(result.intervals[0]!.upper[j]!).toBeGreaterThan(result.mean[j]!);
    }
    // In-sample fitted values carry the seasonal components: far closer to y than the adjusted naive.
    let fittedErr = 0;
    for (let t = 1; t < n; t++) fittedErr += Math.abs(result.fitted![t]! - y[t]!);
    expect(fittedErr / (n - 1)).toBeLessThan(3);
  });

  it('drops a period with fewer than two cycles and says so', () => {
    const y = Float64Array.from(reference.mstlShort.y);
    const result = mstlModel(naive)(y, { horizon: 24, levels: [80], seasonPeriods: [24, 168] });
    expect(result.model).toBe('MSTL(24)+Naive');
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_SHORT_SERIES']);
    expect(result.warnings[0]!.message).toContain('168');
    expect(result.mean.every(Number.isFinite)).toBe(true);
  });

  it('gives the inner model alone when no period fits, with the warning', () => {
    const y = Float64Array.from([5, 6, 7, 6, 5, 6, 7]);
    const result = mstlModel(naive)(y, { horizon: 3, levels: [80, 95], seasonPeriods: [4] });
    expect(result.model).toBe('Naive');
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_SHORT_SERIES']);
    expect(Array.from(result.mean)).toEqual([7, 7, 7]);
  });

  it('passes a constant series to the inner model undecomposed, never NaN', () => {
    const y = new Float64Array(400).fill(42);
    const result = mstlModel(naive)(y, { horizon: 5, levels: [80, 95], seasonPeriods: [24, 168] });
    expect(Array.from(result.mean)).toEqual([42, 42, 42, 42, 42]);
    for (const iv of result.intervals) {
      expect(Array.from(iv.lower)).toEqual([42, 42, 42, 42, 42]);
      expect(Array.from(iv.upper)).toEqual([42, 42, 42, 42, 42]);
    }
  });

  it('keeps an outlier in the history from breaking the forecast (finite, season intact)', () => {
    const n = 24 * 20;
    const y = new Float64Array(n);
    for (let t = 0; t < n; t++) y[t] = 50 + 10 * Math.sin((2 * Math.PI * t) / 24);
    y[200] = 5000;
    const result = mstlModel(naive)(y, { horizon: 24, levels: [95], seasonPeriods: [24] });
    expect(result.mean.every(Number.isFinite)).toBe(true);
    for (let j = 0; j < 24; j++)
      expect(Math.abs(result.mean[j]! - (50 + 10 * Math.sin((2 * Math.PI * (n + j)) / 24)))).toBeLessThan(1);
  });
});

describe('mstlPlan', () => {
  it('forecasts the whole series as mstlModel does, and a window from its own decomposition with the inner plan’s window model', () => {
    const rng = createRng(8);
    const y = Float64Array.from(
      { length: 24 * 7 * 4 },
      (_, t) => 100 + 0.05 * t + 10 * Math.sin((2 * Math.PI * t) / 24) + rng.normal(),
    );
    const options = { horizon: 24, levels: [80, 95], seasonPeriods: [24, 168] };
    const calls = { plan: [] as number[], window: [] as number[] };
    const inner: PlannedModel = (adjusted, o) => {
      calls.plan.push(adjusted.length);
      return {
        forecast: naive(adjusted, o),
        window: (train, wo) => {
          calls.window.push(train.length);
          return naive(train, wo);
        },
      };
    };
    const plan = mstlPlan(inner)(y, options);
    expect(plan.forecast).toEqual(mstlModel(naive)(y, options));
    const train = y.subarray(0, y.length - 48);
    expect(plan.window(train, options)).toEqual(mstlModel(naive)(train, options));
    // The inner model planned once, on the whole adjusted series; the window used its window model.
    expect(calls).toEqual({ plan: [y.length], window: [train.length] });
  });
});

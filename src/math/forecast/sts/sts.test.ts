import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/sts.json' with { type: 'json' };
import { createRng } from '../../random.ts';
import { normalQuantile } from '../../stats/distributions.ts';
import { kalmanFilter } from './filter.ts';
import { fitSts } from './fit.ts';
import { forecastMoments } from './forecast.ts';
import { stsModel } from './model.ts';
import { smoothStates } from './smoother.ts';
import { type StsStructure, stateLayout } from './system.ts';

interface Case {
  name: string;
  trend: 'level' | 'local-linear';
  period: number;
  seasonalForm: 'dummy' | 'trigonometric';
  harmonics: number;
  y: (number | null)[];
  xreg: number[][] | null;
  futureXreg: number[][] | null;
  variances: { irregular: number; level: number; slope: number; seasonal: number };
  llf: number;
  smoothedLevel: number[];
  smoothedLastState: number[];
  horizon: number;
  forecastMean: number[];
  intervals: { level: number; lower: number[]; upper: number[] }[];
}
const cases = reference.cases as unknown as Case[];

function unpack(c: Case) {
  const y = Float64Array.from(c.y, (v) => v ?? Number.NaN);
  const xreg = (c.xreg ?? []).map((r) => Float64Array.from(r));
  const futureXreg = (c.futureXreg ?? []).map((r) => Float64Array.from(r));
  const structure: StsStructure = {
    trend: c.trend,
    period: c.period,
    seasonalForm: c.seasonalForm,
    harmonics: c.harmonics,
    regressors: xreg.length,
  };
  return { y, xreg, futureXreg, structure, layout: stateLayout(structure) };
}

const relativeError = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('the filter, smoother and forecast agree with statsmodels UnobservedComponents at its variances', () => {
  // Same model, same variances, same exact diffuse convention: the only differences are rounding, so
  // 1e-9 relative (measured: below 2e-13 on every case).
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { y, xreg, futureXreg, layout } = unpack(c);
    const smoothed = smoothStates(layout, y, xreg, c.variances);
    expect(relativeError(smoothed.filter.logLik, c.llf)).toBeLessThan(1e-9);
    const k = layout.k;
    for (let t = 0; t < y.length; t++) {
      expect(relativeError(smoothed.states[t * k]!, c.smoothedLevel[t]!)).toBeLessThan(1e-9);
    }
    const scale = Math.abs(c.smoothedLastState[0]!);
    for (let i = 0; i < k; i++) {
      const got = smoothed.states[(y.length - 1) * k + i]!;
      expect(Math.abs(got - c.smoothedLastState[i]!) / scale).toBeLessThan(1e-9);
    }
    const f = forecastMoments(layout, smoothed.filter, c.variances, futureXreg, c.horizon);
    for (let j = 0; j < c.horizon; j++) {
      expect(relativeError(f.mean[j]!, c.forecastMean[j]!)).toBeLessThan(1e-9);
      for (const interval of c.intervals) {
        const half = normalQuantile(0.5 + interval.level / 200) * Math.sqrt(f.variance[j]!);
        expect(relativeError(f.mean[j]! - half, interval.lower[j]!)).toBeLessThan(1e-9);
        expect(relativeError(f.mean[j]! + half, interval.upper[j]!)).toBeLessThan(1e-9);
      }
    }
  });
});

describe('maximum likelihood reaches statsmodels optimum', () => {
  // Different optimisers (our Nelder-Mead on log variance ratios with the irregular concentrated out,
  // statsmodels' L-BFGS then Nelder-Mead on variances) stop at slightly different points of a flat
  // optimum: 1e-3 in the log-likelihood is far below any difference that would change a model choice.
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { y, xreg, structure } = unpack(c);
    const fit = fitSts(y, structure, xreg);
    expect(fit.logLik).toBeGreaterThan(c.llf - 1e-3);
  });

  it('finds the Nile variances of Durbin & Koopman (σ²_ε ≈ 15099, σ²_η ≈ 1469.1)', () => {
    const { y, structure } = unpack(cases[0]!);
    const fit = fitSts(y, structure);
    expect(relativeError(fit.variances.irregular, 15099)).toBeLessThan(2e-3);
    expect(relativeError(fit.variances.level, 1469.1)).toBeLessThan(5e-3);
  });
});

describe('stsModel recovers known structure', () => {
  const options = { horizon: 12, levels: [80, 95], seasonPeriods: [] as number[] };

  it('continues a pure linear trend with intervals that hug it', () => {
    const rng = createRng(11);
    const y = Float64Array.from({ length: 80 }, (_, t) => 5 + 0.7 * t + 0.01 * rng.normal());
    const f = stsModel({ trend: 'local-linear' })(y, options);
    for (let j = 0; j < 12; j++) expect(f.mean[j]!).toBeCloseTo(5 + 0.7 * (80 + j), 1);
    expect(f.intervals[1]!.upper[11]! - f.intervals[1]!.lower[11]!).toBeLessThan(0.5);
    expect(f.warnings).toEqual([]);
  });

  it('repeats a pure season', () => {
    const pattern = [3, -1, 4, 1, -5, 9, -2];
    const y = Float64Array.from({ length: 70 }, (_, t) => 100 + pattern[t % 7]!);
    const f = stsModel({ trend: 'level', seasonal: true })(y, { ...options, seasonPeriods: [7] });
    expect(f.model).toBe('STS(local level, dummy season 7)');
    for (let j = 0; j < 12; j++) expect(f.mean[j]!).toBeCloseTo(100 + pattern[(70 + j) % 7]!, 3);
  });

  it('estimates the variances of a simulated local level + season 12 process', () => {
    const rng = createRng(5);
    let level = 50;
    const season = Array.from({ length: 11 }, (_, i) => 4 * Math.sin(i + 1));
    const y = new Float64Array(600);
    for (let t = 0; t < y.length; t++) {
      const gamma = -season.reduce((a, b) => a + b, 0) + 0.3 * rng.normal();
      y[t] = level + gamma + 2 * rng.normal();
      season.unshift(gamma);
      season.pop();
      level += rng.normal();
    }
    const f = stsModel({ trend: 'level', seasonal: true })(y, { ...options, seasonPeriods: [12] });
    expect(f.params['sigma2.irregular']!).toBeGreaterThan(4 * 0.7);
    expect(f.params['sigma2.irregular']!).toBeLessThan(4 * 1.3);
    expect(f.params['sigma2.level']!).toBeGreaterThan(0.6);
    expect(f.params['sigma2.level']!).toBeLessThan(1.5);
    expect(f.params['sigma2.seasonal']!).toBeLessThan(0.3);
  });

  it('recovers regression coefficients (the seeded fixture has 2 and −1)', () => {
    const c = cases.find((x) => x.xreg !== null)!;
    const { y, xreg, futureXreg } = unpack(c);
    const f = stsModel({ trend: 'level' })(y, { ...options, horizon: c.horizon, xreg, futureXreg });
    expect(f.params['beta.1']!).toBeCloseTo(2, 0);
    expect(f.params['beta.2']!).toBeCloseTo(-1, 0);
    for (let j = 0; j < c.horizon; j++)
      expect(relativeError(f.mean[j]!, c.forecastMean[j]!)).toBeLessThan(1e-2);
  });
});

describe('stsModel on awkward input', () => {
  const options = { horizon: 5, levels: [80, 95], seasonPeriods: [12] };
  const finite = (f: {
    mean: Float64Array;
    intervals: readonly { lower: Float64Array; upper: Float64Array }[];
  }) => {
    for (const v of f.mean) expect(Number.isFinite(v)).toBe(true);
    for (const i of f.intervals)
      for (const v of [...i.lower, ...i.upper]) expect(Number.isFinite(v)).toBe(true);
  };

  it('handles missing points natively: NaN in y is skipped, fitted there is the prediction (an imputation)', () => {
    const y = Float64Array.from(cases[0]!.y, (v) => v ?? Number.NaN);
    y[40] = Number.NaN;
    y[99] = Number.NaN;
    const f = stsModel({ trend: 'level' })(y, { ...options, seasonPeriods: [] });
    finite(f);
    expect(f.fitted![40]!).toBeCloseTo(f.fitted![41]!, 6); // a local level's prediction does not move over a gap
    expect(Number.isFinite(f.fitted![41]!)).toBe(true);
  });

  it('drops a season longer than half the series, with SL_FORECAST_SHORT_SERIES', () => {
    const y = Float64Array.from({ length: 20 }, (_, t) => Math.sin(t) + t / 10);
    const f = stsModel({ trend: 'local-linear', seasonal: true })(y, options);
    finite(f);
    expect(f.warnings.map((w) => w.code)).toContain('SL_FORECAST_SHORT_SERIES');
    expect(f.model).toBe('STS(local linear trend)');
  });

  it('gives the constant for a constant series, with SL_FORECAST_CONSTANT_SERIES', () => {
    const f = stsModel({ trend: 'level' })(new Float64Array(30).fill(7), options);
    expect([...f.mean]).toEqual([7, 7, 7, 7, 7]);
    expect(f.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_CONSTANT_SERIES']);
  });

  it('repeats the last value of a series with fewer than 3 observed points', () => {
    const f = stsModel({ trend: 'level' })(Float64Array.from([Number.NaN, 4, Number.NaN, 6]), options);
    expect([...f.mean]).toEqual([6, 6, 6, 6, 6]);
    expect(f.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_SHORT_SERIES']);
  });

  it('stays finite and sane with a huge outlier', () => {
    const rng = createRng(3);
    const y = Float64Array.from({ length: 60 }, () => 10 + rng.normal());
    y[30] = 1e6;
    const f = stsModel({ trend: 'local-linear' })(y, { ...options, seasonPeriods: [] });
    finite(f);
    expect(Math.abs(f.mean[0]! - 10)).toBeLessThan(2);
    expect(f.intervals[1]!.upper[0]! - f.intervals[1]!.lower[0]!).toBeLessThan(20);
    expect(f.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_OUTLIERS_SKIPPED']);
  });

  it('leaves out regressors without future values, with SL_FORECAST_OPTION_INVALID', () => {
    const y = Float64Array.from({ length: 40 }, (_, t) => t % 5);
    const f = stsModel({ trend: 'level' })(y, {
      ...options,
      seasonPeriods: [],
      xreg: [new Float64Array(40)],
    });
    finite(f);
    expect(f.warnings.map((w) => w.code)).toContain('SL_FORECAST_OPTION_INVALID');
    expect(f.model).toBe('STS(local level)');
  });

  it('uses the trigonometric form for a long period (168) and fits it', () => {
    const rng = createRng(9);
    const y = Float64Array.from(
      { length: 400 },
      (_, t) => 20 + 5 * Math.sin((2 * Math.PI * t) / 168) + rng.normal(),
    );
    const f = stsModel({ trend: 'level' })(y, { ...options, seasonPeriods: [168] });
    finite(f);
    expect(f.model).toBe('STS(local level, trigonometric season 168 (6 harmonics))');
    expect(f.mean[0]!).toBeCloseTo(20 + 5 * Math.sin((2 * Math.PI * 400) / 168), -0.5);
  });

  it('the steady-state shortcut changes nothing: a series with and without a late gap give the same start', () => {
    const y = Float64Array.from(cases[4]!.y, (v) => v ?? Number.NaN);
    const layout = stateLayout({
      trend: 'level',
      period: 12,
      seasonalForm: 'dummy',
      harmonics: 0,
      regressors: 0,
    });
    const full = kalmanFilter(layout, y, [], cases[4]!.variances);
    const gap = y.slice();
    gap[y.length - 1] = Number.NaN;
    const partial = kalmanFilter(layout, gap, [], cases[4]!.variances);
    for (let t = 0; t < y.length - 1; t++) expect(partial.fitted[t]).toBe(full.fitted[t]);
  });
});

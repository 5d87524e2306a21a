import { describe, expect, it } from 'vitest';
import { createRng } from '../../random.ts';
import type { ForecastOptions, ModelForecast } from '../types.ts';
import { fitEts } from './fit.ts';
import type { EtsForm } from './form.ts';
import { autoEts, autoEtsPlan, autoEtsSearchPlan, etsModel } from './index.ts';

/** The bench's two-year daily series: a drifting level, a weekly and a yearly wave, noise (seed 7). */
function daily(n = 730): Float64Array {
  const rng = createRng(7);
  let level = 1000;
  return Float64Array.from({ length: n }, (_, t) => {
    level += 0.5 + rng.normal() * 5;
    return (
      level * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 7) + 0.1 * Math.sin((2 * Math.PI * t) / 365.25)) +
      rng.normal() * 20
    );
  });
}

const options: ForecastOptions = { horizon: 30, levels: [80, 95], seasonPeriods: [7], seed: 1 };

function expectSameForecast(a: ModelForecast, b: ModelForecast): void {
  expect(a.model).toBe(b.model);
  expect(a.mean).toEqual(b.mean);
  expect(a.intervals).toEqual(b.intervals);
  expect(a.params).toEqual(b.params);
  expect(a.warnings).toEqual(b.warnings);
}

describe('fitEts started from a fit to the whole series', () => {
  const y = daily();
  // One profiled form (the initial state solved for) and joint ones (Nelder-Mead over all of it).
  const forms: EtsForm[] = [
    { error: 'A', trend: 'Ad', season: 'A' },
    { error: 'M', trend: 'Ad', season: 'M' },
    { error: 'M', trend: 'A', season: 'A' },
    { error: 'M', trend: 'N', season: 'N' },
  ];
  it.each(forms.map((f) => [`ETS(${f.error},${f.trend},${f.season})`, f] as const))(
    '%s: on each backtest prefix it reaches the likelihood of a fit from R’s start',
    (_, form) => {
      const whole = fitEts(y, form, 7)!;
      for (const n of [640, 670, 700]) {
        const prefix = y.subarray(0, n);
        const cold = fitEts(prefix, form, 7)!;
        const warm = fitEts(prefix, form, 7, whole)!;
        // Measured: within 0.04 of the cold fit's AICc on all 45 (prefix, form) pairs of this series.
        expect(Math.abs(warm.aicc - cold.aicc)).toBeLessThan(0.1);
      }
    },
  );
});

describe('autoEtsPlan', () => {
  const y = daily();
  const plan = autoEtsPlan(y, options);

  it('forecasts the whole series exactly as autoEts does', () => {
    expectSameForecast(plan.forecast, autoEts(y, options));
  });

  it('refits the form chosen on the whole series in a window, as a fit of that form alone would', () => {
    expect(plan.forecast.model).toBe('ETS(A,Ad,A)');
    const prefix = y.subarray(0, 670);
    const window = plan.window(prefix, options);
    expect(window.model).toBe('ETS(A,Ad,A)');
    // The same optimum reached from another start: point forecasts within 0.1% of the cold fit's.
    const cold = etsModel({ error: 'A', trend: 'Ad', season: 'A' })(prefix, options);
    for (let h = 0; h < options.horizon; h++) {
      expect(Math.abs(window.mean[h]! - cold.mean[h]!)).toBeLessThan(1e-3 * Math.abs(cold.mean[h]!));
    }
  });

  it('keeps the whole series’ form in a window whose own best form would be another', () => {
    // Flat for 120 points, then a trend: the whole series wants a trend, its first 110 points do not.
    const rng = createRng(3);
    const shift = Float64Array.from(
      { length: 200 },
      (_, t) => 100 + (t < 120 ? 0 : 1.5 * (t - 120)) + rng.normal() * 2,
    );
    const flat = { ...options, horizon: 10, seasonPeriods: [] };
    const shiftPlan = autoEtsPlan(shift, flat);
    expect(shiftPlan.forecast.model).toBe('ETS(A,A,N)');
    expect(autoEts(shift.subarray(0, 110), flat).model).toBe('ETS(M,N,N)');
    expect(shiftPlan.window(shift.subarray(0, 110), flat).model).toBe('ETS(A,A,N)');
  });

  it('with autoEtsSearchPlan, a window chooses its own form again, as autoEts on it does', () => {
    const rng = createRng(3);
    const shift = Float64Array.from(
      { length: 200 },
      (_, t) => 100 + (t < 120 ? 0 : 1.5 * (t - 120)) + rng.normal() * 2,
    );
    const flat = { ...options, horizon: 10, seasonPeriods: [] };
    const searchPlan = autoEtsSearchPlan(shift, flat);
    expectSameForecast(searchPlan.forecast, autoEts(shift, flat));
    const prefix = shift.subarray(0, 110);
    const window = searchPlan.window(prefix, flat);
    const cold = autoEts(prefix, flat);
    expect(window.model).toBe('ETS(M,N,N)');
    expect(window.model).toBe(cold.model);
    for (let h = 0; h < flat.horizon; h++) {
      expect(Math.abs(window.mean[h]! - cold.mean[h]!)).toBeLessThan(1e-3 * Math.abs(cold.mean[h]!));
    }
  });

  it('repeats the whole AutoETS search on a window too short for the chosen form’s season', () => {
    // 2·7 + 3 points are the least ETS takes a weekly season from; 16 are one too few.
    const prefix = y.subarray(0, 16);
    expectSameForecast(plan.window(prefix, options), autoEts(prefix, options));
  });

  it('repeats the search on a constant window, and on every window when the whole series is constant', () => {
    const flat = new Float64Array(60).fill(4);
    const constantPlan = autoEtsPlan(flat, options);
    expectSameForecast(constantPlan.forecast, autoEts(flat, options));
    expectSameForecast(
      constantPlan.window(flat.subarray(0, 40), options),
      autoEts(flat.subarray(0, 40), options),
    );
    const steps = Float64Array.from(y.subarray(0, 100));
    steps.fill(y[0]!, 0, 40);
    const stepsPlan = autoEtsPlan(steps, options);
    expectSameForecast(
      stepsPlan.window(steps.subarray(0, 40), options),
      autoEts(steps.subarray(0, 40), options),
    );
  });
});

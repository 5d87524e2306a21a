import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../random.ts';
import type { EtsForm } from './form.ts';
import { etsModel } from './model.ts';

/**
 * Interval coverage on data drawn from the model's own process (Hyndman et al. 2008, eq. 2.11 with
 * Gaussian innovations): the share of future values inside the 80% and 95% intervals, over seeded
 * replicates and horizons 1..6, must be within 2 points of nominal. Parameter estimation makes
 * intervals slightly narrow at small n (the variance formulas take the weights as known), so the
 * series are 200 points long. 600 replicates × 6 horizons: the Monte Carlo s.e. of a coverage is
 * about 0.7 points at 80% (less at 95%; horizons of one replicate are correlated).
 */
function simulate(form: EtsForm, m: number, n: number, rng: Rng): Float64Array {
  const alpha = 0.3;
  const beta = 0.05;
  const gamma = 0.1;
  let l = 100;
  let b = form.trend === 'N' ? 0 : 0.5;
  const season = Array.from({ length: m }, (_, j) =>
    form.season === 'A' ? 8 * Math.sin((2 * Math.PI * j) / m) : 0,
  );
  const sigma = 2;
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const s = form.season === 'A' ? season[t % m]! : 0;
    const e = sigma * rng.normal();
    y[t] = l + b + s + e;
    const lNew = l + b + alpha * e;
    if (form.trend !== 'N') b += beta * e;
    if (form.season === 'A') season[t % m] = s + gamma * e;
    l = lNew;
  }
  return y;
}

describe('ETS interval coverage in simulation from the model itself', () => {
  const forms: [string, EtsForm, number][] = [
    ['ANN', { error: 'A', trend: 'N', season: 'N' }, 1],
    ['AAN', { error: 'A', trend: 'A', season: 'N' }, 1],
    ['AAA', { error: 'A', trend: 'A', season: 'A' }, 4],
  ];
  it.each(forms)('%s: 80%% and 95%% intervals hold within 2 points', (_, form, m) => {
    const rng = createRng(2024 + m + (form.trend === 'A' ? 10 : 0));
    const horizon = 6;
    const n = 200;
    const model = etsModel(form);
    const hits = [0, 0];
    let total = 0;
    for (let r = 0; r < 600; r++) {
      const all = simulate(form, m, n + horizon, rng);
      const result = model(all.subarray(0, n), {
        horizon,
        levels: [80, 95],
        seasonPeriods: m > 1 ? [m] : [],
      });
      for (let h = 0; h < horizon; h++) {
        const actual = all[n + h]!;
        result.intervals.forEach((interval, k) => {
          if (actual >= interval.lower[h]! && actual <= interval.upper[h]!) hits[k]!++;
        });
        total++;
      }
    }
    expect(Math.abs((100 * hits[0]!) / total - 80)).toBeLessThanOrEqual(2);
    expect(Math.abs((100 * hits[1]!) / total - 95)).toBeLessThanOrEqual(2);
  });
});

import { describe, expect, it } from 'vitest';
import { isSightlineError } from '../../errors/index.ts';
import { createRng, logGamma } from '../random.ts';
import { chiSquareCdf, chiSquareSf } from './distributions.ts';
import type { SampleSizeQuery } from './power.ts';
import { binomialDraw, gammaDraw, simulatePower, simulateSampleSize } from './power-simulation.ts';

/** The exact Binomial(n, p) probability of k, from log-gamma. */
function binomialPmf(k: number, n: number, p: number): number {
  return Math.exp(
    logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p),
  );
}

describe('the exact samplers behind the simulation', () => {
  it.each([
    [10, 0.3],
    [200, 0.1],
    [1000, 0.97],
    [5000, 0.5],
  ])('Binomial(%i, %d) draws fit the exact distribution (chi-square goodness of fit)', (n, p) => {
    const rng = createRng(n);
    const draws = 20_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < draws; i++) {
      const k = binomialDraw(rng, n, p);
      expect(Number.isInteger(k) && k >= 0 && k <= n).toBe(true);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    // Cells of at least 5 expected draws, consecutive values pooled; a short remainder joins the last cell.
    const observed: number[] = [];
    const expected: number[] = [];
    let o = 0;
    let e = 0;
    for (let k = 0; k <= n; k++) {
      o += counts.get(k) ?? 0;
      e += draws * binomialPmf(k, n, p);
      if (e >= 5) {
        observed.push(o);
        expected.push(e);
        o = 0;
        e = 0;
      }
    }
    observed[observed.length - 1]! += o;
    expected[expected.length - 1]! += e;
    const cells = observed.length;
    const statistic = observed.reduce((acc, obs, i) => acc + (obs - expected[i]!) ** 2 / expected[i]!, 0);
    expect(cells).toBeGreaterThan(3);
    expect(chiSquareSf(statistic, cells - 1)).toBeGreaterThan(0.001);
  });

  it('Binomial(1,000,000, 0.02) has the right mean and variance, at O(log n) cost', () => {
    const rng = createRng(5);
    const draws = 4000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < draws; i++) {
      const k = binomialDraw(rng, 1_000_000, 0.02);
      sum += k;
      sumSquares += k * k;
    }
    const mean = sum / draws;
    const variance = (sumSquares - sum * mean) / (draws - 1);
    expect(Math.abs(mean - 20_000) / Math.sqrt(19_600 / draws)).toBeLessThan(4);
    expect(Math.abs(variance / 19_600 - 1)).toBeLessThan(0.1);
  });

  it('the edges p = 0 and p = 1 are exact', () => {
    const rng = createRng(1);
    expect(binomialDraw(rng, 500, 0)).toBe(0);
    expect(binomialDraw(rng, 500, 1)).toBe(500);
  });

  it.each([0.5, 1, 3.7, 499.5])(
    '2·Gamma(%d) draws are chi-square with 2·shape degrees of freedom (KS)',
    (shape) => {
      const rng = createRng(Math.round(shape * 10));
      const draws = 20_000;
      const x = Float64Array.from({ length: draws }, () => 2 * gammaDraw(rng, shape)).sort();
      let d = 0;
      for (let i = 0; i < draws; i++) {
        const f = chiSquareCdf(x[i]!, 2 * shape);
        d = Math.max(d, Math.abs(f - i / draws), Math.abs((i + 1) / draws - f));
      }
      // The KS critical value at the 0.001 level is about 1.95/√n.
      expect(d).toBeLessThan(1.95 / Math.sqrt(draws));
    },
  );
});

/** Within Monte Carlo error (3.5 standard errors) of the target, plus a small allowance for the model. */
function expectNear(
  simulated: { power: number; standardError: number },
  target: number,
  allowance = 0,
): void {
  expect(Math.abs(simulated.power - target)).toBeLessThanOrEqual(3.5 * simulated.standardError + allowance);
}

describe('the simulated power at the analytic sample size reaches the target', () => {
  const cases: [string, SampleSizeQuery][] = [
    ['conversion 10% → 12%', { metric: { type: 'proportion', baselineRate: 0.1 }, mde: 0.02 }],
    [
      'conversion 35% → 30%, 3:1, 90% power',
      { metric: { type: 'proportion', baselineRate: 0.35 }, mde: -0.05, ratio: 3, power: 0.9 },
    ],
    ['a mean shift of 0.2 σ', { metric: { type: 'mean', baselineMean: 50, sd: 1 }, mde: 0.2 }],
    [
      'a 2% lift of a mean, 1:2, α = 0.01',
      {
        metric: { type: 'mean', baselineMean: 10, sd: 4 },
        mde: 0.02,
        relative: true,
        ratio: 0.5,
        alpha: 0.01,
      },
    ],
  ];
  it.each(cases)('%s', (_, query) => {
    const simulated = simulatePower(query, { seed: 11, simulations: 10_000 });
    expect(simulated.simulations).toBe(10_000);
    expect(simulated.test).toBe(query.metric.type === 'mean' ? 'welch' : 'pooled-z');
    // Welch's t at these sizes loses about 0.001 of power against the z of the formula.
    expectNear(simulated, query.power ?? 0.8, 0.002);
  });

  it('a conversion test with almost 900,000 users per arm simulates as quickly as a small one', () => {
    const query: SampleSizeQuery = { metric: { type: 'proportion', baselineRate: 0.02 }, mde: 0.0006 };
    const simulated = simulatePower(query, { seed: 3, simulations: 4000 });
    expect(simulated.sampleSizePerArm).toBe(867_209);
    expectNear(simulated, 0.8, 0.002);
  });

  it('at a quarter of the analytic size the power drops to what the formula says', () => {
    const query = {
      metric: { type: 'mean', baselineMean: 0, sd: 1 },
      mde: 0.2,
      sampleSizePerArm: 98,
    } as const;
    const simulated = simulatePower(query, { seed: 4, simulations: 10_000 });
    expect(simulated.sampleSizePerArm).toBe(98);
    // Analytic: Φ(0.2/√(2/98) − 1.96) = Φ(−0.56) ≈ 0.288 (plus a far tail of 1e-4).
    expectNear(simulated, 0.2881, 0.003);
  });

  it('is reproducible from its seed', () => {
    const query: SampleSizeQuery = { metric: { type: 'proportion', baselineRate: 0.1 }, mde: 0.02 };
    const a = simulatePower(query, { seed: 99, simulations: 2000 });
    const b = simulatePower(query, { seed: 99, simulations: 2000 });
    const c = simulatePower(query, { seed: 100, simulations: 2000 });
    expect(b).toEqual(a);
    expect(c.power).not.toBe(a.power);
  });
});

describe('searching the sample size by simulation', () => {
  it.each([
    [
      'a mean shift of 0.2 σ',
      { metric: { type: 'mean', baselineMean: 0, sd: 1 }, mde: 0.2, dailyUsers: 100 },
    ],
    ['conversion 10% → 12%', { metric: { type: 'proportion', baselineRate: 0.1 }, mde: 0.02 }],
  ] as [string, SampleSizeQuery][])('%s lands within Monte Carlo error of the analytic size', (_, query) => {
    const found = simulateSampleSize(query, { seed: 8, simulations: 5000 });
    const analytic = found.analytic.sampleSizePerArm;
    expect(Math.abs(found.sampleSizePerArm - analytic) / analytic).toBeLessThan(0.05);
    expect(found.simulation.power).toBeGreaterThanOrEqual(0.8);
    expect(found.simulation.sampleSizePerArm).toBe(found.sampleSizePerArm);
    expect(found.totalSampleSize).toBe(found.sampleSizePerArm + found.treatmentSampleSize);
    if (query.dailyUsers) expect(found.days).toBe(Math.ceil(found.totalSampleSize / query.dailyUsers));
    // One unit fewer falls short with the same seed (the search's invariant).
    const fewer = simulatePower(
      { ...query, sampleSizePerArm: found.sampleSizePerArm - 1 },
      {
        seed: 8,
        simulations: 5000,
      },
    );
    expect(fewer.power).toBeLessThan(0.8);
  });

  it('rejects a bad simulation count with a coded error', () => {
    try {
      simulatePower(
        { metric: { type: 'proportion', baselineRate: 0.1 }, mde: 0.02 },
        { seed: 1, simulations: 0 },
      );
      expect.unreachable();
    } catch (error) {
      expect(isSightlineError(error) && error.code).toBe('SL_STATS_INPUT_INVALID');
    }
  });
});

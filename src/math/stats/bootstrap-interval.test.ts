import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/resampling.json' with { type: 'json' };
import { jackknife, meanDifferenceJackknife } from './bootstrap.ts';
import {
  bcaInterval,
  biasCorrection,
  bootstrapPValue,
  jackknifeAcceleration,
  percentileInterval,
  quantileSorted,
  replicateStandardError,
  sortedCopy,
} from './bootstrap-interval.ts';

/** Relative agreement to 1e-9 (absolute near 0). */
function expectClose(actual: number, expected: number | string, tolerance = 1e-9): void {
  if (typeof expected === 'string') {
    expect(actual).toBe(Number(expected));
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(expected), 1e-12));
}

const mean = (x: Float64Array): number => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: Float64Array): number => {
  const m = mean(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
};

/** The statistics scipy bootstrapped, by case name, as functions of our samples. */
const statistics: Record<string, (s: readonly Float64Array[]) => number> = {
  'mean of a lognormal sample': (s) => mean(s[0]!),
  'standard deviation (n - 1) of a lognormal sample': (s) => sd(s[0]!),
  'difference of two means': (s) => mean(s[1]!) - mean(s[0]!),
  'relative difference of two means': (s) => (mean(s[1]!) - mean(s[0]!)) / Math.abs(mean(s[0]!)),
  'difference of two means, one-sided (greater)': (s) => mean(s[1]!) - mean(s[0]!),
};

describe('quantiles of replicates interpolate linearly (Hyndman & Fan type 7, as numpy and scipy)', () => {
  const sorted = Float64Array.of(1, 2, 4, 8, 16);
  it.each([
    [0, 1],
    [1, 16],
    [0.5, 4],
    // h = 4·0.3 = 1.2: 2 + 0.2·(4 − 2)
    [0.3, 2.4],
    // h = 4·0.975 = 3.9: 8 + 0.9·8
    [0.975, 15.2],
  ])('p = %d gives %d', (p, q) => expect(quantileSorted(sorted, p)).toBeCloseTo(q, 14));

  it('a two-sided percentile interval reads alpha/2 and 1 − alpha/2; a one-sided one alpha', () => {
    const values = sortedCopy(Array.from({ length: 101 }, (_, i) => 100 - i));
    expect(percentileInterval(values, 0.1, 'two-sided')).toEqual([5, 95]);
    expect(percentileInterval(values, 0.1, 'greater')).toEqual([10, Number.POSITIVE_INFINITY]);
    expect(percentileInterval(values, 0.1, 'less')).toEqual([Number.NEGATIVE_INFINITY, 90]);
  });
});

describe('BCa agrees with scipy.stats.bootstrap on scipy’s own replicates', () => {
  it.each(reference.bca.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const samples = c.data.map((d) => Float64Array.from(d));
    const statistic = statistics[name]!;
    const estimate = statistic(samples);
    expectClose(estimate, c.estimate, 1e-12);
    const sorted = sortedCopy(c.replicates);
    const jack = jackknife(samples, statistic);
    expectClose(jackknifeAcceleration(jack)!, c.bca.acceleration);
    expectClose(biasCorrection(estimate, sorted)!, c.bca.z0);
    const alternative = c.alternative as 'two-sided' | 'greater';
    const bca = bcaInterval(estimate, sorted, jack, 0.05, alternative)!;
    expectClose(bca.levels[0], c.bca.levels[0]!);
    expectClose(bca.levels[1], c.bca.levels[1]!);
    expectClose(bca.ci[0], c.bca.ci[0]!);
    expectClose(bca.ci[1], c.bca.ci[1]!);
    const percentile = percentileInterval(sorted, 0.05, alternative);
    expectClose(percentile[0], c.percentile.ci[0]!, 1e-12);
    expectClose(percentile[1], c.percentile.ci[1]!, 1e-12);
    expectClose(replicateStandardError(sorted), c.standardError, 1e-12);
  });

  it('the closed-form jackknife of a difference of means equals the leave-one-out one', () => {
    for (const c of reference.bca.filter((x) => x.data.length === 2)) {
      const samples = c.data.map((d) => Float64Array.from(d));
      for (const difference of ['absolute', 'relative'] as const) {
        const statistic =
          statistics[
            difference === 'absolute' ? 'difference of two means' : 'relative difference of two means'
          ]!;
        const slow = jackknife(samples, statistic);
        const fast = meanDifferenceJackknife(samples[0]!, samples[1]!, difference);
        for (let j = 0; j < 2; j++)
          for (let i = 0; i < slow[j]!.length; i++) expectClose(fast[j]![i]!, slow[j]![i]!, 1e-12);
        expectClose(jackknifeAcceleration(fast)!, jackknifeAcceleration(slow)!, 1e-9);
      }
    }
  });
});

describe('BCa is undefined, not NaN, on degenerate input', () => {
  it('an estimate outside every replicate has no bias correction', () => {
    expect(biasCorrection(5, Float64Array.of(1, 2, 3))).toBeNull();
    expect(bcaInterval(5, Float64Array.of(1, 2, 3), [Float64Array.of(1, 2)], 0.05, 'two-sided')).toBeNull();
  });
  it('a jackknife that does not vary has no acceleration', () => {
    expect(jackknifeAcceleration([Float64Array.of(2, 2, 2)])).toBeNull();
  });
  it('ties at the estimate count half (scipy’s percentile of score)', () => {
    // (1 below + 3 at or below) / (2·4) = 0.5, so z0 = 0.
    expect(biasCorrection(2, Float64Array.of(1, 2, 2, 3))).toBe(0);
  });
});

describe('the bootstrap p-value inverts the percentile interval', () => {
  // 10 replicates, 2 at or below 0, 8 at or above.
  const replicates = Float64Array.of(-2, -1, 1, 2, 3, 4, 5, 6, 7, 8);
  it('one-sided p-values count the replicates on the far side, plus one, over B + 1', () => {
    expect(bootstrapPValue(replicates, 0, 'greater')).toBeCloseTo(3 / 11, 15);
    expect(bootstrapPValue(replicates, 0, 'less')).toBeCloseTo(9 / 11, 15);
  });
  it('two-sided doubles the smaller and caps at 1', () => {
    expect(bootstrapPValue(replicates, 0, 'two-sided')).toBeCloseTo(6 / 11, 15);
    // At 3: 5 at or below, 6 at or above: 2·6/11 > 1.
    expect(bootstrapPValue(replicates, 3, 'two-sided')).toBe(1);
  });
  it('never reports 0, however far the null lies', () => {
    expect(bootstrapPValue(replicates, -100, 'two-sided')).toBeCloseTo(2 / 11, 15);
  });
});

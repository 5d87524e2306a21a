import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/aa-simulation.json' with { type: 'json' };
import {
  drawRejectionRate,
  soundSplit,
  soundSplitFprBand,
  splitFprWithoutDifference,
  splitPValueCdf,
} from './aa-sound-split.ts';
import { AA_HISTOGRAM_BINS, aaVerdict, discreteness, pValueHistogram, wilsonInterval } from './aa-verdict.ts';

describe('wilsonInterval agrees with scipy (binomtest(...).proportion_ci, method="wilson")', () => {
  it.each(reference.wilson)('%d of %d at %d', (k, n, confidence, lo, hi) => {
    const ci = wilsonInterval(k!, n!, confidence!)!;
    expect(Math.abs(ci[0] - lo!)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(ci[1] - hi!)).toBeLessThanOrEqual(1e-12);
  });

  it('has no interval for no trials', () => expect(wilsonInterval(0, 0)).toBeNull());
});

describe('splitFprWithoutDifference agrees with scipy (2·norm.cdf(−norm.ppf(1 − α/2)/√(1 − f)))', () => {
  it.each(reference.splitFpr)('f = %d, alpha = %d', (f, alpha, fpr) =>
    expect(Math.abs(splitFprWithoutDifference(f!, alpha!) - fpr!)).toBeLessThanOrEqual(1e-10 * fpr!),
  );
});

describe('the verdict rule', () => {
  const pool = [0.05, 0.05] as const;
  it('passes when the interval meets the expected band (bounds included) and KS p >= 0.05', () => {
    expect(aaVerdict([0.05, 0.06], pool, 0.05, null).ok).toBe(true);
    expect(aaVerdict([0.04, 0.05], pool, 0.9, 0.05).ok).toBe(true);
    expect(aaVerdict([0.056, 0.064], [0.0477, 0.0565], 0.5, 0.3).ok).toBe(true);
  });

  it('fails on either condition and says which', () => {
    const high = aaVerdict([0.051, 0.06], pool, 0.5, null);
    expect(high).toMatchObject({ ok: false, fprAsExpected: false, pValuesAsExpected: true });
    expect(high.reasons).toEqual([
      "the false-positive rate's 95% interval [0.0510, 0.0600] does not contain α = 0.05",
    ]);
    expect(aaVerdict([0.057, 0.066], [0.0477, 0.0565], 0.5, 0.2).reasons).toEqual([
      "the false-positive rate's 95% interval [0.0570, 0.0660] misses [0.0477, 0.0565], the rates a sound split gives at this sample",
    ]);
    const skewed = aaVerdict([0.04, 0.06], pool, 0.049, null);
    expect(skewed).toMatchObject({ ok: false, fprAsExpected: true, pValuesAsExpected: false });
    expect(skewed.reasons).toEqual([
      'the p-values do not follow the distribution a sound split gives (KS p = 0.0490 < 0.05)',
    ]);
    expect(aaVerdict([0.04, 0.06], pool, 0.01, null, true).reasons[0]).toContain('discrete metric');
    const apart = aaVerdict([0.04, 0.06], pool, 0.5, 0.0123);
    expect(apart).toMatchObject({
      ok: false,
      groupsAlike: false,
      fprAsExpected: true,
      pValuesAsExpected: true,
    });
    expect(apart.reasons).toEqual([
      'the two groups differ beyond chance: the test on all their users gives p = 0.0123 < 0.05',
    ]);
  });

  it('cannot pass without p-values', () => {
    expect(aaVerdict(null, pool, null, null)).toMatchObject({
      ok: false,
      reasons: [expect.stringContaining('no draw')],
    });
  });
});

describe('what a sound real split gives (normal approximation, checked against scipy by hand)', () => {
  it('takes the shift from the whole-split p-value and the average share of a group a draw takes', () => {
    // n = 100 from groups of 5,000 and 5,000: f = 0.02; p = 0.05 on the whole groups is z = 1.95996…
    const split = soundSplit(100, [5000, 5000], 0.05);
    expect(split.fraction).toBe(0.02);
    expect(split.shift).toBeCloseTo(1.959963984540054 * Math.sqrt(0.02), 12);
    expect(soundSplit(100, [5000, 2500], null)).toEqual({ fraction: 0.03, shift: 0 });
  });

  it('gives the band of false-positive rates from δ = 0 to δ = 1.96·√f', () => {
    // scipy, z = norm.ppf(0.975): 2*norm.cdf(-z/sqrt(0.98)) = 0.047718969212262395 and
    // norm.cdf((-z - z*sqrt(0.02))/sqrt(0.98)) + norm.cdf((-z + z*sqrt(0.02))/sqrt(0.98)) = 0.05649295141396156
    const [lo, hi] = soundSplitFprBand(0.05, 0.02);
    expect(lo).toBeCloseTo(splitFprWithoutDifference(0.02, 0.05), 15);
    expect(lo).toBeCloseTo(0.047718969212262395, 12);
    expect(hi).toBeCloseTo(0.05649295141396156, 12);
    const [poolLo, poolHi] = soundSplitFprBand(0.05, 0);
    expect(poolLo).toBeCloseTo(0.05, 14);
    expect(poolHi).toBe(poolLo);
  });

  it('has a p-value distribution that is uniform without a shift or a share, and a proper cdf with them', () => {
    expect(splitPValueCdf(0.3, { fraction: 0, shift: 0 })).toBeCloseTo(0.3, 14);
    const split = { fraction: 0.02, shift: 0.2 };
    expect(splitPValueCdf(0, split)).toBe(0);
    expect(splitPValueCdf(1, split)).toBe(1);
    const grid = [0.01, 0.05, 0.2, 0.5, 0.9];
    const values = grid.map((u) => splitPValueCdf(u, split));
    expect([...values].sort((x, y) => x - y)).toEqual(values);
    expect(values[1]).toBeCloseTo(drawRejectionRate(0.05, split), 15);
  });
});

describe('histogram and ties', () => {
  it('counts p-values in 20 equal bins, 1 in the last', () => {
    const counts = pValueHistogram(Float64Array.from([0, 0.0499, 0.05, 0.5, 0.97, 1, 1]));
    expect(counts).toHaveLength(AA_HISTOGRAM_BINS);
    expect(counts[0]).toBe(2);
    expect(counts[1]).toBe(1);
    expect(counts[10]).toBe(1);
    expect(counts[19]).toBe(3);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(7);
  });

  it('finds the largest group of equal p-values', () => {
    expect(discreteness(Float64Array.from([0.3, 1, 0.2, 1, 0.3, 1]))).toEqual({
      pValue: 1,
      draws: 3,
      discrete: true,
    });
    const distinct = Float64Array.from({ length: 200 }, (_, i) => i / 200);
    expect(discreteness(distinct)!.discrete).toBe(false);
    expect(discreteness(new Float64Array(0))).toBeNull();
  });
});

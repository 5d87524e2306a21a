import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/aa-simulation.json' with { type: 'json' };
import {
  AA_HISTOGRAM_BINS,
  aaVerdict,
  discreteness,
  pValueHistogram,
  splitFprWithoutDifference,
  wilsonInterval,
} from './aa-verdict.ts';

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
  it('passes when the interval contains alpha (bounds included) and KS p >= 0.05', () => {
    expect(aaVerdict([0.05, 0.06], 0.05, 0.05).ok).toBe(true);
    expect(aaVerdict([0.04, 0.05], 0.05, 0.9).ok).toBe(true);
  });

  it('fails on either condition and says which', () => {
    const high = aaVerdict([0.051, 0.06], 0.05, 0.5);
    expect(high).toMatchObject({ ok: false, fprContainsAlpha: false, pValuesUniform: true });
    expect(high.reasons).toEqual([
      "the false-positive rate's 95% interval [0.0510, 0.0600] does not contain α = 0.05",
    ]);
    const skewed = aaVerdict([0.04, 0.06], 0.05, 0.049);
    expect(skewed).toMatchObject({ ok: false, fprContainsAlpha: true, pValuesUniform: false });
    expect(skewed.reasons).toEqual(['the p-values are not uniform (KS p = 0.0490 < 0.05)']);
    expect(aaVerdict([0.04, 0.06], 0.05, 0.01, true).reasons[0]).toContain('discrete metric');
  });

  it('cannot pass without p-values', () => {
    expect(aaVerdict(null, 0.05, null)).toMatchObject({
      ok: false,
      reasons: [expect.stringContaining('no draw')],
    });
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

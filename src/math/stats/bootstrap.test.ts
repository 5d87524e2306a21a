import { describe, expect, it } from 'vitest';
import { createRng, createRngFromState, type Rng } from '../random.ts';
import { bootstrapMeanDifference, bootstrapStatistic } from './bootstrap.ts';
import { chiSquareSf } from './distributions.ts';
import { momentsOf } from './moments.ts';
import { resampledSum, seededState, uniformIndex } from './resample.ts';

const mean = (x: Float64Array): number => x.reduce((a, b) => a + b, 0) / x.length;

/** An Rng whose nextUint32 replays given words (only what uniformIndex calls). */
function replay(words: number[]): Rng {
  let i = 0;
  return { nextUint32: () => words[i++]! } as unknown as Rng;
}

function lognormalSample(rng: Rng, n: number, shift = 0): Float64Array {
  return Float64Array.from({ length: n }, () => rng.lognormal(0, 1) + shift);
}

describe('uniformIndex draws exactly uniform indices (Lemire’s multiply-shift with rejection)', () => {
  it('maps u to ⌊u·n/2^32⌋', () => {
    expect(uniformIndex(replay([0x80000001]), 10)).toBe(5);
    expect(uniformIndex(replay([0xffffffff]), 10)).toBe(9);
  });
  it('rejects the biased sliver: for n = 3, 2^32 mod 3 = 1 low word is redrawn', () => {
    // u = 0 gives m = 0, low word 0 < 1: rejected; the next word decides.
    expect(uniformIndex(replay([0, 0xc0000000]), 3)).toBe(2);
  });
  it('is uniform over 7 values (chi-square, 70,000 draws)', () => {
    const rng = createRng(11);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[uniformIndex(rng, 7)]!++;
    const chi = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chiSquareSf(chi, 6)).toBeGreaterThan(0.001);
  });
});

describe('the inlined resampling loop is the reference generator’s', () => {
  it('resampledSum equals summing values[uniformIndex(rng, n)] on the same xoshiro128** state', () => {
    const values = lognormalSample(createRng(3), 1001);
    const state = seededState(99);
    const reference = createRngFromState(state[0]!, state[1]!, state[2]!, state[3]!);
    for (let r = 0; r < 20; r++) {
      let expected = 0;
      for (let i = 0; i < values.length; i++) expected += values[uniformIndex(reference, values.length)]!;
      expect(resampledSum(values, state)).toBe(expected);
    }
  });

  it('the fast difference of means and the generic statistic give the same replicates', () => {
    const rng = createRng(5);
    const control = lognormalSample(rng, 60);
    const treatment = lognormalSample(rng, 75, 0.2);
    const fast = bootstrapMeanDifference(control, treatment, { seed: 17, replicates: 500 });
    const generic = bootstrapStatistic([control, treatment], (s) => mean(s[1]!) - mean(s[0]!), {
      seed: 17,
      replicates: 500,
      nullValue: 0,
    });
    expect(Array.from(fast.distribution)).toEqual(Array.from(generic.distribution));
    expect(fast.ci).toEqual(generic.ci);
    expect(fast.pValue).toBe(generic.pValue);
    expect(fast.effect).toBeCloseTo(generic.estimate!, 14);
  });
});

describe('bootstrapMeanDifference', () => {
  const rng = createRng(8);
  const control = lognormalSample(rng, 400);
  const treatment = lognormalSample(rng, 300, 0.3);

  it('is reproducible: the same seed gives the same replicates, another seed others', () => {
    const a = bootstrapMeanDifference(control, treatment, { seed: 1, replicates: 200 });
    const b = bootstrapMeanDifference(control, treatment, { seed: 1, replicates: 200 });
    const c = bootstrapMeanDifference(control, treatment, { seed: 2, replicates: 200 });
    expect(Array.from(a.distribution)).toEqual(Array.from(b.distribution));
    expect(Array.from(a.distribution)).not.toEqual(Array.from(c.distribution));
  });

  it('its standard error is the plug-in one, √(Σ (n−1)/n·s²/n), within Monte Carlo error', () => {
    const result = bootstrapMeanDifference(control, treatment, { seed: 4, replicates: 20_000 });
    const c = momentsOf(control);
    const t = momentsOf(treatment);
    const plugIn = Math.sqrt(((c.n - 1) / c.n) * (c.variance / c.n) + ((t.n - 1) / t.n) * (t.variance / t.n));
    // The relative standard error of a standard deviation from B replicates is about 1/√(2B) = 0.5%.
    expect(Math.abs(result.se! / plugIn - 1)).toBeLessThan(0.02);
    expect(result.effect).toBeCloseTo(mean(treatment) - mean(control), 14);
    expect(result.method).toBe('percentile');
    expect(result.ci![0]).toBeLessThan(result.effect!);
    expect(result.ci![1]).toBeGreaterThan(result.effect!);
  });

  it('the relative effect divides by |control mean|', () => {
    const result = bootstrapMeanDifference(control, treatment, {
      seed: 4,
      replicates: 500,
      difference: 'relative',
    });
    expect(result.effect).toBeCloseTo((mean(treatment) - mean(control)) / mean(control), 14);
  });

  it('BCa reports its bias correction and acceleration', () => {
    const result = bootstrapMeanDifference(control, treatment, { seed: 4, replicates: 2000, method: 'bca' });
    expect(result.method).toBe('bca');
    expect(result.bca).not.toBeNull();
    expect(Number.isFinite(result.bca!.acceleration)).toBe(true);
    expect(result.ci![0]).toBeLessThan(result.effect!);
  });

  it('a p-value below alpha goes with an interval that excludes 0', () => {
    const shifted = Float64Array.from(treatment, (v) => v + 0.5);
    const result = bootstrapMeanDifference(control, shifted, { seed: 4, replicates: 2000 });
    expect(result.pValue).toBeLessThan(0.05);
    expect(result.ci![0]).toBeGreaterThan(0);
    // The smallest p-value B replicates can give: 2/(B + 1).
    expect(result.pValue).toBeCloseTo(2 / 2001, 15);
  });
});

describe('degenerate input gives coded warnings, never NaN', () => {
  it('an arm with fewer than two units', () => {
    const result = bootstrapMeanDifference([1], [1, 2, 3], { seed: 1, replicates: 10 });
    expect(result).toMatchObject({ effect: null, ci: null, pValue: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
  });
  it('a relative effect over a zero control mean', () => {
    const result = bootstrapMeanDifference([-1, 1], [1, 2, 3], {
      seed: 1,
      replicates: 10,
      difference: 'relative',
    });
    expect(result.effect).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
  });
  it('no variation at all', () => {
    const result = bootstrapMeanDifference([2, 2, 2], [3, 3], { seed: 1, replicates: 10 });
    expect(result).toMatchObject({ effect: 1, se: 0, ci: null, pValue: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
  });
  it('replicates where the statistic is undefined are left out and counted', () => {
    // Resamples of [0, 0, 1] are all zeros with probability 8/27: the relative effect is then undefined.
    const result = bootstrapStatistic(
      [Float64Array.of(0, 0, 1), Float64Array.of(1, 2, 3)],
      (s) => (mean(s[1]!) - mean(s[0]!)) / mean(s[0]!),
      { seed: 3, replicates: 2000 },
    );
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_UNDEFINED_REPLICATES']);
    const left = 2000 - result.distribution.length;
    expect(left).toBeGreaterThan(2000 * (8 / 27) - 100);
    expect(left).toBeLessThan(2000 * (8 / 27) + 100);
    expect(result.distribution.every((v) => Number.isFinite(v))).toBe(true);
  });
  it('BCa falls back to percentile, with a warning, when the estimate lies outside every replicate', () => {
    // The number of distinct values: n on the data, fewer in almost every resample.
    const distinct = (s: readonly Float64Array[]) => new Set(s[0]).size;
    const values = Float64Array.from({ length: 30 }, (_, i) => i);
    const result = bootstrapStatistic([values], distinct, { seed: 1, replicates: 200, method: 'bca' });
    expect(result.method).toBe('percentile');
    expect(result.ci).not.toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_BCA_UNDEFINED']);
  });
});

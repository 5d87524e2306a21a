import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/resampling.json' with { type: 'json' };
import { expectClose } from '../../../test/helpers/expect-close.ts';
import { createRng } from '../random.ts';
import { tSf } from './distributions.ts';
import { compareMoments } from './effect.ts';
import { momentsOf } from './moments.ts';
import { postStratify, postStratifyValues, type StratifiedValues } from './post-stratification.ts';

const stratified = (arm: { values: number[]; strata: string[] }): StratifiedValues => ({
  values: Float64Array.from(arm.values),
  strata: arm.strata,
});

describe('post-stratification by hand', () => {
  // Stratum a: control 1, 3 (mean 2, s² 2); treatment 2, 4, 6 (mean 4, s² 4).
  // Stratum b: control 10, 12, 14 (mean 12, s² 4); treatment 11, 15 (mean 13, s² 8).
  // Each stratum holds 5 of the 10 units: w = 1/2 each.
  const control = { values: Float64Array.of(1, 3, 10, 12, 14), strata: ['a', 'a', 'b', 'b', 'b'] };
  const treatment = { values: Float64Array.of(2, 4, 6, 11, 15), strata: ['a', 'a', 'a', 'b', 'b'] };
  const result = postStratifyValues(control, treatment);

  it('T = ½·4 + ½·13 = 8.5, C = ½·2 + ½·12 = 7, effect 1.5 (the unstratified difference is −0.4)', () => {
    expect(result.treatmentMean).toBeCloseTo(8.5, 14);
    expect(result.controlMean).toBeCloseTo(7, 14);
    expect(result.effect).toBeCloseTo(1.5, 14);
    expect(result.strata.map((s) => [s.key, s.weight, s.effect])).toEqual([
      ['a', 0.5, 2],
      ['b', 0.5, 1],
    ]);
  });

  it('var = ¼(4/3 + 8/2) + ¼(2/2 + 4/3) = 23/12; Satterthwaite df = (23/12)²/(1/16 + 1/18 + 1/18 + 1) = 529/169', () => {
    expect(result.se).toBeCloseTo(Math.sqrt(23 / 12), 14);
    expect(result.df).toBeCloseTo(529 / 169, 12);
    const t = 1.5 / Math.sqrt(23 / 12);
    expect(result.statistic).toBeCloseTo(t, 14);
    expect(result.pValue).toBeCloseTo(2 * tSf(t, 529 / 169), 14);
  });

  it('population weights replace the units’ shares (¼ and ¾: effect ¼·2 + ¾·1 = 1.25)', () => {
    const weighted = postStratifyValues(control, treatment, {
      weights: new Map([
        ['a', 1],
        ['b', 3],
      ]),
    });
    expect(weighted.effect).toBeCloseTo(1.25, 14);
    expect(weighted.se).toBeCloseTo(Math.sqrt((1 / 16) * (4 / 3 + 2 / 2) + (9 / 16) * (8 / 2 + 4 / 3)), 14);
  });
});

describe('post-stratification agrees with a numpy computation from per-unit arrays', () => {
  const ps = reference.postStratification;
  it('absolute effect, standard error, df, p-value and interval', () => {
    const result = postStratifyValues(stratified(ps.control), stratified(ps.treatment));
    expectClose(result.effect, ps.effect);
    expectClose(result.se, ps.se);
    expectClose(result.df, ps.df);
    expectClose(result.pValue, ps.pValue);
    expectClose(result.ci![0], ps.ci[0]!);
    expectClose(result.ci![1], ps.ci[1]!);
  });
  it('relative effect and its delta-method standard error', () => {
    const result = postStratifyValues(stratified(ps.control), stratified(ps.treatment), {
      difference: 'relative',
    });
    expectClose(result.effect, ps.relative.effect);
    expectClose(result.se, ps.relative.se);
  });
});

describe('post-stratification edge cases', () => {
  it('one stratum is Welch’s t-test, absolute and relative', () => {
    const rng = createRng(3);
    const c = Float64Array.from({ length: 40 }, () => rng.lognormal(0, 1));
    const t = Float64Array.from({ length: 55 }, () => rng.lognormal(0.2, 1));
    for (const difference of ['absolute', 'relative'] as const) {
      const one = postStratify([{ key: 'all', control: momentsOf(c), treatment: momentsOf(t) }], {
        difference,
      });
      const welch = compareMoments(momentsOf(c), momentsOf(t), { difference });
      expectClose(one.effect, welch.effect!, 1e-12);
      expectClose(one.se, welch.se!, 1e-12);
      expectClose(one.df, welch.df!, 1e-12);
      expectClose(one.pValue, welch.pValue!, 1e-10);
    }
  });

  it('a stratum with fewer than 2 units in an arm is left out, the other weights renormalised', () => {
    const control = { values: Float64Array.of(1, 3, 10, 12, 7), strata: ['a', 'a', 'b', 'b', 'c'] };
    const treatment = { values: Float64Array.of(2, 4, 11, 15), strata: ['a', 'a', 'b', 'b'] };
    const result = postStratifyValues(control, treatment);
    expect(result.dropped).toEqual(['c']);
    expect(result.strata.map((s) => s.weight)).toEqual([0.5, 0.5]);
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_SPARSE_STRATUM']);
    expect(result.effect).toBeCloseTo(0.5 * 1 + 0.5 * 2, 14);
  });

  it('no usable stratum, no variance, or a zero control mean give coded warnings, never NaN', () => {
    const none = postStratifyValues(
      { values: Float64Array.of(1), strata: ['a'] },
      { values: Float64Array.of(2), strata: ['a'] },
    );
    expect(none).toMatchObject({ effect: null, pValue: null });
    expect(none.warnings.map((w) => w.code)).toEqual(['SL_STATS_SPARSE_STRATUM', 'SL_STATS_EMPTY_ARM']);
    const flat = postStratifyValues(
      { values: Float64Array.of(1, 1), strata: ['a', 'a'] },
      { values: Float64Array.of(2, 2), strata: ['a', 'a'] },
    );
    expect(flat).toMatchObject({ effect: 1, se: 0, pValue: null });
    expect(flat.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
    const zero = postStratifyValues(
      { values: Float64Array.of(-1, 1), strata: ['a', 'a'] },
      { values: Float64Array.of(2, 3), strata: ['a', 'a'] },
      { difference: 'relative' },
    );
    expect(zero.effect).toBeNull();
    expect(zero.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
  });
});

describe('simulation: strata that explain the metric', () => {
  // Three countries with levels 2, 5 and 9 and shares 30/50/20%, unit noise sd 1.5, true effect 0.3.
  const levels = [2, 5, 9];
  const shares = [0.3, 0.5, 0.2];
  function arm(rng: ReturnType<typeof createRng>, n: number, shift: number): StratifiedValues {
    const values = new Float64Array(n);
    const strata = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const k = rng.weightedIndex(shares);
      strata[i] = k;
      values[i] = levels[k]! + shift + 1.5 * rng.normal();
    }
    return { values, strata };
  }

  it('shrinks the spread of the estimate, reports it honestly, and covers 95% ± 1% (5,000 experiments)', () => {
    const rng = createRng(81);
    const experiments = 5000;
    const ps: number[] = [];
    const plain: number[] = [];
    let sumSe = 0;
    let covered = 0;
    for (let k = 0; k < experiments; k++) {
      const c = arm(rng, 200, 0);
      const t = arm(rng, 200, 0.3);
      const result = postStratifyValues(c, t);
      ps.push(result.effect!);
      plain.push(compareMoments(momentsOf(c.values), momentsOf(t.values)).effect!);
      sumSe += result.se!;
      if (result.ci![0] <= 0.3 && 0.3 <= result.ci![1]) covered++;
    }
    const sd = (x: number[]) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
    };
    // Between-strata variance is about 5.8 against 2.25 within: the spread drops by roughly √(2.25/8.05).
    expect(sd(ps) / sd(plain)).toBeLessThan(0.6);
    expect(Math.abs(sumSe / experiments / sd(ps) - 1)).toBeLessThan(0.03);
    expect(covered / experiments).toBeGreaterThanOrEqual(0.94);
    expect(covered / experiments).toBeLessThanOrEqual(0.96);
  });
});

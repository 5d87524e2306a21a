import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import reference from '../../../test/fixtures/scipy/resampling.json' with { type: 'json' };
import { expectClose } from '../../../test/helpers/expect-close.ts';
import { createRng, type Rng } from '../random.ts';
import {
  type CupedSums,
  type CupedValues,
  compareCuped,
  compareCupedValues,
  cupedSumsOf,
  cupedTheta,
} from './cuped.ts';
import { compareMoments } from './effect.ts';
import { momentsOf } from './moments.ts';

function expectWithin(actual: number | null | undefined, expected: number, tolerance: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

describe('CUPED agrees with GrowthBook', () => {
  interface Arm {
    n: number;
    post_sum: number;
    post_sum_squares: number;
    pre_sum: number;
    pre_sum_squares: number;
    post_pre_sum_of_products: number;
  }
  interface Result {
    theta: number;
    se: number;
    ci: [number, number];
  }
  const vector = golden<
    { control: Arm; treatment: Arm },
    {
      mean_metric: {
        control_unadjusted_mean: number;
        treatment_unadjusted_mean: number;
        effect: number;
        p_value: number;
      };
      binomial_metric: { effect: number; p_value: number };
    }
  >('GB-13');
  const extra = vector.also_computed as { mean_metric: Result; binomial_metric: Result };
  const tolerance = toleranceOf(vector);
  const sums = (a: Arm): CupedSums => ({
    n: a.n,
    post: { sum: a.post_sum, sumSquares: a.post_sum_squares },
    pre: { sum: a.pre_sum, sumSquares: a.pre_sum_squares },
    sumProducts: a.post_pre_sum_of_products,
  });
  const control = sums(vector.inputs.control);
  const treatment = sums(vector.inputs.treatment);

  it('GB-13, mean metric: pooled θ, relative effect over the unadjusted control mean, se, interval, p', () => {
    const result = compareCuped(control, treatment, { difference: 'relative' });
    expectWithin(result.theta, extra.mean_metric.theta, tolerance);
    expectWithin(
      control.post.sum / control.n,
      vector.expected.mean_metric.control_unadjusted_mean,
      tolerance,
    );
    expectWithin(
      treatment.post.sum / treatment.n,
      vector.expected.mean_metric.treatment_unadjusted_mean,
      tolerance,
    );
    expectWithin(result.effect, vector.expected.mean_metric.effect, tolerance);
    expectWithin(result.pValue, vector.expected.mean_metric.p_value, tolerance);
    expectWithin(result.se, extra.mean_metric.se, tolerance);
    expectWithin(result.ci![0], extra.mean_metric.ci[0], tolerance);
    expectWithin(result.ci![1], extra.mean_metric.ci[1], tolerance);
  });

  it('GB-13, binomial metric: p(1 − p) variances and E[XY] − E[X]E[Y] covariance', () => {
    const result = compareCuped(control, treatment, { difference: 'relative', kind: 'proportion' });
    expectWithin(result.theta, extra.binomial_metric.theta, tolerance);
    expectWithin(result.effect, vector.expected.binomial_metric.effect, tolerance);
    // Upstream rounds this p-value to 3 significant digits (3.53e-07).
    expectWithin(result.pValue, vector.expected.binomial_metric.p_value, 5e-10);
    expectWithin(result.se, extra.binomial_metric.se, tolerance);
    expectWithin(result.ci![0], extra.binomial_metric.ci[0], tolerance);
    expectWithin(result.ci![1], extra.binomial_metric.ci[1], tolerance);
  });

  it('GB-17: θ from sufficient statistics, and 0 when the pre-period is all zero', () => {
    const v = golden<
      {
        pre_sum: number;
        pre_sum_squares: number;
        post_sum: number;
        post_sum_squares: number;
        post_pre_sum_of_products: number;
      },
      { theta_rounded_5dp: number; theta_when_pre_all_zero: number }
    >('GB-17');
    const arm: CupedSums = {
      n: 4,
      post: { sum: v.inputs.post_sum, sumSquares: v.inputs.post_sum_squares },
      pre: { sum: v.inputs.pre_sum, sumSquares: v.inputs.pre_sum_squares },
      sumProducts: v.inputs.post_pre_sum_of_products,
    };
    expectWithin(cupedTheta(arm, arm), v.expected.theta_rounded_5dp, toleranceOf(v));
    expectClose(cupedTheta(arm, arm), (v.also_computed as { theta: number }).theta, 1e-12);
    const zero = cupedSumsOf([2, 1, 5, 3], [0, 0, 0, 0]);
    expect(cupedTheta(zero, zero)).toBe(v.expected.theta_when_pre_all_zero);
    const result = compareCuped(zero, zero);
    expect(result.warnings.map((w) => w.code)).toContain('SL_STATS_NO_COVARIATE');
  });
});

/** Pairs (pre, post) with correlation rho, post shifted by `shift`. */
function correlatedArm(rng: Rng, n: number, rho: number, shift: number): CupedValues {
  const pre = new Float64Array(n);
  const post = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    pre[i] = 10 + z;
    post[i] = 5 + shift + rho * z + Math.sqrt(1 - rho * rho) * rng.normal();
  }
  return { pre, post };
}

describe('CUPED on per-unit values', () => {
  it('the absolute effect is Welch’s test on each unit’s y − θ·x', () => {
    const rng = createRng(4);
    const c = correlatedArm(rng, 300, 0.6, 0);
    const t = correlatedArm(rng, 250, 0.6, 0.2);
    const result = compareCupedValues(c, t);
    const adjust = (arm: CupedValues) =>
      Float64Array.from(arm.post, (y, i) => y - result.theta * arm.pre[i]!);
    const naive = compareMoments(momentsOf(adjust(c)), momentsOf(adjust(t)));
    expectClose(result.effect, naive.effect!, 1e-10);
    expectClose(result.se, naive.se!, 1e-10);
    expectClose(result.pValue, naive.pValue!, 1e-9);
    expectClose(result.df, naive.df!, 1e-9);
    expect(result.thetaMissing).toBeNull();
  });

  it('with every pre value present it is the sums form', () => {
    const rng = createRng(5);
    const c = correlatedArm(rng, 100, 0.5, 0);
    const t = correlatedArm(rng, 120, 0.5, 0.1);
    const values = compareCupedValues(c, t, { difference: 'relative' });
    const sums = compareCuped(cupedSumsOf(c.post, c.pre), cupedSumsOf(t.post, t.pre), {
      difference: 'relative',
    });
    expect(values).toEqual(sums);
  });

  describe('missing pre-period values: covariate 0 plus a has-pre indicator', () => {
    const arm = (a: { post: number[]; pre: (number | null)[] }): CupedValues => ({
      post: Float64Array.from(a.post),
      pre: Float64Array.from(a.pre, (v) => (v === null ? Number.NaN : v)),
    });
    const control = arm(reference.cupedMissing.control);
    const treatment = arm(reference.cupedMissing.treatment);

    it('θ is the pooled least-squares pair and the test is scipy’s Welch on the adjusted values', () => {
      const result = compareCupedValues(control, treatment);
      const want = reference.cupedMissing.absolute;
      expectClose(result.theta, reference.cupedMissing.theta[0]!);
      expectClose(result.thetaMissing, reference.cupedMissing.theta[1]!);
      expectClose(result.effect, want.effect);
      expectClose(result.statistic, want.statistic);
      expectClose(result.pValue, want.pValue);
      expectClose(result.df, want.df);
      expectClose(result.ci![0], want.ci[0]!);
      expectClose(result.ci![1], want.ci[1]!);
    });

    it('the relative effect’s delta-method variance, computed per unit with numpy', () => {
      const result = compareCupedValues(control, treatment, { difference: 'relative' });
      expectClose(result.effect, reference.cupedMissing.relative.effect);
      expectClose(result.se, reference.cupedMissing.relative.se);
    });

    it('removes more variance than imputing the observed mean when new users differ', () => {
      const observed = [...control.pre, ...treatment.pre].filter((v) => !Number.isNaN(v));
      const mean = observed.reduce((a, b) => a + b, 0) / observed.length;
      const impute = (a: CupedValues): CupedValues => ({
        post: a.post,
        pre: Float64Array.from(a.pre, (v) => (Number.isNaN(v) ? mean : v)),
      });
      const indicator = compareCupedValues(control, treatment);
      const imputed = compareCupedValues(impute(control), impute(treatment));
      expect(indicator.varianceReduction!).toBeGreaterThan(imputed.varianceReduction! + 0.05);
      expect(indicator.se!).toBeLessThan(imputed.se!);
    });

    it('with no pre value at all there is no adjustment, and a warning says so', () => {
      const none = (a: CupedValues): CupedValues => ({ post: a.post, pre: a.pre.map(() => Number.NaN) });
      const result = compareCupedValues(none(control), none(treatment));
      const plain = compareMoments(momentsOf(control.post), momentsOf(treatment.post));
      expectClose(result.effect, plain.effect!, 1e-12);
      expectClose(result.se, plain.se!, 1e-12);
      expect(result.varianceReduction).toBeCloseTo(0, 12);
      expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_NO_COVARIATE']);
    });
  });

  it('degenerate input gives coded warnings, never NaN', () => {
    const one = compareCuped(cupedSumsOf([1], [2]), cupedSumsOf([1, 2, 3], [1, 2, 4]));
    expect(one).toMatchObject({ effect: null, pValue: null, adjusted: null });
    expect(one.warnings.map((w) => w.code)).toContain('SL_STATS_EMPTY_ARM');
    const zero = compareCuped(cupedSumsOf([-1, 1, 0], [1, 2, 3]), cupedSumsOf([1, 2, 3], [1, 2, 4]), {
      difference: 'relative',
    });
    expect(zero).toMatchObject({ effect: null, pValue: null });
    expect(zero.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
  });
});

describe('simulation', () => {
  /** The share of experiments whose CUPED interval covers the truth, for absolute and relative effects. */
  function cupedCoverage(
    experiments: number,
    seed: number,
    draw: (rng: Rng) => { c: CupedSums; t: CupedSums },
    truth: { absolute: number; relative: number },
    kind: 'mean' | 'proportion' = 'mean',
  ): { absolute: number; relative: number } {
    const rng = createRng(seed);
    let absolute = 0;
    let relative = 0;
    for (let k = 0; k < experiments; k++) {
      const { c, t } = draw(rng);
      const a = compareCuped(c, t, { kind }).ci!;
      if (a[0] <= truth.absolute && truth.absolute <= a[1]) absolute++;
      const r = compareCuped(c, t, { kind, difference: 'relative' }).ci!;
      if (r[0] <= truth.relative && truth.relative <= r[1]) relative++;
    }
    return { absolute: absolute / experiments, relative: relative / experiments };
  }

  function expectNominal(share: { absolute: number; relative: number }): void {
    for (const value of [share.absolute, share.relative]) {
      expect(value).toBeGreaterThanOrEqual(0.94);
      expect(value).toBeLessThanOrEqual(0.96);
    }
  }

  const arms = (n: number, pair: (rng: Rng, treated: boolean) => [number, number]) => (rng: Rng) => {
    const draw = (treated: boolean) => {
      const pre = new Float64Array(n);
      const post = new Float64Array(n);
      for (let i = 0; i < n; i++) [pre[i], post[i]] = pair(rng, treated);
      return cupedSumsOf(post, pre);
    };
    return { c: draw(false), t: draw(true) };
  };

  it('the 95% interval covers the truth 95% ± 1%: normal, ρ = 0.7, n = 200 (5,000 experiments)', () => {
    const draw = arms(200, (rng, treated) => {
      const z = rng.normal();
      return [10 + z, 5 + (treated ? 0.2 : 0) + 0.7 * z + Math.sqrt(1 - 0.49) * rng.normal()];
    });
    expectNominal(cupedCoverage(5000, 51, draw, { absolute: 0.2, relative: 0.04 }));
  });

  it('the 95% interval covers the truth 95% ± 1%: lognormal, n = 300 (5,000 experiments)', () => {
    // pre = e^{Z/2}, post = e^{(0.7Z + 0.71W)/2} + shift: means e^{1/8} and e^{(0.49 + 0.51)/8} + shift.
    const draw = arms(300, (rng, treated) => {
      const z = rng.normal();
      const post = Math.exp((0.7 * z + Math.sqrt(0.51) * rng.normal()) / 2) + (treated ? 0.1 : 0);
      return [Math.exp(z / 2), post];
    });
    const base = Math.exp(1 / 8);
    expectNominal(cupedCoverage(5000, 52, draw, { absolute: 0.1, relative: 0.1 / base }));
  });

  it('the 95% interval covers the truth 95% ± 1%: binary, proportion kind, n = 500 (5,000 experiments)', () => {
    // pre ~ Bernoulli(0.3); post ~ Bernoulli(0.2 + 0.3·pre + 0.05·treated): control mean 0.29.
    const draw = arms(500, (rng, treated) => {
      const pre = rng.bernoulli(0.3) ? 1 : 0;
      return [pre, rng.bernoulli(0.2 + 0.3 * pre + (treated ? 0.05 : 0)) ? 1 : 0];
    });
    expectNominal(cupedCoverage(5000, 53, draw, { absolute: 0.05, relative: 0.05 / 0.29 }, 'proportion'));
  });

  it.each([0.3, 0.7, 0.9])(
    'the variance of the effect shrinks by about ρ² (ρ = %d, 20,000 units per arm)',
    (rho) => {
      const rng = createRng(60 + rho * 10);
      const result = compareCupedValues(
        correlatedArm(rng, 20_000, rho, 0),
        correlatedArm(rng, 20_000, rho, 0.1),
      );
      expect(Math.abs(result.varianceReduction! - rho * rho)).toBeLessThan(0.02);
      const relative = compareCupedValues(
        correlatedArm(rng, 20_000, rho, 0),
        correlatedArm(rng, 20_000, rho, 0.1),
        {
          difference: 'relative',
        },
      );
      // The relative effect divides by the noisy control mean, which CUPED does not adjust: a bit less.
      expect(relative.varianceReduction!).toBeGreaterThan(rho * rho - 0.05);
      expect(relative.varianceReduction!).toBeLessThan(rho * rho + 0.02);
    },
  );
});

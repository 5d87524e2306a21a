import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import { expectClose } from '../../../test/helpers/expect-close.ts';
import { createRng, type Rng } from '../random.ts';
import {
  type CupedRatioSums,
  type CupedRatioValues,
  compareCupedRatio,
  cupedRatioSumsOf,
  cupedRatioTheta,
} from './cuped-ratio.ts';
import { compareRatio, ratioSumsOf } from './ratio.ts';

function expectWithin(actual: number | null | undefined, expected: number, tolerance: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

type GbArm = Record<string, number | null>;

/** GrowthBook's RegressionAdjustedRatioStatistic fields as our sums. */
function fromGrowthBook(a: GbArm): CupedRatioSums {
  const v = (key: string) => a[key] as number;
  return {
    n: v('n'),
    numeratorPost: { sum: v('m_post_sum'), sumSquares: v('m_post_sum_squares') },
    denominatorPost: { sum: v('d_post_sum'), sumSquares: v('d_post_sum_squares') },
    numeratorPre: { sum: v('m_pre_sum'), sumSquares: v('m_pre_sum_squares') },
    denominatorPre: { sum: v('d_pre_sum'), sumSquares: v('d_pre_sum_squares') },
    products: {
      numeratorPostDenominatorPost: v('m_post_d_post_sum_of_products'),
      numeratorPostNumeratorPre: v('m_post_m_pre_sum_of_products'),
      numeratorPostDenominatorPre: v('m_post_d_pre_sum_of_products'),
      denominatorPostNumeratorPre: v('m_pre_d_post_sum_of_products'),
      denominatorPostDenominatorPre: v('d_post_d_pre_sum_of_products'),
      numeratorPreDenominatorPre: v('m_pre_d_pre_sum_of_products'),
    },
  };
}

describe('ratio CUPED agrees with GrowthBook', () => {
  it('GB-14: pooled θ, relative effect, standard error, interval and p-value (fixed horizon)', () => {
    const vector = golden<
      { control: GbArm; treatment: GbArm },
      { fixed: { effect: number; ci: [number, number]; se: number; p_value: number } }
    >('GB-14');
    const extra = vector.also_computed as { theta: number; effect_exact: number; se_exact: number };
    const tolerance = toleranceOf(vector);
    const c = fromGrowthBook(vector.inputs.control);
    const t = fromGrowthBook(vector.inputs.treatment);
    const result = compareCupedRatio(c, t, { difference: 'relative' });
    const expected = vector.expected.fixed;
    expectWithin(result.effect, expected.effect, tolerance);
    expectWithin(result.se, expected.se, tolerance);
    expectWithin(result.ci![0], expected.ci[0], tolerance);
    expectWithin(result.ci![1], expected.ci[1], tolerance);
    expectWithin(result.pValue, expected.p_value, tolerance);
    expectClose(cupedRatioTheta(c, t), extra.theta, 1e-10);
    expectClose(result.effect, extra.effect_exact, 1e-10);
    expectClose(result.se, extra.se_exact, 1e-10);
  });

  describe('GB-15: from raw per-unit arrays with θ fixed at 0.5', () => {
    const vector = golden<
      {
        control: { m_post: number[]; d_post: number[]; m_pre: number[]; d_pre: number[] };
        treatment: {
          m_post_improving: number[];
          m_post_declining: number[];
          d_post: number[];
          m_pre: number[];
          d_pre: number[];
        };
      },
      { improving: { lift: number; se: number }; declining: { lift: number; se: number } }
    >('GB-15');
    const exact = vector.also_computed as Record<'improving' | 'declining', { lift: number; se: number }>;
    const { control, treatment } = vector.inputs;
    const controlValues: CupedRatioValues = {
      numeratorPost: control.m_post,
      denominatorPost: control.d_post,
      numeratorPre: control.m_pre,
      denominatorPre: control.d_pre,
    };
    const treated = (numeratorPost: number[]): CupedRatioValues => ({
      numeratorPost,
      denominatorPost: treatment.d_post,
      numeratorPre: treatment.m_pre,
      denominatorPre: treatment.d_pre,
    });
    const negate = (v: CupedRatioValues): CupedRatioValues => ({
      ...v,
      numeratorPost: Array.from(v.numeratorPost, (x) => -x),
      numeratorPre: Array.from(v.numeratorPre, (x) => -x),
    });

    it.each(['improving', 'declining'] as const)('%s treatment: lift and standard error', (which) => {
      const t = treated(which === 'improving' ? treatment.m_post_improving : treatment.m_post_declining);
      const result = compareCupedRatio(cupedRatioSumsOf(controlValues), cupedRatioSumsOf(t), {
        theta: 0.5,
        difference: 'relative',
      });
      expectWithin(result.effect, vector.expected[which].lift, toleranceOf(vector));
      expectWithin(result.se, vector.expected[which].se, toleranceOf(vector));
      expectClose(result.effect, exact[which].lift, 1e-10);
      expectClose(result.se, exact[which].se, 1e-10);
    });

    it('negating the metric negates the lift and keeps the standard error', () => {
      const t = treated(treatment.m_post_improving);
      const plain = compareCupedRatio(cupedRatioSumsOf(controlValues), cupedRatioSumsOf(t), {
        theta: 0.5,
        difference: 'relative',
      });
      const negated = compareCupedRatio(
        cupedRatioSumsOf(negate(controlValues)),
        cupedRatioSumsOf(negate(t)),
        {
          theta: 0.5,
          difference: 'relative',
        },
      );
      expectClose(negated.effect, -plain.effect!, 1e-12);
      expectClose(negated.se, plain.se!, 1e-12);
    });
  });
});

/** Users with pre- and post-period sessions and revenue; revenue per session is user-specific and lasts. */
function sessionArm(rng: Rng, n: number, lift: number): CupedRatioValues & { n: number } {
  const numeratorPost = new Float64Array(n);
  const denominatorPost = new Float64Array(n);
  const numeratorPre = new Float64Array(n);
  const denominatorPre = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const value = rng.lognormal(0, 0.5);
    denominatorPre[i] = 1 + rng.poisson(3);
    denominatorPost[i] = 1 + rng.poisson(3);
    numeratorPre[i] = denominatorPre[i]! * value * rng.lognormal(0, 0.3);
    numeratorPost[i] = denominatorPost[i]! * (value + lift) * rng.lognormal(0, 0.3);
  }
  return { n, numeratorPost, denominatorPost, numeratorPre, denominatorPre };
}

describe('ratio CUPED on simulated sessions', () => {
  it('with θ = 0 it is the delta method on the post-period ratio', () => {
    const rng = createRng(70);
    const c = sessionArm(rng, 500, 0);
    const t = sessionArm(rng, 500, 0.1);
    for (const difference of ['absolute', 'relative'] as const) {
      const cuped = compareCupedRatio(cupedRatioSumsOf(c), cupedRatioSumsOf(t), { theta: 0, difference });
      const post = (a: typeof c) =>
        ratioSumsOf({
          numerator: Float64Array.from(a.numeratorPost),
          denominator: Float64Array.from(a.denominatorPost),
        });
      const delta = compareRatio(post(c), post(t), { difference });
      expectClose(cuped.effect, delta.effect!, 1e-12);
      expectClose(cuped.se, delta.se!, 1e-10);
      expectClose(cuped.pValue, delta.pValue!, 1e-9);
    }
  });

  it('removes variance when the pre-period ratio predicts the post-period one', () => {
    const rng = createRng(71);
    const result = compareCupedRatio(
      cupedRatioSumsOf(sessionArm(rng, 5000, 0)),
      cupedRatioSumsOf(sessionArm(rng, 5000, 0.05)),
    );
    expect(result.theta).toBeGreaterThan(0.3);
    expect(result.varianceReduction!).toBeGreaterThan(0.2);
  });

  it('the 95% interval covers the true absolute lift 95% ± 1% (5,000 experiments, 300 users per arm)', () => {
    // The true revenue per session is E[value]·E[noise] in control and (E[value] + lift)·E[noise] in treatment.
    const noise = Math.exp(0.3 ** 2 / 2);
    const truth = 0.1 * noise;
    const rng = createRng(72);
    let covered = 0;
    for (let k = 0; k < 5000; k++) {
      const ci = compareCupedRatio(
        cupedRatioSumsOf(sessionArm(rng, 300, 0)),
        cupedRatioSumsOf(sessionArm(rng, 300, 0.1)),
      ).ci!;
      if (ci[0] <= truth && truth <= ci[1]) covered++;
    }
    expect(covered / 5000).toBeGreaterThanOrEqual(0.94);
    expect(covered / 5000).toBeLessThanOrEqual(0.96);
  });

  it('degenerate input gives coded warnings, never NaN', () => {
    const zero: CupedRatioValues = {
      numeratorPost: [1, 2],
      denominatorPost: [0, 0],
      numeratorPre: [1, 1],
      denominatorPre: [1, 2],
    };
    const some = sessionArm(createRng(1), 10, 0);
    const result = compareCupedRatio(cupedRatioSumsOf(zero), cupedRatioSumsOf(some));
    expect(result).toMatchObject({ effect: null, se: null, pValue: null });
    expect(result.warnings.map((w) => w.code)).toContain('SL_STATS_ZERO_DENOMINATOR');
  });
});

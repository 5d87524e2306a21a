import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import reference from '../../../test/fixtures/scipy/bayes.json' with { type: 'json' };
import { isSightlineError } from '../../errors/index.ts';
import { bayesianCompare, bayesianFromEstimate, gaussianPosterior, gaussianRisk } from './bayes.ts';
import { compareMoments } from './effect.ts';
import { momentsFromProportion, momentsFromSums } from './moments.ts';
import { momentsFromQuantile } from './quantile.ts';

interface SumsInput {
  type: string;
  n: number;
  sum: number;
  sum_squares?: number;
}

interface Expected {
  effect: number;
  ci: number[];
  sd: number;
  chance_to_win: number;
  risk: number[];
}

const arm = (input: SumsInput) =>
  input.type === 'ProportionStatistic'
    ? momentsFromProportion({ n: input.n, successes: input.sum })
    : momentsFromSums({ n: input.n, sum: input.sum, sumSquares: input.sum_squares! });

function expectWithin(actual: number | null | undefined, expected: number, tolerance: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tolerance);
}

function expectSummary(
  result: ReturnType<typeof bayesianCompare>,
  expected: Expected,
  tolerance: number,
): void {
  expectWithin(result.effect, expected.effect, tolerance);
  expectWithin(result.sd, expected.sd, tolerance);
  expectWithin(result.ci![0], expected.ci[0]!, tolerance);
  expectWithin(result.ci![1], expected.ci[1]!, tolerance);
  expectWithin(result.chanceToWin, expected.chance_to_win, tolerance);
  expectWithin(result.risk!.control, expected.risk[0]!, tolerance);
  expectWithin(result.risk!.treatment, expected.risk[1]!, tolerance);
  expect(result.warnings).toEqual([]);
}

describe('the Gaussian-prior Bayesian test agrees with GrowthBook', () => {
  it.each(['GB-08', 'GB-09'])('%s: improper flat prior, relative effect', (id) => {
    const vector = golden<{ control: SumsInput; treatment: SumsInput }, Expected>(id);
    const result = bayesianCompare(arm(vector.inputs.control), arm(vector.inputs.treatment), {
      difference: 'relative',
    });
    expectSummary(result, vector.expected, toleranceOf(vector));
  });

  it('GB-09: the absolute effect gbstats also computed', () => {
    const vector = golden<{ control: SumsInput; treatment: SumsInput }>('GB-09');
    const also = (vector.also_computed as { absolute: Omit<Expected, 'risk'> }).absolute;
    const result = bayesianCompare(arm(vector.inputs.control), arm(vector.inputs.treatment));
    expectWithin(result.effect, also.effect, 1e-12);
    expectWithin(result.sd, also.sd, 1e-12);
    expectWithin(result.ci![0], also.ci[0]!, 1e-12);
    expectWithin(result.ci![1], also.ci[1]!, 1e-12);
    expectWithin(result.chanceToWin, also.chance_to_win, 1e-12);
  });

  it('GB-10: a proper prior N(0.1, 0.1) on the lift', () => {
    const vector = golden<
      { control: SumsInput; treatment: SumsInput; prior: { mean: number; variance: number } },
      Expected
    >('GB-10');
    const { control, treatment, prior } = vector.inputs;
    const result = bayesianCompare(arm(control), arm(treatment), {
      difference: 'relative',
      prior: { mean: prior.mean, variance: prior.variance },
    });
    expectSummary(result, vector.expected, toleranceOf(vector));
  });

  it('GB-11: chance to win and risks of a count metric, and the same metric read as inverse', () => {
    const vector = golden<
      { control: SumsInput; treatment: SumsInput },
      {
        effect: number;
        bayesian_chance_to_win: number;
        bayesian_risk_treatment: number;
        inverse_metric_risk_treatment: number;
      }
    >('GB-11');
    const also = vector.also_computed as { bayesian_ci: number[]; se: number };
    const tolerance = toleranceOf(vector);
    const control = arm(vector.inputs.control);
    const treatment = arm(vector.inputs.treatment);
    const result = bayesianCompare(control, treatment, { difference: 'relative' });
    expectWithin(result.effect, vector.expected.effect, tolerance);
    expectWithin(result.chanceToWin, vector.expected.bayesian_chance_to_win, tolerance);
    expectWithin(result.risk!.treatment, vector.expected.bayesian_risk_treatment, tolerance);
    expectWithin(result.ci![0], also.bayesian_ci[0]!, 1e-14);
    expectWithin(result.ci![1], also.bayesian_ci[1]!, 1e-14);
    expectWithin(result.sd, also.se, 1e-15);

    const inverse = bayesianCompare(control, treatment, { difference: 'relative', inverse: true });
    expectWithin(inverse.risk!.treatment, vector.expected.inverse_metric_risk_treatment, tolerance);
    expect(inverse.risk!.control).toBe(result.risk!.treatment);
    expect(inverse.chanceToWin! + result.chanceToWin!).toBeCloseTo(1, 15);
  });

  it('with a flat prior the credible interval is the normal-reference confidence interval', () => {
    const vector = golden<{ control: SumsInput; treatment: SumsInput }>('GB-11');
    const control = arm(vector.inputs.control);
    const treatment = arm(vector.inputs.treatment);
    const bayes = bayesianCompare(control, treatment, { difference: 'relative', alpha: 0.1 });
    const z = compareMoments(control, treatment, { difference: 'relative', alpha: 0.1, reference: 'normal' });
    expect(bayes.ci![0]).toBeCloseTo(z.ci![0], 15);
    expect(bayes.ci![1]).toBeCloseTo(z.ci![1], 15);
  });
});

describe('GB-16: a P90 quantile metric through the same machinery', () => {
  interface QuantileArm {
    n: number;
    n_star: number;
    quantile_hat: number;
    quantile_lower: number;
    quantile_upper: number;
  }
  const vector = golden<
    { nu: number; control: QuantileArm; treatment: QuantileArm },
    Record<string, { effect: number; ci: number[] }>
  >('GB-16');
  const tolerance = toleranceOf(vector);
  const also = vector.also_computed as { unit_variance: number[]; sd_absolute: number };
  const moments = (a: QuantileArm) =>
    momentsFromQuantile({
      n: a.n,
      nStar: a.n_star,
      nu: vector.inputs.nu,
      quantile: a.quantile_hat,
      lower: a.quantile_lower,
      upper: a.quantile_upper,
    });
  const control = moments(vector.inputs.control);
  const treatment = moments(vector.inputs.treatment);

  function expectCase(
    result: ReturnType<typeof bayesianCompare>,
    expected: { effect: number; ci: number[] },
  ) {
    expectWithin(result.effect, expected.effect, tolerance);
    expectWithin(result.ci![0], expected.ci[0]!, tolerance);
    expectWithin(result.ci![1], expected.ci[1]!, tolerance);
  }

  it('the per-unit variance from the quantile interval', () => {
    expectWithin(control.variance, also.unit_variance[0]!, 1e-12);
    expectWithin(treatment.variance, also.unit_variance[1]!, 1e-12);
  });

  it('absolute effect, improper prior', () => {
    const result = bayesianCompare(control, treatment);
    expectCase(result, vector.expected['absolute_improper_prior']!);
    expectWithin(result.sd, also.sd_absolute, 1e-15);
  });

  it('relative effect, proper flat prior N(0, 1e6)', () => {
    const result = bayesianCompare(control, treatment, {
      difference: 'relative',
      prior: { mean: 0, variance: 1e6 },
    });
    expectCase(result, vector.expected['relative_flat_prior_var1e6']!);
  });

  it('absolute effect, prior N(0, 1) on the lift rescaled by the control quantile', () => {
    const result = bayesianCompare(control, treatment, { prior: { mean: 0, variance: 1 } });
    expectCase(result, vector.expected['absolute_prior_N(0,1)']!);
  });

  // The remaining two cases of the same upstream test (TestEffectBayesianABTest, gbstats at the pinned
  // commit), asserted there with exact equality.
  it('absolute effect with N(0, 1e6), and relative effect with N(0, 1)', () => {
    expectCase(bayesianCompare(control, treatment, { prior: { mean: 0, variance: 1e6 } }), {
      effect: 0.536512437540855,
      ci: [0.4572559588956844, 0.6157689161860256],
    });
    expectCase(
      bayesianCompare(control, treatment, { difference: 'relative', prior: { mean: 0, variance: 1 } }),
      { effect: 0.07495037261804469, ci: [0.06340765898986044, 0.08649308624622894] },
    );
  });

  it('a prior stated in absolute units is rescaled for a relative effect', () => {
    const baseline = control.mean;
    const relative = bayesianCompare(control, treatment, {
      difference: 'relative',
      prior: { mean: 0, variance: 1 },
    });
    const fromAbsolute = bayesianCompare(control, treatment, {
      difference: 'relative',
      prior: { mean: 0, variance: baseline * baseline },
      priorScale: 'absolute',
    });
    expect(fromAbsolute.effect).toBeCloseTo(relative.effect!, 15);
    expect(fromAbsolute.sd).toBeCloseTo(relative.sd!, 15);
  });

  it('too few units for a P90 leave no variance, and a coded warning', () => {
    const small = momentsFromQuantile({ n: 30, nStar: 30, nu: 0.9, quantile: 7, lower: 6, upper: 8 });
    expect(small.variance).toBe(0);
    const result = bayesianCompare(small, small);
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
    expect(result.ci).toBeNull();
    // 35 > 1.96² · 0.9/0.1 ≈ 34.6 is enough.
    expect(
      momentsFromQuantile({ n: 35, nStar: 35, nu: 0.9, quantile: 7, lower: 6, upper: 8 }).variance,
    ).toBeCloseTo(34 * (2 / (2 * 1.959963984540054)) ** 2, 13);
  });
});

describe('risk from a Gaussian posterior', () => {
  it('GB-18: numerically stable far into the tails', () => {
    const vector = golden<{ mu: number; sigma: number }[], number[][]>('GB-18');
    const tolerance = toleranceOf(vector);
    vector.inputs.forEach(({ mu, sigma }, i) => {
      const risk = gaussianRisk(mu, sigma);
      expectWithin(risk.control, vector.expected[i]![0]!, tolerance);
      expectWithin(risk.treatment, vector.expected[i]![1]!, tolerance);
    });
  });

  it.each(reference.risk)(
    'agrees with numerical integration (scipy quad): N($mu, $sigma²)',
    ({ mu, sigma, risk }) => {
      const actual = gaussianRisk(mu, sigma);
      expect(Math.abs(actual.control - risk[0]!)).toBeLessThanOrEqual(1e-10 * risk[0]! + 1e-16);
      expect(Math.abs(actual.treatment - risk[1]!)).toBeLessThanOrEqual(1e-10 * risk[1]! + 1e-16);
    },
  );

  it('the two risks differ by the posterior mean, and a point posterior has no uncertainty', () => {
    const risk = gaussianRisk(0.3, 0.2);
    expect(risk.control - risk.treatment).toBeCloseTo(0.3, 15);
    expect(gaussianRisk(-0.2, 0)).toEqual({ control: 0, treatment: 0.2 });
  });
});

describe('the normal-normal update agrees with scipy', () => {
  it.each(reference.posterior)('$inputs', ({ inputs, mean, sd, ci, chanceToWin, risk }) => {
    const prior =
      inputs.priorVariance === null ? undefined : { mean: inputs.priorMean!, variance: inputs.priorVariance };
    const result = bayesianFromEstimate(
      { effect: inputs.effect, variance: inputs.variance },
      {
        prior,
        alpha: inputs.alpha,
      },
    );
    const close = (a: number | null | undefined, b: number) =>
      expect(Math.abs(a! - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
    close(result.effect, mean);
    close(result.sd, sd);
    close(result.ci![0], ci[0]!);
    close(result.ci![1], ci[1]!);
    close(result.chanceToWin, chanceToWin);
    close(result.risk!.control, risk[0]!);
    close(result.risk!.treatment, risk[1]!);
  });

  it('a proper prior pulls the estimate toward its mean by the ratio of precisions', () => {
    const posterior = gaussianPosterior({ effect: 1, variance: 1 }, { mean: 0, variance: 3 });
    expect(posterior.mean).toBeCloseTo(0.75, 15);
    expect(posterior.variance).toBeCloseTo(0.75, 15);
  });
});

describe('degenerate input gives coded warnings, never NaN', () => {
  const some = { n: 10, mean: 1, variance: 2 };
  it('an empty arm', () => {
    const result = bayesianCompare({ n: 1, mean: 1, variance: 0 }, some);
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
    expect([result.effect, result.ci, result.chanceToWin, result.risk]).toEqual([null, null, null, null]);
  });
  it('a zero baseline for a relative effect, or for rescaling a relative prior', () => {
    const zero = { n: 10, mean: 0, variance: 1 };
    expect(bayesianCompare(zero, some, { difference: 'relative' }).warnings[0]!.code).toBe(
      'SL_STATS_ZERO_BASELINE',
    );
    const rescaled = bayesianCompare(zero, some, { prior: { mean: 0, variance: 1 } });
    expect(rescaled.warnings[0]!.code).toBe('SL_STATS_ZERO_BASELINE');
    expect(rescaled.effect).toBeNull();
  });
  it('zero variance keeps the effect only', () => {
    const result = bayesianCompare({ n: 4, mean: 2, variance: 0 }, { n: 4, mean: 3, variance: 0 });
    expect(result.warnings[0]!.code).toBe('SL_STATS_ZERO_VARIANCE');
    expect(result.effect).toBe(1);
    expect(result.ci).toBeNull();
  });
  it('rejects an improper "proper" prior and a bad alpha with a coded error', () => {
    for (const options of [
      { prior: { mean: 0, variance: 0 } },
      { prior: { mean: Number.NaN, variance: 1 } },
      { alpha: 2 },
    ]) {
      try {
        bayesianCompare(some, some, { ...options, priorScale: 'absolute' });
        expect.unreachable();
      } catch (error) {
        expect(isSightlineError(error) && error.code).toBe('SL_STATS_INPUT_INVALID');
      }
    }
  });
});

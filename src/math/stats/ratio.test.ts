import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import reference from '../../../test/fixtures/scipy/resampling.json' with { type: 'json' };
import { expectClose } from '../../../test/helpers/expect-close.ts';
import { createRng, type Rng } from '../random.ts';
import {
  compareLinearized,
  compareRatio,
  compareSmoothed,
  linearize,
  type RatioSums,
  type RatioValues,
  ratioMoments,
  ratioSumsOf,
  smoothingStrength,
  smoothRatios,
} from './ratio.ts';

function expectWithin(actual: number | null | undefined, expected: number, tolerance: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

const values = (v: { numerator: number[]; denominator: number[] }): RatioValues => ({
  numerator: Float64Array.from(v.numerator),
  denominator: Float64Array.from(v.denominator),
});

describe('the delta method agrees with GrowthBook', () => {
  interface Arm {
    n: number;
    m: { sum: number; sum_squares: number };
    d: { sum: number; sum_squares: number };
    m_d_sum_of_products: number;
  }
  const vector = golden<
    { control: Arm; treatment: Arm },
    { control_ratio: number; treatment_ratio: number; effect: number; frequentist_p_value: number }
  >('GB-12');
  const extra = vector.also_computed as {
    unit_variance_control: number;
    unit_variance_treatment: number;
    se: number;
    frequentist_ci: [number, number];
  };
  const sums = (a: Arm): RatioSums => ({
    n: a.n,
    numerator: { sum: a.m.sum, sumSquares: a.m.sum_squares },
    denominator: { sum: a.d.sum, sumSquares: a.d.sum_squares },
    sumProducts: a.m_d_sum_of_products,
  });
  const tolerance = toleranceOf(vector);

  it('GB-12: per-unit delta-method variances of each arm', () => {
    expectWithin(ratioMoments(sums(vector.inputs.control))!.variance, extra.unit_variance_control, tolerance);
    expectWithin(
      ratioMoments(sums(vector.inputs.treatment))!.variance,
      extra.unit_variance_treatment,
      tolerance,
    );
  });

  it('GB-12: relative effect, standard error, interval and p-value (Welch)', () => {
    const result = compareRatio(sums(vector.inputs.control), sums(vector.inputs.treatment), {
      difference: 'relative',
    });
    expectWithin(result.controlRatio, vector.expected.control_ratio, tolerance);
    expectWithin(result.treatmentRatio, vector.expected.treatment_ratio, tolerance);
    expectWithin(result.effect, vector.expected.effect, tolerance);
    expectWithin(result.pValue, vector.expected.frequentist_p_value, tolerance);
    expectWithin(result.se, extra.se, tolerance);
    expectWithin(result.ci![0], extra.frequentist_ci[0], tolerance);
    expectWithin(result.ci![1], extra.frequentist_ci[1], tolerance);
  });
});

describe('SC-02: the delta method and linearization on a toy CTR', () => {
  const vector = golden<
    {
      control_clicks: number[];
      control_views: number[];
      treatment_clicks: number[];
      treatment_views: number[];
    },
    {
      kappa_control_ratio: number;
      mean_L_control: number;
      mean_L_treatment: number;
      welch_t: number;
      welch_p: number;
      ratio_abs_diff: number;
      delta_method_se: number;
      delta_z: number;
      gbstats_abs_ratio_ci: [number, number];
      gbstats_abs_ratio_p_welch_t: number;
    }
  >('SC-02');
  const { inputs, expected } = vector;
  const control = values({ numerator: inputs.control_clicks, denominator: inputs.control_views });
  const treatment = values({ numerator: inputs.treatment_clicks, denominator: inputs.treatment_views });

  it('delta method: the absolute ratio difference, its standard error, z, and the Welch interval and p', () => {
    const welch = compareRatio(ratioSumsOf(control), ratioSumsOf(treatment));
    expectClose(welch.effect, expected.ratio_abs_diff);
    expectClose(welch.se, expected.delta_method_se);
    expectClose(welch.ci![0], expected.gbstats_abs_ratio_ci[0]);
    expectClose(welch.ci![1], expected.gbstats_abs_ratio_ci[1]);
    expectClose(welch.pValue, expected.gbstats_abs_ratio_p_welch_t);
    const z = compareRatio(ratioSumsOf(control), ratioSumsOf(treatment), { reference: 'normal' });
    expectClose(z.statistic, expected.delta_z);
  });

  it('linearization: κ, the mean linearized values and scipy’s Welch t and p on them', () => {
    const result = compareLinearized(control, treatment);
    expectClose(result.kappa, expected.kappa_control_ratio);
    const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
    expect(Math.abs(mean(linearize(control, result.kappa!)))).toBeLessThan(1e-15);
    expectClose(mean(linearize(treatment, result.kappa!)), expected.mean_L_treatment);
    expectClose(result.effect, expected.mean_L_treatment);
    expectClose(result.statistic, expected.welch_t);
    expectClose(result.pValue, expected.welch_p);
    // mean(L_t)/ȳ_t = Σx_t/Σy_t − κ: the linearized effect converts to ratio units.
    const views = treatment.denominator.reduce((a, b) => a + b, 0) / treatment.denominator.length;
    expectClose(result.effect! / views, expected.ratio_abs_diff);
  });
});

describe('linearization and smoothed CTR agree with scipy’s Welch test on the transformed values', () => {
  const control = values(reference.linearization.control);
  const treatment = values(reference.linearization.treatment);

  it('linearization on 200 and 180 users', () => {
    const result = compareLinearized(control, treatment);
    const want = reference.linearization.welch;
    expectClose(result.kappa, reference.linearization.kappa);
    expectClose(result.effect, want.effect);
    expectClose(result.statistic, want.statistic);
    expectClose(result.pValue, want.pValue);
    expectClose(result.df, want.df);
    expectClose(result.ci![0], want.ci[0]!);
    expectClose(result.ci![1], want.ci[1]!);
  });

  it('smoothed CTR with β = 5 and κ over both arms', () => {
    const result = compareSmoothed(control, treatment, { beta: 5 });
    const want = reference.smoothed.welch;
    expect(result.smoothing).toBe('given');
    expectClose(result.kappa, reference.smoothed.kappa);
    expectClose(result.effect, want.effect);
    expectClose(result.statistic, want.statistic);
    expectClose(result.pValue, want.pValue);
    expectClose(result.df, want.df);
    expectClose(result.ci![0], want.ci[0]!);
    expectClose(result.ci![1], want.ci[1]!);
  });

  it('a user with no views gets κ, one with many views about their own ratio', () => {
    const smoothed = smoothRatios(
      { numerator: Float64Array.of(0, 500), denominator: Float64Array.of(0, 1000) },
      0.2,
      5,
    );
    expect(smoothed[0]).toBeCloseTo(0.2, 15);
    expect(smoothed[1]).toBeCloseTo((500 + 1) / 1005, 15);
  });
});

/** Users with 1 + Poisson(4) views, each clicking with their own rate drawn by `rate`. */
function ctrArm(rng: Rng, n: number, rate: () => number): RatioValues {
  const numerator = new Float64Array(n);
  const denominator = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const views = 1 + rng.poisson(4);
    const p = rate();
    let clicks = 0;
    for (let v = 0; v < views; v++) if (rng.next() < p) clicks++;
    numerator[i] = clicks;
    denominator[i] = views;
  }
  return { numerator, denominator };
}

describe('smoothingStrength', () => {
  it('recovers the prior strength a + b of beta-binomial rates (method of moments)', () => {
    // Rates p = X/(X + Y) with X ~ Gamma(4), Y ~ Gamma(16) are Beta(4, 16): mean 0.2, strength 20.
    const rng = createRng(12);
    const gamma = (shape: number) => {
      let s = 0;
      for (let i = 0; i < shape; i++) s -= Math.log(1 - rng.next());
      return s;
    };
    const rate = () => {
      const x = gamma(4);
      return x / (x + gamma(16));
    };
    const strength = smoothingStrength(ctrArm(rng, 20_000, rate), ctrArm(rng, 20_000, rate));
    expect(strength.method).toBe('empirical-bayes');
    expect(strength.kappa).toBeCloseTo(0.2, 2);
    expect(strength.beta).toBeGreaterThan(17);
    expect(strength.beta).toBeLessThan(23);
  });

  it('falls back to the mean denominator when numerators exceed denominators (not a rate)', () => {
    const arm = { numerator: Float64Array.of(3, 9, 1), denominator: Float64Array.of(1, 4, 2) };
    expect(smoothingStrength(arm, arm)).toEqual({ beta: 7 / 3, kappa: 13 / 7, method: 'mean-denominator' });
  });

  it('falls back when every user has exactly the global rate (no spread to estimate a prior from)', () => {
    const arm = { numerator: Float64Array.of(1, 2, 3), denominator: Float64Array.of(4, 8, 12) };
    expect(smoothingStrength(arm, arm).method).toBe('mean-denominator');
  });
});

describe('degenerate ratio metrics give coded warnings, never NaN', () => {
  const none = {
    n: 3,
    numerator: { sum: 0, sumSquares: 0 },
    denominator: { sum: 0, sumSquares: 0 },
    sumProducts: 0,
  };
  const some = ratioSumsOf({ numerator: Float64Array.of(1, 2, 0), denominator: Float64Array.of(3, 4, 5) });
  it('a denominator that sums to 0', () => {
    const result = compareRatio(none, some);
    expect(result).toMatchObject({ effect: null, pValue: null, controlRatio: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_DENOMINATOR']);
    const linearized = compareLinearized(
      { numerator: Float64Array.of(0, 0), denominator: Float64Array.of(0, 0) },
      { numerator: Float64Array.of(1, 2), denominator: Float64Array.of(3, 4) },
    );
    expect(linearized.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_DENOMINATOR']);
  });
  it('a relative effect over a zero control ratio', () => {
    const zero = ratioSumsOf({ numerator: Float64Array.of(0, 0, 0), denominator: Float64Array.of(1, 2, 3) });
    const result = compareRatio(zero, some, { difference: 'relative' });
    expect(result.effect).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
  });
});

describe('simulation: CTR per user', () => {
  /** Rates uniform on (0, 2·base): mean base, independent of views, so the true ratio is base. */
  const uniformRate = (rng: Rng, base: number) => () => 2 * base * rng.next();

  it('the delta method’s 95% interval covers the true CTR difference 95% ± 1%: binary clicks per view (10,000 experiments)', () => {
    const rng = createRng(31);
    let covered = 0;
    let coveredRelative = 0;
    const experiments = 10_000;
    for (let k = 0; k < experiments; k++) {
      const c = ratioSumsOf(ctrArm(rng, 200, uniformRate(rng, 0.3)));
      const t = ratioSumsOf(ctrArm(rng, 200, uniformRate(rng, 0.33)));
      const absolute = compareRatio(c, t).ci!;
      if (absolute[0] <= 0.03 && 0.03 <= absolute[1]) covered++;
      const relative = compareRatio(c, t, { difference: 'relative' }).ci!;
      if (relative[0] <= 0.1 && 0.1 <= relative[1]) coveredRelative++;
    }
    expect(covered / experiments).toBeGreaterThanOrEqual(0.94);
    expect(covered / experiments).toBeLessThanOrEqual(0.96);
    expect(coveredRelative / experiments).toBeGreaterThanOrEqual(0.94);
    expect(coveredRelative / experiments).toBeLessThanOrEqual(0.96);
  });

  /**
   * Users with 1 + Poisson(2) sessions and a per-session value drawn by `value`: the true ratio is the
   * value's mean, whatever the number of sessions.
   */
  function sessionArm(rng: Rng, n: number, value: () => number): RatioSums {
    const numerator = new Float64Array(n);
    const denominator = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const sessions = 1 + rng.poisson(2);
      let total = 0;
      for (let s = 0; s < sessions; s++) total += value();
      numerator[i] = total;
      denominator[i] = sessions;
    }
    return ratioSumsOf({ numerator, denominator });
  }

  it.each([
    // Revenue per session: lognormal(0, 1) values, mean e^{1/2}, plus 0.2 in treatment.
    [
      'lognormal revenue per session',
      (rng: Rng, lift: number) => () => rng.lognormal(0, 1) + lift,
      Math.exp(0.5),
    ],
    // Minutes per session: normal(3, 1).
    ['normal time per session', (rng: Rng, lift: number) => () => 3 + lift + rng.normal(), 3],
  ] as const)(
    'the delta method’s 95 percent interval covers the truth 95 ± 1 percent of the time: %s (5,000 experiments)',
    (_, value, base) => {
      const rng = createRng(33);
      let covered = 0;
      let coveredRelative = 0;
      const experiments = 5000;
      for (let k = 0; k < experiments; k++) {
        const c = sessionArm(rng, 300, value(rng, 0));
        const t = sessionArm(rng, 300, value(rng, 0.2));
        const absolute = compareRatio(c, t).ci!;
        if (absolute[0] <= 0.2 && 0.2 <= absolute[1]) covered++;
        const relative = compareRatio(c, t, { difference: 'relative' }).ci!;
        if (relative[0] <= 0.2 / base && 0.2 / base <= relative[1]) coveredRelative++;
      }
      for (const count of [covered, coveredRelative]) {
        expect(count / experiments).toBeGreaterThanOrEqual(0.94);
        expect(count / experiments).toBeLessThanOrEqual(0.96);
      }
    },
  );

  it('A/A: linearization, smoothed CTR and the delta method reject 5% of the time ([0.044, 0.056], 5,000 draws)', () => {
    const rng = createRng(32);
    const rejections = { delta: 0, linearized: 0, smoothed: 0 };
    const draws = 5000;
    for (let k = 0; k < draws; k++) {
      const c = ctrArm(rng, 200, uniformRate(rng, 0.3));
      const t = ctrArm(rng, 200, uniformRate(rng, 0.3));
      if (compareRatio(ratioSumsOf(c), ratioSumsOf(t)).pValue! < 0.05) rejections.delta++;
      if (compareLinearized(c, t).pValue! < 0.05) rejections.linearized++;
      if (compareSmoothed(c, t).pValue! < 0.05) rejections.smoothed++;
    }
    for (const count of Object.values(rejections)) {
      expect(count / draws).toBeGreaterThanOrEqual(0.044);
      expect(count / draws).toBeLessThanOrEqual(0.056);
    }
  });
});

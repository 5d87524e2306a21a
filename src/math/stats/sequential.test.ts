import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import { isSightlineError } from '../../errors/index.ts';
import { createRng } from '../random.ts';
import { normalQuantile } from './distributions.ts';
import { compareMoments } from './effect.ts';
import { momentsFromProportion, momentsFromSums } from './moments.ts';
import {
  alwaysValidPValue,
  confidenceSequence,
  confidenceSequenceMultiplier,
  mixtureRho,
  sequentialCompare,
} from './sequential.ts';

interface SumsInput {
  type: string;
  n: number;
  sum: number;
  sum_squares?: number;
}

interface Inputs {
  control: SumsInput;
  treatment: SumsInput;
  difference_type: 'relative' | 'absolute';
  alpha: number;
  sequential_tuning_parameter: number;
}

const arm = (input: SumsInput) =>
  input.type === 'ProportionStatistic'
    ? momentsFromProportion({ n: input.n, successes: input.sum })
    : momentsFromSums({ n: input.n, sum: input.sum, sumSquares: input.sum_squares! });

function run(inputs: Inputs) {
  return sequentialCompare(arm(inputs.control), arm(inputs.treatment), {
    difference: inputs.difference_type,
    alpha: inputs.alpha,
    tuning: inputs.sequential_tuning_parameter,
  });
}

function expectWithin(actual: number | null | undefined, expected: number, tolerance: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tolerance);
}

describe('the normal-mixture confidence sequence agrees with GrowthBook', () => {
  it.each(['GB-05', 'GB-06'])('%s (relative effect)', (id) => {
    const vector = golden<Inputs, { effect: number; ci: number[]; se: number; p_value: number }>(id);
    const tolerance = toleranceOf(vector);
    const result = run(vector.inputs);
    expectWithin(result.effect, vector.expected.effect, tolerance);
    expectWithin(result.se, vector.expected.se, tolerance);
    expectWithin(result.ci![0], vector.expected.ci[0]!, tolerance);
    expectWithin(result.ci![1], vector.expected.ci[1]!, tolerance);
    expectWithin(result.pValue, vector.expected.p_value, tolerance);
    expect(result.n).toBe(vector.inputs.control.n + vector.inputs.treatment.n);
    expect(result.warnings).toEqual([]);
  });

  it('GB-05: with no evidence yet the always-valid p-value is exactly 1', () => {
    expect(run(golden<Inputs>('GB-05').inputs).pValue).toBe(1);
  });

  it('GB-06: the overwhelming p-value keeps its digits (5.17e-44, not 0)', () => {
    const vector = golden<Inputs, unknown>('GB-06');
    const exact = (vector.also_computed as { p_value_exact: number }).p_value_exact;
    const p = run(vector.inputs).pValue!;
    expect(Math.abs(p - exact) / exact).toBeLessThan(1e-9);
  });

  it('GB-07: the full pipeline count metric, N* = 600, to 9 decimals', () => {
    const vector = golden<
      Inputs,
      { effect: number; p_value: number; ci_lower: number; control_mean: number; treatment_mean: number }
    >('GB-07');
    const also = vector.also_computed as { ci: number[]; se: number };
    const tolerance = toleranceOf(vector);
    const { control, treatment } = vector.inputs;
    expect(arm(control).mean).toBeCloseTo(vector.expected.control_mean, 12);
    expect(arm(treatment).mean).toBeCloseTo(vector.expected.treatment_mean, 12);
    const result = run(vector.inputs);
    expectWithin(result.effect, vector.expected.effect, tolerance);
    expectWithin(result.pValue, vector.expected.p_value, tolerance);
    expectWithin(result.ci![0], vector.expected.ci_lower, tolerance);
    // The unrounded values gbstats printed agree to near machine precision.
    expectWithin(result.ci![0], also.ci[0]!, 1e-14);
    expectWithin(result.ci![1], also.ci[1]!, 1e-14);
    expectWithin(result.se, also.se, 1e-15);
  });
});

describe('the boundary is the one Eppo documents (SC-01)', () => {
  const vector = golden<
    { alpha: number; N_star_growthbook: number; t_total_n: number; se: number },
    {
      growthbook_halfwidth_multiplier: number;
      rho_gb: number;
      rho_eppo_equiv: number;
      eppo_default_Ntune_10000_B: Record<string, number>;
    }
  >('SC-01');
  const { alpha, N_star_growthbook: tuning, t_total_n: n } = vector.inputs;

  /** Eppo's equation, as printed in its documentation: B = √((t + ρ) log((t + ρ)/(ρ(1 − c)²)) / t). */
  function eppoB(t: number, nTune: number, a: number): number {
    const rho = nTune / (Math.log(Math.log(Math.E / (a * a))) - 2 * Math.log(a));
    return Math.sqrt((t + rho) * Math.log((t + rho) / (rho * a * a))) / Math.sqrt(t);
  }

  it('reproduces the half-width multiplier and ρ', () => {
    const multiplier = confidenceSequenceMultiplier(n, alpha, tuning);
    expect(Math.abs(multiplier - vector.expected.growthbook_halfwidth_multiplier)).toBeLessThan(1e-13);
    expect(Math.abs(mixtureRho(alpha, tuning) - vector.expected.rho_gb)).toBeLessThan(1e-15);
    const rhoEppo = 1 / mixtureRho(alpha, tuning) ** 2;
    expect(Math.abs(rhoEppo - vector.expected.rho_eppo_equiv) / rhoEppo).toBeLessThan(1e-13);
    expect(Math.abs(eppoB(n, tuning, alpha) - multiplier)).toBeLessThan(1e-12);
  });

  it.each(Object.entries(vector.expected.eppo_default_Ntune_10000_B))(
    'Eppo N_tune = 10,000 is N* = 10,000 (%s)',
    (key, expected) => {
      const t = Number(key.slice(2));
      expect(Math.abs(confidenceSequenceMultiplier(t, alpha, 10_000) - expected)).toBeLessThan(1e-12);
      expect(Math.abs(eppoB(t, 10_000, alpha) - expected)).toBeLessThan(1e-12);
    },
  );
});

describe('what the boundary guarantees', () => {
  it('is always wider than the fixed-horizon interval and tightest near n = N*', () => {
    const z = normalQuantile(0.975);
    for (const n of [10, 100, 1000, 10_000, 100_000, 10_000_000])
      expect(confidenceSequenceMultiplier(n, 0.05, 5000)).toBeGreaterThan(z);
    // ρ is tuned so that, at n = N*, no other tuning gives a narrower interval by much.
    const atTuned = confidenceSequenceMultiplier(10_000, 0.05, 10_000);
    for (const other of [2000, 5000, 20_000, 50_000])
      expect(confidenceSequenceMultiplier(10_000, 0.05, other)).toBeGreaterThan(atTuned);
  });

  it('the always-valid p-value is below α exactly when the sequence excludes 0', () => {
    const rng = createRng(41);
    for (let i = 0; i < 500; i++) {
      const estimate = { effect: rng.normal() * 0.1, variance: 0.0005 + rng.next() * 0.002 };
      const n = rng.int(20, 50_000);
      const { ci, pValue } = confidenceSequence(estimate, n, { alpha: 0.05, tuning: 5000 });
      const excludesZero = ci[0] > 0 || ci[1] < 0;
      expect(pValue < 0.05).toBe(excludesZero);
    }
  });

  it('an estimate on the boundary has p-value exactly α', () => {
    for (const [n, alpha, tuning] of [
      [6461, 0.05, 5000],
      [120, 0.1, 600],
      [1_000_000, 0.01, 10_000],
    ] as const) {
      const se = 0.37;
      const effect = confidenceSequenceMultiplier(n, alpha, tuning) * se;
      const p = alwaysValidPValue({ effect, variance: se * se }, n, alpha, tuning);
      expect(Math.abs(p - alpha) / alpha).toBeLessThan(1e-12);
    }
  });

  it('an absolute effect uses var_c/n_c + var_t/n_t and is symmetric around the estimate', () => {
    const control = { n: 400, mean: 5, variance: 4 };
    const treatment = { n: 500, mean: 5.3, variance: 9 };
    const result = sequentialCompare(control, treatment, { tuning: 900 });
    const se = Math.sqrt(4 / 400 + 9 / 500);
    expect(result.effect).toBeCloseTo(0.3, 14);
    expect(result.se).toBeCloseTo(se, 15);
    const half = confidenceSequenceMultiplier(900, 0.05, 900) * se;
    expect(result.ci![0]).toBeCloseTo(0.3 - half, 14);
    expect(result.ci![1]).toBeCloseTo(0.3 + half, 14);
  });
});

describe('degenerate input gives coded warnings, never NaN', () => {
  const some = { n: 10, mean: 1, variance: 2 };
  it('an empty arm', () => {
    const result = sequentialCompare({ n: 0, mean: 0, variance: 0 }, some);
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
    expect([result.effect, result.ci, result.pValue]).toEqual([null, null, null]);
  });
  it('no units at all has no multiplier either', () => {
    const none = { n: 0, mean: 0, variance: 0 };
    expect(sequentialCompare(none, none).multiplier).toBeNull();
  });
  it('a zero control mean for a relative effect', () => {
    const result = sequentialCompare({ n: 10, mean: 0, variance: 1 }, some, { difference: 'relative' });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
    expect(result.ci).toBeNull();
  });
  it('no variance in either arm keeps the effect but no interval', () => {
    const result = sequentialCompare({ n: 5, mean: 1, variance: 0 }, { n: 5, mean: 2, variance: 0 });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
    expect(result.effect).toBe(1);
    expect([result.ci, result.pValue]).toEqual([null, null]);
  });
  it('rejects an α outside (0, 1) and a non-positive N* with a coded error', () => {
    for (const options of [{ alpha: 0 }, { alpha: 1 }, { tuning: 0 }, { tuning: Number.NaN }]) {
      try {
        sequentialCompare(some, some, options);
        expect.unreachable();
      } catch (error) {
        expect(isSightlineError(error) && error.code).toBe('SL_STATS_INPUT_INVALID');
      }
    }
  });
});

/**
 * A/A experiments looked at 20 times as data arrive. Under H0 the confidence sequence should exclude 0 at
 * some look in at most α of them; a fixed-horizon Welch test read at every look should not (about 25%
 * for 20 looks, Armitage, McPherson & Rowe 1969), while read once at the end it holds α.
 */
describe('continuous peeking under H0 (seeded simulation)', () => {
  const experiments = 2000;
  const looks = 20;
  const perLook = 50;
  const alpha = 0.05;
  const tuning = 2 * looks * perLook;
  const rng = createRng(20240611);
  let sequentialAbsolute = 0;
  let sequentialRelative = 0;
  let peekingWelch = 0;
  let finalWelch = 0;
  for (let e = 0; e < experiments; e++) {
    const sums = [0, 0, 0, 0];
    let rejectedAbsolute = false;
    let rejectedRelative = false;
    let rejectedWelch = false;
    for (let look = 1; look <= looks; look++) {
      for (let i = 0; i < perLook; i++) {
        const c = 10 + 3 * rng.normal();
        const t = 10 + 3 * rng.normal();
        sums[0]! += c;
        sums[1]! += c * c;
        sums[2]! += t;
        sums[3]! += t * t;
      }
      const n = look * perLook;
      const control = momentsFromSums({ n, sum: sums[0]!, sumSquares: sums[1]! });
      const treatment = momentsFromSums({ n, sum: sums[2]!, sumSquares: sums[3]! });
      const absolute = sequentialCompare(control, treatment, { alpha, tuning });
      const relative = sequentialCompare(control, treatment, { alpha, tuning, difference: 'relative' });
      const welch = compareMoments(control, treatment, { alpha });
      if (absolute.ci![0] > 0 || absolute.ci![1] < 0) rejectedAbsolute = true;
      if (relative.ci![0] > 0 || relative.ci![1] < 0) rejectedRelative = true;
      if (welch.pValue! < alpha) {
        rejectedWelch = true;
        if (look === looks) finalWelch++;
      }
    }
    if (rejectedAbsolute) sequentialAbsolute++;
    if (rejectedRelative) sequentialRelative++;
    if (rejectedWelch) peekingWelch++;
  }

  it('the confidence sequence keeps the false-positive rate at or below α (absolute and relative)', () => {
    expect(sequentialAbsolute / experiments).toBeLessThanOrEqual(alpha);
    expect(sequentialRelative / experiments).toBeLessThanOrEqual(alpha);
  });

  it('a fixed-horizon t-test read at every look exceeds α several times over', () => {
    // Monte Carlo standard error at 0.25 is about 0.01, so 0.15 is far below the expected rate.
    expect(peekingWelch / experiments).toBeGreaterThan(0.15);
  });

  it('the same t-test read once at the end holds α (within Monte Carlo error)', () => {
    const rate = finalWelch / experiments;
    const se = Math.sqrt((alpha * (1 - alpha)) / experiments);
    expect(Math.abs(rate - alpha)).toBeLessThan(3.5 * se);
  });
});

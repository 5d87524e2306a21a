import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import reference from '../../../test/fixtures/scipy/classical.json' with { type: 'json' };
import { expectClose } from '../../../test/helpers/expect-close.ts';
import { drawSuccesses, drawSums } from '../../../test/helpers/simulated-arms.ts';
import { createRng, type Rng } from '../random.ts';
import { type MeanSums, meanSums } from './moments.ts';
import type { Alternative } from './result.ts';
import { type TTestKind, tTest, tTestFromSums } from './t-test.ts';

const datasets = reference.tTest.datasets as Record<string, { control: number[]; treatment: number[] }>;

describe('t-tests agree with scipy.stats.ttest_ind(treatment, control)', () => {
  it.each(reference.tTest.cases.map((c) => [c.dataset, c.kind, c.alternative, c.alpha, c] as const))(
    '%s, %s, %s, alpha %d',
    (dataset, kind, alternative, alpha, expected) => {
      const { control, treatment } = datasets[dataset]!;
      const result = tTest(control, treatment, {
        kind: kind as TTestKind,
        alternative: alternative as Alternative,
        alpha,
      });
      expect(result.warnings).toEqual([]);
      expectClose(result.statistic, expected.statistic);
      expectClose(result.pValue, expected.pValue);
      expectClose(result.df, expected.df);
      expectClose(result.ci![0], expected.ci[0]!);
      expectClose(result.ci![1], expected.ci[1]!);
    },
  );

  it('from sums gives what the values give', () => {
    const { control, treatment } = datasets['skewed']!;
    for (const kind of ['welch', 'student'] as const) {
      const fromValues = tTest(control, treatment, { kind });
      const fromSums = tTestFromSums(meanSums(control), meanSums(treatment), { kind });
      expectClose(fromSums.pValue, fromValues.pValue!, 1e-11);
      expectClose(fromSums.ci![0], fromValues.ci![0], 1e-11);
      expect(fromSums.test).toBe(kind);
    }
  });

  it('reports the effect as treatment minus control (the second arm minus the first)', () => {
    const result = tTest([1, 2, 3], [4, 5, 9]);
    expect(result.effect).toBe(4);
    expect(result.control.mean).toBe(2);
    expect(result.treatment.mean).toBe(6);
  });

  it('GB-02 through the sums entry point (Welch, absolute)', () => {
    interface SumsInput {
      n: number;
      sum: number;
      sum_squares: number;
    }
    const vector = golden<
      { control: SumsInput; treatment: SumsInput },
      { effect: number; ci: number[]; p_value: number }
    >('GB-02');
    const arm = (a: SumsInput): MeanSums => ({ n: a.n, sum: a.sum, sumSquares: a.sum_squares });
    const result = tTestFromSums(arm(vector.inputs.control), arm(vector.inputs.treatment));
    const tolerance = toleranceOf(vector);
    expect(Math.abs(result.effect! - vector.expected.effect)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(result.ci![0] - vector.expected.ci[0]!)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(result.ci![1] - vector.expected.ci[1]!)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(result.pValue! - vector.expected.p_value)).toBeLessThanOrEqual(tolerance);
  });

  it('Student on a hand-computed case: means 2 and 5, s² = 1 each, n = 3 each', () => {
    // s_p² = 1, se = √(2/3), t = 3/√(2/3) = 3.6742346…, df = 4.
    const result = tTest([1, 2, 3], [4, 5, 6], { kind: 'student' });
    expect(result.df).toBe(4);
    expectClose(result.statistic, 3 / Math.sqrt(2 / 3), 1e-15);
  });
});

describe('degenerate samples give coded warnings, never NaN', () => {
  it('constant values in both arms', () => {
    const result = tTest([2, 2, 2], [3, 3, 3, 3]);
    expect(result).toMatchObject({ effect: 1, pValue: null, ci: null, statistic: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
  });
  it('an arm with one value', () => {
    const result = tTest([2], [3, 4, 5], { kind: 'student' });
    expect(result.pValue).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
  });
  it('a relative effect over a zero control mean', () => {
    const result = tTest([-1, 1, 0], [3, 4, 5], { difference: 'relative' });
    expect(result.effect).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
  });
});

/**
 * Seeded simulations of the tests' calibration. Each arm is drawn straight into its sums, so 10,000+
 * draws take about a second. Bounds: A/A false-positive rate within [0.044, 0.056] over 20,000 draws
 * (±3.9 standard errors); 95% interval coverage within [0.94, 0.96] over 10,000 draws (±4.6 s.e.).
 */
describe('simulation: Welch and Student are calibrated', () => {
  type Arms = (rng: Rng) => [MeanSums, MeanSums];

  function simulate(seed: number, draws: number, arms: Arms, kind: TTestKind, truth: number) {
    const rng = createRng(seed);
    let rejected = 0;
    let covered = 0;
    for (let d = 0; d < draws; d++) {
      const [control, treatment] = arms(rng);
      const result = tTestFromSums(control, treatment, { kind });
      if (result.pValue! < 0.05) rejected++;
      if (result.ci![0] <= truth && truth <= result.ci![1]) covered++;
    }
    return { falsePositiveRate: rejected / draws, coverage: covered / draws };
  }

  it.each(['welch', 'student'] as const)(
    '%s: A/A false-positive rate on normal data (15 vs 25 units)',
    (kind) => {
      const arms: Arms = (rng) => [
        drawSums(15, () => 5 + 2 * rng.normal()),
        drawSums(25, () => 5 + 2 * rng.normal()),
      ];
      const { falsePositiveRate } = simulate(101, 20_000, arms, kind, 0);
      expect(falsePositiveRate).toBeGreaterThanOrEqual(0.044);
      expect(falsePositiveRate).toBeLessThanOrEqual(0.056);
    },
  );

  // Welch allows unequal variances; Student assumes equal ones, so its normal design keeps them equal.
  const normal =
    (kind: TTestKind): Arms =>
    (rng) => [
      drawSums(20, () => rng.normal()),
      drawSums(30, () => 0.5 + (kind === 'welch' ? 1.5 : 1) * rng.normal()),
    ];
  // Lognormal(0, 1) against lognormal(0.1, 1): skewness 6.2, excess kurtosis 111. The t interval's
  // coverage error shrinks like 1/n; at 500 units per arm it is within a few tenths of a percent (at 50
  // per arm it is not), so these sizes are where the normal approximation is honest for such a metric.
  // Student gets equal arm sizes, which is what makes it robust to the unequal variances here.
  const lognormal =
    (kind: TTestKind): Arms =>
    (rng) => [
      drawSums(500, () => rng.lognormal(0, 1)),
      drawSums(kind === 'welch' ? 750 : 500, () => rng.lognormal(0.1, 1)),
    ];
  const binary: Arms = (rng) => {
    const c = drawSuccesses(rng, 2000, 0.1);
    const t = drawSuccesses(rng, 2000, 0.12);
    return [
      { n: 2000, sum: c, sumSquares: c },
      { n: 2000, sum: t, sumSquares: t },
    ];
  };
  const lognormalMean = (mu: number) => Math.exp(mu + 0.5);

  const designs = {
    normal: { arms: normal, truth: 0.5 },
    lognormal: { arms: lognormal, truth: lognormalMean(0.1) - lognormalMean(0) },
    binary: { arms: () => binary, truth: 0.02 },
  };

  it.each([
    ['welch', 'normal'],
    ['student', 'normal'],
    ['welch', 'lognormal'],
    ['student', 'lognormal'],
    ['welch', 'binary'],
    ['student', 'binary'],
  ] as const)('%s: coverage of the 0.95 interval on %s data', (kind, data) => {
    const { arms, truth } = designs[data];
    const { coverage } = simulate(202, 10_000, arms(kind), kind, truth);
    expect(coverage).toBeGreaterThanOrEqual(0.94);
    expect(coverage).toBeLessThanOrEqual(0.96);
  });
});

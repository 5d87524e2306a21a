/**
 * Compares two arms of data from anywhere with every test that applies to the metric type, so an analyst
 * can check a number (ours, GrowthBook's, a notebook's) against all of them at once. Pure: validated input
 * in (compare-input.ts), plain JSON-ready data out; the CLI and any other surface print it.
 *
 * Which tests apply (the defaults run all that apply; `tests` narrows them, and asking for one that does
 * not apply is an input error that says why):
 * - mean: welch, student, bayesian, sequential; mannwhitney and bootstrap need raw values in both arms;
 * - proportion: ztest, chisquare (with Yates' correction, as scipy's default), bayesian, sequential by
 *   default; welch and student on the 0/1 values (sample variance n − 1), and mannwhitney and bootstrap
 *   on raw 0/1 values, when asked for;
 * - ratio: delta (Welch's t on the delta-method moments), linearization (absolute only), bootstrap (the
 *   Poisson bootstrap, which keeps each unit's numerator and denominator together), bayesian, sequential.
 * Conventions: effect = second arm − first; two-sided; the proportion variance is p(1 − p) for bayesian
 * and sequential (GrowthBook's) and for the z-test's interval; the bootstrap is seeded (seed 1 unless
 * given) and reproducible.
 */

import { SightlineError } from '../../errors/index.ts';
import { type BayesianComparison, bayesianCompare } from '../../math/stats/bayes.ts';
import { bootstrapMeanDifference } from '../../math/stats/bootstrap.ts';
import { SRM_P_VALUE_THRESHOLD, srmTest } from '../../math/stats/chi-square.ts';
import type { MeanComparison } from '../../math/stats/effect.ts';
import { mannWhitney } from '../../math/stats/mann-whitney.ts';
import {
  type Moments,
  momentsFromProportion,
  momentsFromSums,
  momentsOf,
  type ProportionCounts,
} from '../../math/stats/moments.ts';
import { poissonBootstrapRatio } from '../../math/stats/poisson-bootstrap.ts';
import { proportionChiSquare, proportionZTest } from '../../math/stats/proportion-test.ts';
import {
  compareLinearized,
  compareRatio,
  type RatioValues,
  ratioMoments,
  ratioSumsOf,
} from '../../math/stats/ratio.ts';
import type { Comparison, Interval, StatWarning } from '../../math/stats/result.ts';
import { DEFAULT_SEQUENTIAL_TUNING, sequentialCompare } from '../../math/stats/sequential.ts';
import { tTestFromMoments } from '../../math/stats/t-test.ts';
import {
  type CompareArm,
  type CompareInput,
  type CompareTest,
  isRatioArm,
  isValuesArm,
  type MetricType,
} from './compare-input.ts';

const DEFAULT_TESTS: Record<MetricType, readonly CompareTest[]> = {
  mean: ['welch', 'student', 'mannwhitney', 'bootstrap', 'bayesian', 'sequential'],
  proportion: ['ztest', 'chisquare', 'bayesian', 'sequential'],
  ratio: ['delta', 'linearization', 'bootstrap', 'bayesian', 'sequential'],
};

/** Why a test does not apply to this input, or null when it does. */
function notApplicable(test: CompareTest, input: CompareInput): string | null {
  const bothValues = input.arms.every(isValuesArm);
  switch (input.type) {
    case 'mean':
      if (test === 'mannwhitney' || test === 'bootstrap')
        return bothValues ? null : `${test} needs raw "values" in both arms, not sums`;
      if (test === 'ztest' || test === 'chisquare') return `${test} is for type "proportion"`;
      if (test === 'delta' || test === 'linearization') return `${test} is for type "ratio"`;
      return null;
    case 'proportion':
      if (test === 'mannwhitney' || test === 'bootstrap')
        return bothValues ? null : `${test} needs raw 0/1 "values" in both arms, not counts`;
      if (test === 'delta' || test === 'linearization') return `${test} is for type "ratio"`;
      return null;
    case 'ratio':
      if (test === 'linearization' && input.difference === 'relative')
        return 'linearization has no relative form; use delta for the relative lift';
      if (['delta', 'linearization', 'bootstrap', 'bayesian', 'sequential'].includes(test)) return null;
      return `${test} does not apply to a ratio metric; use delta, linearization or bootstrap`;
  }
}

export interface ArmSummary {
  readonly name: string;
  readonly n: number;
  /** The mean, the conversion rate, or the ratio Σnumerator/Σdenominator (null when that is 0/0). */
  readonly mean: number | null;
}

export interface TestResult {
  readonly effect?: number | null;
  readonly ci?: Interval | null;
  readonly pValue: number | null;
  readonly warnings: readonly StatWarning[];
  readonly [detail: string]: unknown;
}

export interface CompareOutput {
  readonly type: MetricType;
  readonly alpha: number;
  readonly difference: 'absolute' | 'relative';
  readonly arms: readonly [ArmSummary, ArmSummary];
  readonly results: Partial<Record<CompareTest, TestResult>>;
  /** Tests that apply to other inputs, with the reason they were not run here. */
  readonly skipped: Partial<Record<CompareTest, string>>;
  readonly srm: {
    readonly pValue: number;
    readonly statistic: number | null;
    readonly df: number | null;
    readonly mismatch: boolean;
    readonly threshold: number;
  };
}

function sumOf(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function unitsOf(arm: CompareArm): number {
  return isValuesArm(arm) ? arm.values.length : isRatioArm(arm) ? arm.numerator.length : arm.n;
}

function summarize(arm: CompareArm): ArmSummary {
  if (isValuesArm(arm)) return { name: arm.name, n: arm.values.length, mean: momentsOf(arm.values).mean };
  if (isRatioArm(arm)) {
    const denominator = sumOf(arm.denominator);
    return {
      name: arm.name,
      n: arm.numerator.length,
      mean: denominator === 0 ? null : sumOf(arm.numerator) / denominator,
    };
  }
  return { name: arm.name, n: arm.n, mean: arm.n === 0 ? null : arm.sum / arm.n };
}

/** Sample moments (variance with n − 1) of a mean arm, or of a proportion's 0/1 values. */
function sampleMoments(arm: CompareArm): Moments {
  if (isValuesArm(arm)) return momentsOf(arm.values);
  if (isRatioArm(arm)) throw new Error('sampleMoments: a ratio arm has no moments of its own');
  return momentsFromSums({ n: arm.n, sum: arm.sum, sumSquares: arm.sumSquares ?? arm.sum });
}

function countsOf(arm: CompareArm): ProportionCounts {
  if (isValuesArm(arm)) return { n: arm.values.length, successes: sumOf(arm.values) };
  if (isRatioArm(arm)) throw new Error('countsOf: a ratio arm has no counts');
  return { n: arm.n, successes: arm.sum };
}

function ratioValuesOf(arm: CompareArm): RatioValues {
  if (!isRatioArm(arm)) throw new Error('ratioValuesOf: not a ratio arm');
  return { numerator: Float64Array.from(arm.numerator), denominator: Float64Array.from(arm.denominator) };
}

/**
 * The moments the Bayesian and sequential views start from, by metric type: sample moments, p(1 − p)
 * for a proportion, or a ratio's delta-method moments (mean Σx/Σy, per-unit variance such that
 * variance/n is the ratio's). A ratio with a zero denominator sum gives the delta test's warnings.
 */
function viewMoments(
  input: CompareInput,
): { moments: [Moments, Moments] } | { warnings: readonly StatWarning[] } {
  const [c, t] = input.arms;
  if (input.type === 'mean') return { moments: [sampleMoments(c), sampleMoments(t)] };
  if (input.type === 'proportion')
    return { moments: [momentsFromProportion(countsOf(c)), momentsFromProportion(countsOf(t))] };
  const sc = ratioSumsOf(ratioValuesOf(c));
  const st = ratioSumsOf(ratioValuesOf(t));
  const mc = ratioMoments(sc);
  const mt = ratioMoments(st);
  if (!mc || !mt) return { warnings: compareRatio(sc, st).warnings };
  return { moments: [mc, mt] };
}

function meanComparison(result: MeanComparison): TestResult {
  return { ...comparison(result), statistic: result.statistic, df: result.df };
}

function comparison(result: Comparison): TestResult {
  return {
    effect: result.effect,
    ci: result.ci,
    pValue: result.pValue,
    se: result.se,
    warnings: result.warnings,
  };
}

function bayesian(result: BayesianComparison): TestResult {
  return {
    effect: result.effect,
    ci: result.ci,
    pValue: null,
    sd: result.sd,
    chanceToWin: result.chanceToWin,
    risk: result.risk,
    warnings: result.warnings,
  };
}

function runTest(test: CompareTest, input: CompareInput): TestResult {
  const [c, t] = input.arms;
  const { alpha, difference } = input;
  switch (test) {
    case 'welch':
    case 'student':
      return meanComparison(
        tTestFromMoments(sampleMoments(c), sampleMoments(t), { kind: test, alpha, difference }),
      );
    case 'mannwhitney': {
      if (!isValuesArm(c) || !isValuesArm(t)) throw new Error('mannwhitney without values');
      const result = mannWhitney(c.values, t.values);
      return {
        pValue: result.pValue,
        u: result.u,
        probabilityOfSuperiority: result.probabilityOfSuperiority,
        warnings: result.warnings,
      };
    }
    case 'bootstrap': {
      const { seed, replicates, method } = input.bootstrap;
      if (input.type === 'ratio') {
        const result = poissonBootstrapRatio(ratioValuesOf(c), ratioValuesOf(t), {
          seed,
          replicates,
          alpha,
          difference,
        });
        return { ...comparison(result), kind: 'poisson', method: result.method, seed, replicates };
      }
      if (!isValuesArm(c) || !isValuesArm(t)) throw new Error('bootstrap without values');
      const result = bootstrapMeanDifference(c.values, t.values, {
        seed,
        replicates,
        alpha,
        difference,
        method,
      });
      return { ...comparison(result), kind: 'multinomial', method: result.method, seed, replicates };
    }
    case 'ztest': {
      const result = proportionZTest(countsOf(c), countsOf(t), { alpha, difference });
      return { ...comparison(result), statistic: result.statistic };
    }
    case 'chisquare': {
      const result = proportionChiSquare(countsOf(c), countsOf(t), { correction: true });
      return {
        pValue: result.pValue,
        statistic: result.statistic,
        df: result.df,
        correction: true,
        warnings: result.warnings,
      };
    }
    case 'delta': {
      const result = compareRatio(ratioSumsOf(ratioValuesOf(c)), ratioSumsOf(ratioValuesOf(t)), {
        alpha,
        difference,
      });
      return {
        ...meanComparison(result),
        controlRatio: result.controlRatio,
        treatmentRatio: result.treatmentRatio,
      };
    }
    case 'linearization': {
      const result = compareLinearized(ratioValuesOf(c), ratioValuesOf(t), { alpha });
      return { ...meanComparison(result), kappa: result.kappa, units: 'numerator per unit' };
    }
    case 'bayesian':
    case 'sequential': {
      const view = viewMoments(input);
      if ('warnings' in view) return { effect: null, ci: null, pValue: null, warnings: view.warnings };
      const [mc, mt] = view.moments;
      if (test === 'bayesian') return bayesian(bayesianCompare(mc, mt, { difference, alpha }));
      const result = sequentialCompare(mc, mt, { difference, alpha });
      return { ...comparison(result), tuning: DEFAULT_SEQUENTIAL_TUNING };
    }
  }
}

/** Runs the requested (or every applicable) test on the two arms, and the sample-ratio check. */
export function compareArms(input: CompareInput): CompareOutput {
  const requested = input.tests ?? DEFAULT_TESTS[input.type];
  if (input.tests) {
    const problems = input.tests.flatMap((test, i) => {
      const reason = notApplicable(test, input);
      return reason ? [`tests.${i}: ${reason}`] : [];
    });
    if (problems.length > 0)
      throw new SightlineError('SL_STATS_INPUT_INVALID', `stats compare input: ${problems.join('; ')}`, {
        hint: `fix "${problems[0]!.split(':')[0]}"; see \`sightline stats compare --help\` for which tests apply`,
      });
  }
  const results: Partial<Record<CompareTest, TestResult>> = {};
  const skipped: Partial<Record<CompareTest, string>> = {};
  for (const test of requested) {
    const reason = notApplicable(test, input);
    if (reason) skipped[test] = reason;
    else results[test] = runTest(test, input);
  }
  const srm = srmTest(
    input.arms.map(unitsOf),
    input.arms.map((arm) => arm.weight ?? 1),
  );
  return {
    type: input.type,
    alpha: input.alpha,
    difference: input.difference,
    arms: [summarize(input.arms[0]), summarize(input.arms[1])],
    results,
    skipped,
    srm: {
      pValue: srm.pValue,
      statistic: srm.statistic,
      df: srm.df,
      mismatch: srm.mismatch,
      threshold: SRM_P_VALUE_THRESHOLD,
    },
  };
}

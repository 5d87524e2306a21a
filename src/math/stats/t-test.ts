/**
 * Two-sample t-tests: Welch's unequal-variance test (the default, as in GrowthBook and Eppo) and
 * Student's pooled-variance test, from raw values, from sums, or from moments. Both are built on
 * {@link compareMoments}, which owns the formulas; this file picks the reference and the inputs.
 *
 * Conventions (checked against scipy.stats.ttest_ind(treatment, control, equal_var=…, alternative=…)):
 * - the effect is treatment − control (the second arm minus the first);
 * - variances are sample variances with n − 1;
 * - Welch: se² = s_c²/n_c + s_t²/n_t with Welch-Satterthwaite degrees of freedom;
 *   Student: se² = s_p²(1/n_c + 1/n_t) with s_p² = ((n_c−1)s_c² + (n_t−1)s_t²)/(n_c + n_t − 2), df = n_c + n_t − 2;
 * - two-sided unless told; `greater` means treatment > control, and its interval is [lo, +∞);
 * - a relative effect divides by |control mean| with the delta-method variance (see effect.ts).
 */
import { type CompareOptions, compareMoments, type MeanComparison } from './effect.ts';
import { type MeanSums, type Moments, momentsFromSums, momentsOf } from './moments.ts';
import type { Alternative, Difference } from './result.ts';

/** Welch's t (unequal variances) or Student's t (pooled variance). */
export type TTestKind = 'welch' | 'student';

export interface TTestOptions {
  /** Default `welch`. */
  readonly kind?: TTestKind;
  /** Default 0.05: the interval has coverage 1 − alpha. */
  readonly alpha?: number;
  /** Default `two-sided`. */
  readonly alternative?: Alternative;
  /** Default `absolute`. */
  readonly difference?: Difference;
}

export interface TTestResult extends MeanComparison {
  readonly test: TTestKind;
  /** The arms as the test saw them (mean and per-unit sample variance). */
  readonly control: Moments;
  readonly treatment: Moments;
}

/** The t-test of two arms given their moments (n, mean, sample variance with n − 1). */
export function tTestFromMoments(
  control: Moments,
  treatment: Moments,
  options: TTestOptions = {},
): TTestResult {
  const test = options.kind ?? 'welch';
  const compare: CompareOptions = {
    reference: test,
    alpha: options.alpha,
    alternative: options.alternative,
    difference: options.difference,
  };
  return { ...compareMoments(control, treatment, compare), test, control, treatment };
}

/**
 * The t-test from per-arm sums (n, Σx, Σx²), as a warehouse query returns them. The variance comes from
 * (Σx² − (Σx)²/n)/(n − 1), which loses digits when the mean is large next to the spread; prefer
 * {@link tTest} when the values are at hand.
 */
export function tTestFromSums(
  control: MeanSums,
  treatment: MeanSums,
  options: TTestOptions = {},
): TTestResult {
  return tTestFromMoments(momentsFromSums(control), momentsFromSums(treatment), options);
}

/** The t-test of two samples of finite numbers; moments by Welford's method. */
export function tTest(
  control: ArrayLike<number>,
  treatment: ArrayLike<number>,
  options: TTestOptions = {},
): TTestResult {
  return tTestFromMoments(momentsOf(control), momentsOf(treatment), options);
}

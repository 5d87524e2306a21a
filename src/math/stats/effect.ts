/**
 * The frequentist core shared by the t-tests, the z-test for proportions, ratio metrics and CUPED: an
 * effect, its standard error, and a p-value and interval from a t (or normal) reference distribution.
 *
 * Conventions (GrowthBook's gbstats, checked against its own test vectors):
 * - the absolute effect is mean_t − mean_c with variance var_c/n_c + var_t/n_t;
 * - the relative effect is (mean_t − mean_c)/|mean_c| with the delta-method variance
 *   var_t/(n_t·mean_c²) + var_c·mean_t²/(n_c·mean_c⁴);
 * - Welch-Satterthwaite degrees of freedom from the per-unit variances;
 * - two-sided unless told; a one-sided interval is unbounded on the other side.
 */
import { normalCdf, normalQuantile, normalSf, tCdf, tQuantile, tSf } from './distributions.ts';
import type { Moments } from './moments.ts';
import type { Alternative, Comparison, Difference, Interval, StatWarning } from './result.ts';

/** Which reference distribution the statistic is compared with. */
export type Reference = 'welch' | 'student' | 'normal';

export interface CompareOptions {
  /** Default `absolute`. */
  readonly difference?: Difference;
  /** Default 0.05. */
  readonly alpha?: number;
  /** Default `two-sided`. */
  readonly alternative?: Alternative;
  /** Welch's t (default), Student's pooled-variance t, or the normal (z). */
  readonly reference?: Reference;
}

export interface MeanComparison extends Comparison {
  /** The test statistic, effect / se. */
  readonly statistic: number | null;
  /** Degrees of freedom of the t reference; null for the normal. */
  readonly df: number | null;
}

/** An effect estimate and its variance, before any test: what ratio metrics and CUPED also produce. */
export interface EffectEstimate {
  readonly effect: number;
  readonly variance: number;
}

/** The absolute or relative effect of treatment over control and its (delta-method) variance. */
export function effectEstimate(control: Moments, treatment: Moments, difference: Difference): EffectEstimate {
  const varC = control.variance / control.n;
  const varT = treatment.variance / treatment.n;
  const diff = treatment.mean - control.mean;
  if (difference === 'absolute') return { effect: diff, variance: varC + varT };
  const mc = control.mean;
  return {
    effect: diff / Math.abs(mc),
    variance: varT / (mc * mc) + (varC * treatment.mean * treatment.mean) / (mc * mc * mc * mc),
  };
}

/** Welch-Satterthwaite degrees of freedom from per-unit variances. */
export function welchDf(control: Moments, treatment: Moments): number {
  const a = control.variance / control.n;
  const b = treatment.variance / treatment.n;
  return (a + b) ** 2 / ((a * a) / (control.n - 1) + (b * b) / (treatment.n - 1));
}

/** The pooled per-unit variance of Student's t: ((n_c − 1)s_c² + (n_t − 1)s_t²)/(n_c + n_t − 2). */
export function pooledVariance(control: Moments, treatment: Moments): number {
  return (
    ((control.n - 1) * control.variance + (treatment.n - 1) * treatment.variance) /
    (control.n + treatment.n - 2)
  );
}

/**
 * The p-value and interval of an effect with standard error `se`, against a t with `df` degrees of
 * freedom (df = Infinity: the normal). Shared by every test built on an estimate and its variance.
 */
export function testEstimate(
  effect: number,
  se: number,
  df: number,
  alpha: number,
  alternative: Alternative,
): { statistic: number; pValue: number; ci: Interval } {
  const statistic = effect / se;
  const cdf = (x: number) => (df === Number.POSITIVE_INFINITY ? normalCdf(x) : tCdf(x, df));
  const sf = (x: number) => (df === Number.POSITIVE_INFINITY ? normalSf(x) : tSf(x, df));
  const quantile = (p: number) => (df === Number.POSITIVE_INFINITY ? normalQuantile(p) : tQuantile(p, df));
  if (alternative === 'two-sided') {
    const half = quantile(1 - alpha / 2) * se;
    return {
      statistic,
      pValue: Math.min(1, 2 * sf(Math.abs(statistic))),
      ci: [effect - half, effect + half],
    };
  }
  const width = quantile(1 - alpha) * se;
  if (alternative === 'greater')
    return { statistic, pValue: sf(statistic), ci: [effect - width, Number.POSITIVE_INFINITY] };
  return { statistic, pValue: cdf(statistic), ci: [Number.NEGATIVE_INFINITY, effect + width] };
}

/**
 * The comparison fields of an effect with variance `variance` tested against a t with `df` degrees of
 * freedom (Infinity: the normal, reported as df null): what every estimator built on an effect and its
 * variance (means, CUPED, ratios, strata) returns.
 */
export function testedComparison(
  effect: number,
  variance: number,
  df: number,
  alpha: number,
  alternative: Alternative,
): Omit<MeanComparison, 'warnings'> {
  const se = Math.sqrt(variance);
  const tested = testEstimate(effect, se, df, alpha, alternative);
  return {
    effect,
    se,
    ci: tested.ci,
    pValue: tested.pValue,
    statistic: tested.statistic,
    df: df === Number.POSITIVE_INFINITY ? null : df,
  };
}

/**
 * Compares two arms given their moments: Welch's t by default. Degenerate input (an arm with fewer than
 * two units, a zero control mean for a relative effect, no variance at all) gives nulls and a coded
 * warning instead of NaN.
 */
export function compareMoments(
  control: Moments,
  treatment: Moments,
  options: CompareOptions = {},
): MeanComparison {
  const difference = options.difference ?? 'absolute';
  const alpha = options.alpha ?? 0.05;
  const alternative = options.alternative ?? 'two-sided';
  const reference = options.reference ?? 'welch';
  const empty = { effect: null, se: null, ci: null, pValue: null, statistic: null, df: null };

  if (control.n < 2 || treatment.n < 2) {
    const warning: StatWarning = {
      code: 'SL_STATS_EMPTY_ARM',
      message: `each arm needs at least 2 units (control has ${control.n}, treatment ${treatment.n})`,
    };
    return { ...empty, warnings: [warning] };
  }
  if (difference === 'relative' && control.mean === 0) {
    const warning: StatWarning = {
      code: 'SL_STATS_ZERO_BASELINE',
      message: 'the control mean is 0, so a relative effect is undefined; use the absolute effect',
    };
    return { ...empty, warnings: [warning] };
  }

  const pooled = reference === 'student';
  const [c, t] = pooled
    ? [
        { ...control, variance: pooledVariance(control, treatment) },
        { ...treatment, variance: pooledVariance(control, treatment) },
      ]
    : [control, treatment];
  const { effect, variance } = effectEstimate(c, t, difference);
  if (!(variance > 0)) {
    const warning: StatWarning = {
      code: 'SL_STATS_ZERO_VARIANCE',
      message: 'both arms have zero variance, so there is no standard error, p-value or interval',
    };
    return { ...empty, effect, se: 0, warnings: [warning] };
  }
  const df =
    reference === 'normal'
      ? Number.POSITIVE_INFINITY
      : pooled
        ? control.n + treatment.n - 2
        : welchDf(control, treatment);
  return { ...testedComparison(effect, variance, df, alpha, alternative), warnings: [] };
}

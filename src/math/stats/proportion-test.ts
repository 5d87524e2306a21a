/**
 * Tests for conversion metrics (a proportion per arm): the two-proportion z-test and the 2×2 chi-square.
 *
 * The z-test uses two different variances, as the textbook test does (Agresti, "Categorical Data
 * Analysis", 3rd ed., §3.1; statsmodels' proportions_ztest with its default pooled variance):
 * - the p-value is computed under H0: p_t = p_c, so its standard error uses the POOLED proportion
 *   p̄ = (x_c + x_t)/(n_c + n_t): se0 = √(p̄(1 − p̄)(1/n_c + 1/n_t)), z = (p_t − p_c)/se0. Its square is the
 *   Pearson chi-square of the 2×2 table without Yates' correction, so the two-sided p-values agree;
 * - the interval is the UNPOOLED Wald interval, se = √(p_c(1 − p_c)/n_c + p_t(1 − p_t)/n_t), since under the
 *   alternative the two variances differ. The proportion variance is p(1 − p) with no n − 1.
 * The p-value and the interval can therefore disagree at the margin (a p just under alpha with an
 * interval touching 0); that is the textbook test, not a bug.
 * A relative effect (over |p_c|) takes the delta-method variance of effect.ts for its interval and keeps
 * the pooled p-value, since "no relative difference" is the same null hypothesis.
 */
import { type ChiSquareResult, contingencyChiSquare } from './chi-square.ts';
import { effectEstimate, testEstimate } from './effect.ts';
import { momentsFromProportion, type ProportionCounts } from './moments.ts';
import type { Alternative, Comparison, Difference, StatWarning } from './result.ts';

export interface ProportionTestOptions {
  /** Default 0.05. */
  readonly alpha?: number;
  /** Default `two-sided`. */
  readonly alternative?: Alternative;
  /** Default `absolute` (p_t − p_c). */
  readonly difference?: Difference;
}

export interface ProportionComparison extends Comparison {
  /** The pooled z statistic (p_t − p_c)/se0; null when undefined. */
  readonly statistic: number | null;
  /** The proportions p_c and p_t (null for an empty arm). */
  readonly controlRate: number | null;
  readonly treatmentRate: number | null;
}

function checkCounts({ n, successes }: ProportionCounts, arm: string): void {
  if (!Number.isInteger(n) || !Number.isInteger(successes) || successes < 0 || successes > n)
    throw new RangeError(`${arm}: need integer counts with 0 <= successes <= n, got ${successes} of ${n}`);
}

/**
 * The two-proportion z-test: the effect p_t − p_c (or over |p_c|), the pooled z and its p-value, and the
 * unpooled Wald interval. Degenerate input gives nulls and a coded warning: an arm with no units
 * (SL_STATS_EMPTY_ARM), nobody or everybody converting in both arms (SL_STATS_ZERO_VARIANCE: no test),
 * a zero control rate for a relative effect (SL_STATS_ZERO_BASELINE). When the pooled variance is
 * positive but both arms are 0% or 100% (say 0/50 against 50/50), the p-value exists but the Wald
 * interval would have zero width, so the interval is null with SL_STATS_ZERO_VARIANCE.
 */
export function proportionZTest(
  control: ProportionCounts,
  treatment: ProportionCounts,
  options: ProportionTestOptions = {},
): ProportionComparison {
  checkCounts(control, 'control');
  checkCounts(treatment, 'treatment');
  const alpha = options.alpha ?? 0.05;
  const alternative = options.alternative ?? 'two-sided';
  const difference = options.difference ?? 'absolute';
  const none = { effect: null, se: null, ci: null, pValue: null, statistic: null };

  if (control.n === 0 || treatment.n === 0) {
    const warning: StatWarning = {
      code: 'SL_STATS_EMPTY_ARM',
      message: `each arm needs at least one unit (control has ${control.n}, treatment ${treatment.n})`,
    };
    return { ...none, controlRate: null, treatmentRate: null, warnings: [warning] };
  }
  const pc = control.successes / control.n;
  const pt = treatment.successes / treatment.n;
  const rates = { controlRate: pc, treatmentRate: pt };
  if (difference === 'relative' && pc === 0) {
    const warning: StatWarning = {
      code: 'SL_STATS_ZERO_BASELINE',
      message: 'the control rate is 0, so a relative effect is undefined; use the absolute effect',
    };
    return { ...none, ...rates, warnings: [warning] };
  }

  const estimate = effectEstimate(
    momentsFromProportion(control),
    momentsFromProportion(treatment),
    difference,
  );
  const pooled = (control.successes + treatment.successes) / (control.n + treatment.n);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  if (!(se0 > 0)) {
    const warning: StatWarning = {
      code: 'SL_STATS_ZERO_VARIANCE',
      message: `every unit in both arms has the same outcome (${pooled === 0 ? 'none' : 'all'} converted), so there is nothing to test`,
    };
    return { ...none, ...rates, effect: estimate.effect, se: 0, warnings: [warning] };
  }

  const normal = Number.POSITIVE_INFINITY;
  const statistic = (pt - pc) / se0;
  // The p-value of the pooled statistic against the normal (a unit standard error for z itself).
  const pValue = testEstimate(statistic, 1, normal, alpha, alternative).pValue;
  const se = Math.sqrt(estimate.variance);
  if (!(se > 0)) {
    const warning: StatWarning = {
      code: 'SL_STATS_ZERO_VARIANCE',
      message: 'both arms are at 0% or 100%, so the Wald interval would have zero width; it is left out',
    };
    return { ...rates, effect: estimate.effect, se: 0, ci: null, pValue, statistic, warnings: [warning] };
  }
  return {
    ...rates,
    effect: estimate.effect,
    se,
    // The unpooled Wald interval: effect ± z·se from the same core as the t-tests, with df = ∞.
    ci: testEstimate(estimate.effect, se, normal, alpha, alternative).ci,
    pValue,
    statistic,
    warnings: [],
  };
}

/**
 * Pearson's chi-square test of the 2×2 table [[x_c, n_c − x_c], [x_t, n_t − x_t]] (converted or not, by
 * arm), with Yates' continuity correction by default as scipy.stats.chi2_contingency does. Always
 * two-sided. Without the correction its p-value equals the two-sided pooled z-test's.
 */
export function proportionChiSquare(
  control: ProportionCounts,
  treatment: ProportionCounts,
  options: { readonly correction?: boolean } = {},
): ChiSquareResult {
  checkCounts(control, 'control');
  checkCounts(treatment, 'treatment');
  return contingencyChiSquare(
    [
      [control.successes, control.n - control.successes],
      [treatment.successes, treatment.n - treatment.successes],
    ],
    { correction: options.correction ?? true },
  );
}

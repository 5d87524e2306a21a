/**
 * Ratio metrics measured per user but defined over sums: CTR = Σlikes/Σviews, revenue per session. The
 * users are the randomisation units, so a user's numerator and denominator are correlated and the ratio's
 * variance is not that of a mean. Three ways to test them:
 *
 * - the delta method: the per-unit variance of R = x̄/ȳ is
 *   var_x/ȳ² − 2·cov_xy·x̄/ȳ³ + x̄²·var_y/ȳ⁴ (sample variances and covariance with n − 1), which then
 *   enters the same Welch comparison as a mean (GrowthBook's RatioStatistic; golden vector GB-12);
 * - linearization (Budylin, Drutsa, Katsev & Tsoy, "Consistent transformation of ratio metrics for
 *   efficient online controlled experiments", WSDM 2018): L = x − κ·y per user with κ the control arm's
 *   ratio, then a t-test on L. Its sign and p-value agree asymptotically with the delta method's under H0
 *   (SC-02), and L is an ordinary per-user metric, so CUPED, buckets or any other test apply to it;
 * - smoothed CTR: per user (x + β·κ)/(y + β), κ the ratio over both arms, a t-test on the smoothed values.
 *   Users with few views are pulled toward κ, which cuts the noise of the mean of per-user ratios.
 *
 * Conventions: effect = treatment − control; relative effects divide by |control ratio| with the
 * delta-method variance of effect.ts; two-sided unless told.
 */
import { type CompareOptions, compareMoments, type MeanComparison } from './effect.ts';
import { type Moments, momentsOf } from './moments.ts';
import type { StatWarning } from './result.ts';

/** One arm of a ratio metric, one numerator and one denominator per unit (user). */
export interface RatioValues {
  readonly numerator: Float64Array;
  readonly denominator: Float64Array;
}

/** The sufficient statistics of one arm of a ratio metric (what a warehouse query returns). */
export interface RatioSums {
  readonly n: number;
  readonly numerator: { readonly sum: number; readonly sumSquares: number };
  readonly denominator: { readonly sum: number; readonly sumSquares: number };
  /** Σ x·y over units. */
  readonly sumProducts: number;
}

/** The sums of an arm's per-unit numerators and denominators. */
export function ratioSumsOf(values: RatioValues): RatioSums {
  const { numerator: x, denominator: y } = values;
  if (x.length !== y.length)
    throw new RangeError('ratioSumsOf: numerators and denominators differ in length');
  let sx = 0;
  let sxx = 0;
  let sy = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    sx += a;
    sxx += a * a;
    sy += b;
    syy += b * b;
    sxy += a * b;
  }
  return {
    n: x.length,
    numerator: { sum: sx, sumSquares: sxx },
    denominator: { sum: sy, sumSquares: syy },
    sumProducts: sxy,
  };
}

/**
 * The arm as {@link Moments}: mean Σx/Σy and the delta-method per-unit variance
 * var_x/ȳ² − 2·cov_xy·x̄/ȳ³ + x̄²·var_y/ȳ⁴, so that variance/n is the variance of the ratio. Null when
 * the denominator sums to 0. With n < 2 the variance is 0.
 */
export function ratioMoments(sums: RatioSums): Moments | null {
  const { n } = sums;
  if (sums.denominator.sum === 0 || n === 0) return null;
  const mx = sums.numerator.sum / n;
  const my = sums.denominator.sum / n;
  const mean = sums.numerator.sum / sums.denominator.sum;
  if (n < 2) return { n, mean, variance: 0 };
  const varX = (sums.numerator.sumSquares - (sums.numerator.sum * sums.numerator.sum) / n) / (n - 1);
  const varY = (sums.denominator.sumSquares - (sums.denominator.sum * sums.denominator.sum) / n) / (n - 1);
  const cov = (sums.sumProducts - (sums.numerator.sum * sums.denominator.sum) / n) / (n - 1);
  const variance =
    varX / (my * my) - (2 * cov * mx) / (my * my * my) + (mx * mx * varY) / (my * my * my * my);
  return { n, mean, variance: Math.max(0, variance) };
}

export interface RatioComparison extends MeanComparison {
  readonly controlRatio: number | null;
  readonly treatmentRatio: number | null;
}

function zeroDenominator(arm: string): StatWarning {
  return {
    code: 'SL_STATS_ZERO_DENOMINATOR',
    message: `the denominator sums to 0 in the ${arm} arm, so its ratio is undefined`,
  };
}

const NO_TEST = { effect: null, se: null, ci: null, pValue: null, statistic: null, df: null } as const;

/**
 * Compares two arms of a ratio metric by the delta method: Welch's t on the ratio moments by default
 * (GrowthBook's choice), or Student's or the normal through `reference`.
 */
export function compareRatio(
  control: RatioSums,
  treatment: RatioSums,
  options: CompareOptions = {},
): RatioComparison {
  const c = ratioMoments(control);
  const t = ratioMoments(treatment);
  if (!c || !t) {
    const warnings = [
      ...(c ? [] : [zeroDenominator('control')]),
      ...(t ? [] : [zeroDenominator('treatment')]),
    ];
    return { ...NO_TEST, controlRatio: c?.mean ?? null, treatmentRatio: t?.mean ?? null, warnings };
  }
  return { ...compareMoments(c, t, options), controlRatio: c.mean, treatmentRatio: t.mean };
}

/** L_i = x_i − κ·y_i: Budylin et al.'s linearized per-user metric. */
export function linearize(values: RatioValues, kappa: number): Float64Array {
  const { numerator: x, denominator: y } = values;
  if (x.length !== y.length) throw new RangeError('linearize: numerators and denominators differ in length');
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - kappa * y[i]!;
  return out;
}

function sumOf(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

export interface LinearizedComparison extends MeanComparison {
  /** κ, the control arm's ratio Σx_c/Σy_c. */
  readonly kappa: number | null;
}

/**
 * Linearization: κ = Σx_c/Σy_c, L = x − κ·y in both arms, then a t-test (Welch unless told) on L. The
 * effect is mean(L_t) − mean(L_c) in numerator units per user (mean(L_c) is 0 by construction); it
 * has the sign of the ratio difference, and (Σx_t/Σy_t − κ) = mean(L_t)/ȳ_t converts it. There is no
 * relative form: use {@link compareRatio} for the relative lift.
 */
export function compareLinearized(
  control: RatioValues,
  treatment: RatioValues,
  options: Omit<CompareOptions, 'difference'> = {},
): LinearizedComparison {
  const denominator = sumOf(control.denominator);
  if (denominator === 0) return { ...NO_TEST, kappa: null, warnings: [zeroDenominator('control')] };
  const kappa = sumOf(control.numerator) / denominator;
  const result = compareMoments(
    momentsOf(linearize(control, kappa)),
    momentsOf(linearize(treatment, kappa)),
    {
      ...options,
      difference: 'absolute',
    },
  );
  return { ...result, kappa };
}

/** How the smoothing strength β was chosen. */
export type SmoothingMethod = 'given' | 'empirical-bayes' | 'mean-denominator';

export interface SmoothingStrength {
  readonly beta: number;
  /** κ, the ratio over both arms, toward which users are smoothed. */
  readonly kappa: number;
  readonly method: SmoothingMethod;
}

/**
 * The default smoothing strength β for smoothed CTR, from both arms pooled (so it cannot favour one).
 * When every numerator lies in [0, denominator] (successes out of trials, like likes per view), β is the
 * method-of-moments estimate of the prior strength a + b of a beta-binomial model: each user has a rate
 * p ~ Beta(a, b) with mean κ, and Var(x/y) = κ(1 − κ)(β + y)/((β + 1)y). With S = Σ y_i(x_i/y_i − κ)²
 * over the N users with views and Y = Σy, E[S] ≈ κ(1 − κ)(Nβ + Y)/(β + 1), so
 * β = (κ(1 − κ)Y − S)/(S − κ(1 − κ)N); smoothing by the prior strength is the empirical-Bayes posterior
 * mean of each user's rate. When that estimate is not a positive finite number (rates that do not vary
 * beyond binomial noise, or not a rate at all), β falls back to the mean denominator per user: a user
 * with a typical number of views then keeps half of their own ratio.
 */
export function smoothingStrength(control: RatioValues, treatment: RatioValues): SmoothingStrength {
  const arms = [control, treatment];
  let sx = 0;
  let sy = 0;
  let units = 0;
  let isRate = true;
  for (const { numerator: x, denominator: y } of arms) {
    units += x.length;
    for (let i = 0; i < x.length; i++) {
      sx += x[i]!;
      sy += y[i]!;
      if (!(x[i]! >= 0 && x[i]! <= y[i]!)) isRate = false;
    }
  }
  if (!(sy > 0)) throw new RangeError('smoothingStrength: the denominators sum to 0');
  const kappa = sx / sy;
  const fallback: SmoothingStrength = { beta: sy / units, kappa, method: 'mean-denominator' };
  const spread = kappa * (1 - kappa);
  if (!isRate || !(spread > 0)) return fallback;
  let s = 0;
  let withViews = 0;
  for (const { numerator: x, denominator: y } of arms) {
    for (let i = 0; i < x.length; i++) {
      const views = y[i]!;
      if (views <= 0) continue;
      const d = x[i]! / views - kappa;
      s += views * d * d;
      withViews++;
    }
  }
  const beta = (spread * sy - s) / (s - spread * withViews);
  return Number.isFinite(beta) && beta > 0 ? { beta, kappa, method: 'empirical-bayes' } : fallback;
}

/** Per-unit smoothed ratios (x + β·κ)/(y + β). */
export function smoothRatios(values: RatioValues, kappa: number, beta: number): Float64Array {
  const { numerator: x, denominator: y } = values;
  if (x.length !== y.length)
    throw new RangeError('smoothRatios: numerators and denominators differ in length');
  if (!(beta > 0)) throw new RangeError(`smoothRatios: beta must be positive, got ${beta}`);
  const out = new Float64Array(x.length);
  const prior = beta * kappa;
  for (let i = 0; i < x.length; i++) out[i] = (x[i]! + prior) / (y[i]! + beta);
  return out;
}

export interface SmoothedComparison extends MeanComparison {
  readonly kappa: number | null;
  readonly beta: number | null;
  readonly smoothing: SmoothingMethod | null;
}

/**
 * Smoothed CTR: every user's (x + β·κ)/(y + β) with κ the ratio over both arms, then a t-test (Welch
 * unless told, absolute or relative) on those values. The effect is the change in the mean smoothed
 * per-user ratio, a user-weighted metric that is not Σx/Σy; β is {@link smoothingStrength}'s unless given.
 */
export function compareSmoothed(
  control: RatioValues,
  treatment: RatioValues,
  options: CompareOptions & { readonly beta?: number } = {},
): SmoothedComparison {
  const total = sumOf(control.denominator) + sumOf(treatment.denominator);
  if (total === 0) {
    const warnings = [zeroDenominator('control'), zeroDenominator('treatment')];
    return { ...NO_TEST, kappa: null, beta: null, smoothing: null, warnings };
  }
  const strength: SmoothingStrength =
    options.beta === undefined
      ? smoothingStrength(control, treatment)
      : {
          beta: options.beta,
          kappa: (sumOf(control.numerator) + sumOf(treatment.numerator)) / total,
          method: 'given',
        };
  const c = momentsOf(smoothRatios(control, strength.kappa, strength.beta));
  const t = momentsOf(smoothRatios(treatment, strength.kappa, strength.beta));
  return {
    ...compareMoments(c, t, options),
    kappa: strength.kappa,
    beta: strength.beta,
    smoothing: strength.method,
  };
}

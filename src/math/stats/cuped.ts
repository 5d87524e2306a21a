/**
 * CUPED (Deng, Xu, Kohavi & Walker, "Improving the sensitivity of online controlled experiments by
 * utilizing pre-experiment data", WSDM 2013): each unit's metric Y is replaced by Y − θ·(X − x̄) with X
 * the same unit's pre-period value, which removes the part of Y's variance that X predicts; the
 * variance of the effect shrinks by about ρ(X, Y)².
 *
 * Conventions (GrowthBook's gbstats, golden vectors GB-13 and GB-17):
 * - θ = cov(X, Y)/var(X) over both arms pooled as one sample (the arms' sums added), so θ cannot depend
 *   on the treatment; θ = 0 (no adjustment) when either pooled variance is 0;
 * - mean metrics use sample (co)variances with n − 1; proportion metrics p(1 − p) and E[XY] − E[X]E[Y];
 * - per arm, mean_adj = Ȳ − θ·X̄ and var_adj = var(Y) + θ²·var(X) − 2θ·cov(X, Y), per unit; the absolute
 *   effect is mean_adj,t − mean_adj,c through {@link compareMoments} (Welch by default);
 * - the relative effect divides by the UNadjusted control mean |Ȳ_c|, with the delta-method variance
 *   var_t(Y − θX)/(n_t·Ȳ_c²) + var_c(c·Y − θX)/(n_c·Ȳ_c²), c = Ȳ_t/Ȳ_c. This is gbstats's form: the
 *   derivative by Ȳ_c drops θ(X̄_c − X̄_t), which is 0 in expectation under randomisation.
 * Degrees of freedom: Welch-Satterthwaite from the adjusted per-unit variances.
 *
 * Units without a pre-period value (new users), in {@link compareCupedValues}, are marked NaN. Their
 * covariate is set to 0 and a second covariate, the indicator "has a pre-period value", enters the
 * regression, so θ becomes the pair solving the pooled 2×2 normal equations. Users without history then
 * get their own intercept instead of being forced onto the line of the others (imputing the mean is the
 * special case θ_indicator = −θ·x̄_observed, never better in-sample), and the estimate stays unbiased
 * because the adjustment is the same function of pre-period data in both arms.
 */
import {
  type CompareOptions,
  compareMoments,
  type MeanComparison,
  testedComparison,
  welchDf,
} from './effect.ts';
import type { Moments } from './moments.ts';
import type { StatWarning } from './result.ts';

/** One arm of a metric with its pre-period covariate, as sums (what a warehouse query returns). */
export interface CupedSums {
  readonly n: number;
  readonly post: { readonly sum: number; readonly sumSquares: number };
  readonly pre: { readonly sum: number; readonly sumSquares: number };
  /** Σ post·pre over units. */
  readonly sumProducts: number;
}

/** `mean`: sample (co)variances with n − 1; `proportion`: binary metrics, p(1 − p) and E[XY] − E[X]E[Y]. */
export type CupedKind = 'mean' | 'proportion';

export interface CupedOptions extends Omit<CompareOptions, 'reference'> {
  /** Welch's t (default) or the normal. */
  readonly reference?: 'welch' | 'normal';
  /** A fixed θ instead of the pooled estimate (sums only). */
  readonly theta?: number;
  /** Default `mean`. */
  readonly kind?: CupedKind;
}

export interface CupedComparison extends MeanComparison {
  /** The coefficient of the pre-period value. */
  readonly theta: number;
  /** The coefficient of the has-a-pre-period-value indicator; null unless some values were missing. */
  readonly thetaMissing: number | null;
  /** Each arm's adjusted mean and per-unit variance (what {@link compareMoments} received). */
  readonly adjusted: { readonly control: Moments; readonly treatment: Moments } | null;
  /** 1 − var(adjusted effect)/var(unadjusted effect): the share of the variance CUPED removed. */
  readonly varianceReduction: number | null;
}

/** The sums of an arm's post-period values and pre-period covariate (no missing values). */
export function cupedSumsOf(post: ArrayLike<number>, pre: ArrayLike<number>): CupedSums {
  if (post.length !== pre.length) throw new RangeError('cupedSumsOf: post and pre differ in length');
  let sy = 0;
  let syy = 0;
  let sx = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < post.length; i++) {
    const y = post[i]!;
    const x = pre[i]!;
    sy += y;
    syy += y * y;
    sx += x;
    sxx += x * x;
    sxy += x * y;
  }
  return {
    n: post.length,
    post: { sum: sy, sumSquares: syy },
    pre: { sum: sx, sumSquares: sxx },
    sumProducts: sxy,
  };
}

/**
 * An arm as means and per-unit covariances of (Y, X₁, …, X_k): `mean[0]` is Y's, `cov` is row-major
 * (k + 1)×(k + 1).
 */
interface ArmCovariance {
  readonly n: number;
  readonly mean: Float64Array;
  readonly cov: Float64Array;
}

/** (var(Y), var(X), cov(X, Y)) of sums with the kind's convention. */
function armFromSums(s: CupedSums, kind: CupedKind): ArmCovariance {
  const { n } = s;
  const my = n > 0 ? s.post.sum / n : 0;
  const mx = n > 0 ? s.pre.sum / n : 0;
  let vy = 0;
  let vx = 0;
  let cxy = 0;
  if (kind === 'proportion') {
    vy = my * (1 - my);
    vx = mx * (1 - mx);
    cxy = n > 1 ? s.sumProducts / n - (s.post.sum * s.pre.sum) / (n * n) : 0;
  } else if (n > 1) {
    vy = (s.post.sumSquares - (s.post.sum * s.post.sum) / n) / (n - 1);
    vx = (s.pre.sumSquares - (s.pre.sum * s.pre.sum) / n) / (n - 1);
    cxy = (s.sumProducts - (s.post.sum * s.pre.sum) / n) / (n - 1);
  }
  return { n, mean: Float64Array.of(my, mx), cov: Float64Array.of(vy, cxy, cxy, vx) };
}

/**
 * θ pooled across arms (gbstats `compute_theta`): cov(X, Y)/var(X) over the two arms' sums added, with
 * the kind's convention; 0 when the pooled X or Y does not vary.
 */
export function cupedTheta(control: CupedSums, treatment: CupedSums, kind: CupedKind = 'mean'): number {
  const joint: CupedSums = {
    n: control.n + treatment.n,
    post: {
      sum: control.post.sum + treatment.post.sum,
      sumSquares: control.post.sumSquares + treatment.post.sumSquares,
    },
    pre: {
      sum: control.pre.sum + treatment.pre.sum,
      sumSquares: control.pre.sumSquares + treatment.pre.sumSquares,
    },
    sumProducts: control.sumProducts + treatment.sumProducts,
  };
  const { cov } = armFromSums(joint, kind);
  if (!(cov[3]! > 0) || !(cov[0]! > 0)) return 0;
  return cov[1]! / cov[3]!;
}

/** Var(a·Y − θᵀX) per unit for an arm: a²·var(Y) − 2a·θᵀcov(X, Y) + θᵀ·cov(X)·θ. */
function combinedVariance(arm: ArmCovariance, a: number, theta: Float64Array): number {
  const m = arm.mean.length;
  let v = a * a * arm.cov[0]!;
  for (let j = 1; j < m; j++) {
    v -= 2 * a * theta[j - 1]! * arm.cov[j]!;
    for (let k = 1; k < m; k++) v += theta[j - 1]! * theta[k - 1]! * arm.cov[j * m + k]!;
  }
  return v;
}

function adjustedMean(arm: ArmCovariance, theta: Float64Array): number {
  let mean = arm.mean[0]!;
  for (let j = 1; j < arm.mean.length; j++) mean -= theta[j - 1]! * arm.mean[j]!;
  return mean;
}

/** The relative effect's delta-method variance (see the file comment) for coefficients θ. */
function relativeVariance(c: ArmCovariance, t: ArmCovariance, theta: Float64Array): number {
  const mc = c.mean[0]!;
  const ratio = t.mean[0]! / mc;
  return (
    combinedVariance(t, 1, theta) / (t.n * mc * mc) + combinedVariance(c, ratio, theta) / (c.n * mc * mc)
  );
}

const NO_TEST = { effect: null, se: null, ci: null, pValue: null, statistic: null, df: null } as const;

/** The comparison of two arms adjusted with coefficients θ (shared by the sums and values forms). */
function compareAdjusted(
  c: ArmCovariance,
  t: ArmCovariance,
  theta: Float64Array,
  options: CupedOptions,
  extraWarnings: readonly StatWarning[],
): Omit<CupedComparison, 'theta' | 'thetaMissing'> {
  const difference = options.difference ?? 'absolute';
  const adjusted = {
    control: { n: c.n, mean: adjustedMean(c, theta), variance: Math.max(0, combinedVariance(c, 1, theta)) },
    treatment: { n: t.n, mean: adjustedMean(t, theta), variance: Math.max(0, combinedVariance(t, 1, theta)) },
  };
  const none = new Float64Array(theta.length);
  if (difference === 'relative' && c.n >= 2 && t.n >= 2 && c.mean[0] === 0) {
    const warning: StatWarning = {
      code: 'SL_STATS_ZERO_BASELINE',
      message: 'the control mean is 0, so a relative effect is undefined; use the absolute effect',
    };
    return { ...NO_TEST, adjusted: null, varianceReduction: null, warnings: [...extraWarnings, warning] };
  }
  if (difference === 'absolute' || c.n < 2 || t.n < 2) {
    // Absolute effects, and the degenerate cases compareMoments reports, go through compareMoments.
    const result = compareMoments(adjusted.control, adjusted.treatment, { ...options, difference });
    const plain = c.cov[0]! / c.n + t.cov[0]! / t.n;
    const after = adjusted.control.variance / c.n + adjusted.treatment.variance / t.n;
    const varianceReduction = result.se !== null && plain > 0 ? 1 - after / plain : null;
    return {
      ...result,
      adjusted: result.effect === null ? null : adjusted,
      varianceReduction,
      warnings: [...extraWarnings, ...result.warnings],
    };
  }
  const mc = c.mean[0]!;
  const effect = (adjusted.treatment.mean - adjusted.control.mean) / Math.abs(mc);
  const variance = relativeVariance(c, t, theta);
  if (!(variance > 0)) {
    const warning: StatWarning = {
      code: 'SL_STATS_ZERO_VARIANCE',
      message: 'the adjusted metric has zero variance, so there is no standard error, p-value or interval',
    };
    return {
      ...NO_TEST,
      effect,
      se: 0,
      adjusted,
      varianceReduction: null,
      warnings: [...extraWarnings, warning],
    };
  }
  const df =
    options.reference === 'normal' ? Number.POSITIVE_INFINITY : welchDf(adjusted.control, adjusted.treatment);
  const plain = relativeVariance(c, t, none);
  return {
    ...testedComparison(effect, variance, df, options.alpha ?? 0.05, options.alternative ?? 'two-sided'),
    adjusted,
    varianceReduction: plain > 0 ? 1 - variance / plain : null,
    warnings: extraWarnings,
  };
}

function noCovariate(): StatWarning {
  return {
    code: 'SL_STATS_NO_COVARIATE',
    message: 'the pre-period covariate does not vary across units, so CUPED made no adjustment',
  };
}

/**
 * CUPED from each arm's sums: θ pooled across arms ({@link cupedTheta}) unless `options.theta` fixes it,
 * then the adjusted comparison (absolute or relative, see the file comment).
 */
export function compareCuped(
  control: CupedSums,
  treatment: CupedSums,
  options: CupedOptions = {},
): CupedComparison {
  const kind = options.kind ?? 'mean';
  const theta = options.theta ?? cupedTheta(control, treatment, kind);
  const warnings = theta === 0 && options.theta === undefined ? [noCovariate()] : [];
  const result = compareAdjusted(
    armFromSums(control, kind),
    armFromSums(treatment, kind),
    Float64Array.of(theta),
    options,
    warnings,
  );
  return { ...result, theta, thetaMissing: null };
}

/** One arm's post-period values and pre-period covariate; NaN marks a unit without a pre-period value. */
export interface CupedValues {
  readonly post: Float64Array;
  readonly pre: Float64Array;
}

/** Column j of the design for unit i: 0 is Y, 1 the pre value (0 when missing), 2 the has-pre indicator. */
function column(values: CupedValues, j: number, i: number): number {
  if (j === 0) return values.post[i]!;
  const x = values.pre[i]!;
  const present = !Number.isNaN(x);
  if (j === 1) return present ? x : 0;
  return present ? 1 : 0;
}

/** Means and covariances (n − 1, two-pass) of the columns over one or more arms taken together. */
function covarianceOf(arms: readonly CupedValues[], columns: number): ArmCovariance {
  let n = 0;
  const mean = new Float64Array(columns);
  for (const arm of arms) {
    n += arm.post.length;
    for (let i = 0; i < arm.post.length; i++) for (let j = 0; j < columns; j++) mean[j]! += column(arm, j, i);
  }
  for (let j = 0; j < columns; j++) mean[j] = n > 0 ? mean[j]! / n : 0;
  const cov = new Float64Array(columns * columns);
  const d = new Float64Array(columns);
  for (const arm of arms) {
    for (let i = 0; i < arm.post.length; i++) {
      for (let j = 0; j < columns; j++) d[j] = column(arm, j, i) - mean[j]!;
      for (let j = 0; j < columns; j++)
        for (let k = j; k < columns; k++) cov[j * columns + k]! += d[j]! * d[k]!;
    }
  }
  for (let j = 0; j < columns; j++) {
    for (let k = j; k < columns; k++) {
      const v = n > 1 ? cov[j * columns + k]! / (n - 1) : 0;
      cov[j * columns + k] = v;
      cov[k * columns + j] = v;
    }
  }
  return { n, mean, cov };
}

/**
 * θ solving the pooled normal equations cov(X)·θ = cov(X, Y) for the pre value and the indicator
 * (3 columns). When the two covariates are collinear in the pooled sample (every observed pre value is
 * the same), the indicator alone carries the information.
 */
function pooledThetaWithIndicator(joint: ArmCovariance): Float64Array {
  const c = joint.cov;
  const a = c[4]!;
  const b = c[5]!;
  const d = c[8]!;
  const det = a * d - b * b;
  if (a > 0 && det > 1e-12 * a * d) {
    return Float64Array.of((d * c[1]! - b * c[2]!) / det, (a * c[2]! - b * c[1]!) / det);
  }
  return Float64Array.of(0, d > 0 ? c[2]! / d : 0);
}

/**
 * CUPED from per-unit values, θ pooled across arms. With every pre value present this is
 * {@link compareCuped} on the arms' sums (mean kind). Units whose pre value is NaN take covariate 0 and
 * the has-pre indicator enters as a second covariate (see the file comment).
 */
export function compareCupedValues(
  control: CupedValues,
  treatment: CupedValues,
  options: Omit<CupedOptions, 'theta' | 'kind'> = {},
): CupedComparison {
  for (const arm of [control, treatment])
    if (arm.post.length !== arm.pre.length)
      throw new RangeError('compareCupedValues: post and pre differ in length');
  let missing = 0;
  for (const arm of [control, treatment])
    for (let i = 0; i < arm.pre.length; i++) if (Number.isNaN(arm.pre[i]!)) missing++;
  if (missing === 0) {
    return compareCuped(
      cupedSumsOf(control.post, control.pre),
      cupedSumsOf(treatment.post, treatment.pre),
      options,
    );
  }
  const joint = covarianceOf([control, treatment], 3);
  const theta = joint.cov[0]! > 0 ? pooledThetaWithIndicator(joint) : new Float64Array(2);
  const warnings = theta[0] === 0 && theta[1] === 0 ? [noCovariate()] : [];
  const result = compareAdjusted(
    covarianceOf([control], 3),
    covarianceOf([treatment], 3),
    theta,
    options,
    warnings,
  );
  return { ...result, theta: theta[0]!, thetaMissing: theta[1]! };
}

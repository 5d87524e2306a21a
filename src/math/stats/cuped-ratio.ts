/**
 * CUPED for ratio metrics (revenue per session adjusted by last month's revenue per session), as
 * GrowthBook's RegressionAdjustedRatioStatistic (golden vectors GB-14 and GB-15). Per arm the four
 * per-unit means β = (m̄_post, d̄_post, m̄_pre, d̄_pre) and their 4×4 sample covariance Λ (n − 1) give the
 * adjusted ratio M = β₀/β₁ − θ·β₂/β₃, whose delta-method per-unit variance is ∇ᵀΛ∇ with
 * ∇ = (1/β₁, −β₀/β₁², −θ/β₃, θ·β₂/β₃²).
 *
 * θ pools the arms: with the linearized post ratio P = m_post/β₁ − β₀·d_post/β₁² and pre ratio
 * Q = m_pre/β₃ − β₂·d_pre/β₃², θ = Σ_arms cov(P, Q) / Σ_arms var(Q) (gbstats
 * `compute_theta_regression_adjusted_ratio`: per-unit moments summed over the two arms).
 *
 * The absolute effect M_t − M_c goes through {@link compareMoments}. The relative one divides by the
 * UNadjusted control ratio, g = (M_t − M_c)/|R_c|, R_c = β₀/β₁ of control, with the exact delta-method
 * gradient: ∇_t = ∇M_t/|R_c| and ∇_c = −∇M_c/|R_c| − g_abs·sign(R_c)·∇R_c/R_c² (gbstats's form for a
 * positive R_c; the sign term keeps the standard error unchanged when the metric is negated, as GB-15's
 * upstream test requires). Welch degrees of freedom from the adjusted per-unit variances.
 */

import type { CupedComparison, CupedOptions } from './cuped.ts';
import { compareMoments, testedComparison, welchDf } from './effect.ts';
import type { Moments } from './moments.ts';
import type { StatWarning } from './result.ts';

interface Sums {
  readonly sum: number;
  readonly sumSquares: number;
}

/** One arm of a ratio metric with its pre-period numerator and denominator, as sums. */
export interface CupedRatioSums {
  readonly n: number;
  readonly numeratorPost: Sums;
  readonly denominatorPost: Sums;
  readonly numeratorPre: Sums;
  readonly denominatorPre: Sums;
  /** Σ of the products of each pair of the four per-unit values. */
  readonly products: {
    readonly numeratorPostDenominatorPost: number;
    readonly numeratorPostNumeratorPre: number;
    readonly numeratorPostDenominatorPre: number;
    readonly denominatorPostNumeratorPre: number;
    readonly denominatorPostDenominatorPre: number;
    readonly numeratorPreDenominatorPre: number;
  };
}

/** One arm's per-unit values. */
export interface CupedRatioValues {
  readonly numeratorPost: ArrayLike<number>;
  readonly denominatorPost: ArrayLike<number>;
  readonly numeratorPre: ArrayLike<number>;
  readonly denominatorPre: ArrayLike<number>;
}

/** The sums of an arm's four per-unit values and their pairwise products. */
export function cupedRatioSumsOf(values: CupedRatioValues): CupedRatioSums {
  const cols = [values.numeratorPost, values.denominatorPost, values.numeratorPre, values.denominatorPre];
  const n = cols[0]!.length;
  if (cols.some((c) => c.length !== n))
    throw new RangeError('cupedRatioSumsOf: the four arrays differ in length');
  const sums = new Float64Array(4);
  const products = new Float64Array(16);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) {
      const v = cols[j]![i]!;
      sums[j]! += v;
      for (let k = j; k < 4; k++) products[j * 4 + k]! += v * cols[k]![i]!;
    }
  }
  const pair = (j: number): Sums => ({ sum: sums[j]!, sumSquares: products[j * 5]! });
  return {
    n,
    numeratorPost: pair(0),
    denominatorPost: pair(1),
    numeratorPre: pair(2),
    denominatorPre: pair(3),
    products: {
      numeratorPostDenominatorPost: products[1]!,
      numeratorPostNumeratorPre: products[2]!,
      numeratorPostDenominatorPre: products[3]!,
      denominatorPostNumeratorPre: products[6]!,
      denominatorPostDenominatorPre: products[7]!,
      numeratorPreDenominatorPre: products[11]!,
    },
  };
}

/** β and Λ of an arm (sample covariances with n − 1; zero with n < 2). */
interface ArmMoments {
  readonly n: number;
  readonly beta: Float64Array;
  readonly lambda: Float64Array;
}

function armMoments(s: CupedRatioSums): ArmMoments {
  const { n } = s;
  const sums = [s.numeratorPost.sum, s.denominatorPost.sum, s.numeratorPre.sum, s.denominatorPre.sum];
  const p = s.products;
  const cross = [
    [
      s.numeratorPost.sumSquares,
      p.numeratorPostDenominatorPost,
      p.numeratorPostNumeratorPre,
      p.numeratorPostDenominatorPre,
    ],
    [
      p.numeratorPostDenominatorPost,
      s.denominatorPost.sumSquares,
      p.denominatorPostNumeratorPre,
      p.denominatorPostDenominatorPre,
    ],
    [
      p.numeratorPostNumeratorPre,
      p.denominatorPostNumeratorPre,
      s.numeratorPre.sumSquares,
      p.numeratorPreDenominatorPre,
    ],
    [
      p.numeratorPostDenominatorPre,
      p.denominatorPostDenominatorPre,
      p.numeratorPreDenominatorPre,
      s.denominatorPre.sumSquares,
    ],
  ];
  const beta = Float64Array.from(sums, (v) => (n > 0 ? v / n : 0));
  const lambda = new Float64Array(16);
  if (n > 1)
    for (let j = 0; j < 4; j++)
      for (let k = 0; k < 4; k++) lambda[j * 4 + k] = (cross[j]![k]! - (sums[j]! * sums[k]!) / n) / (n - 1);
  return { n, beta, lambda };
}

/** ∇M = (1/β₁, −β₀/β₁², −θ/β₃, θ·β₂/β₃²). */
function gradient(beta: Float64Array, theta: number): Float64Array {
  const [b0, b1, b2, b3] = beta as unknown as [number, number, number, number];
  return Float64Array.of(1 / b1, -b0 / (b1 * b1), -theta / b3, (theta * b2) / (b3 * b3));
}

/** gᵀΛh over the index range [from, to) of g and [from2, to2) of h. */
function form(g: Float64Array, lambda: Float64Array, h: Float64Array, rows = [0, 4], cols = [0, 4]): number {
  let v = 0;
  for (let j = rows[0]!; j < rows[1]!; j++)
    for (let k = cols[0]!; k < cols[1]!; k++) v += g[j]! * lambda[j * 4 + k]! * h[k]!;
  return v;
}

function adjustedRatio(arm: ArmMoments, theta: number): number {
  const b = arm.beta;
  return b[0]! / b[1]! - (theta * b[2]!) / b[3]!;
}

/**
 * θ pooled across arms: −Σ cov / Σ var_pre with the θ = 1 gradient, i.e. Σ cov(P, Q)/Σ var(Q) (see the
 * file comment); 0 when the pre-period ratio does not vary in either arm.
 */
export function cupedRatioTheta(control: CupedRatioSums, treatment: CupedRatioSums): number {
  let cov = 0;
  let varPre = 0;
  for (const s of [control, treatment]) {
    const arm = armMoments(s);
    const g = gradient(arm.beta, 1);
    cov += form(g, arm.lambda, g, [2, 4], [0, 2]);
    varPre += form(g, arm.lambda, g, [2, 4], [2, 4]);
  }
  return varPre === 0 ? 0 : -cov / varPre;
}

/** Variance of the relative effect for coefficient θ (the file comment's gradient). */
function relativeVariance(c: ArmMoments, t: ArmMoments, theta: number): number {
  const b = c.beta;
  const rc = b[0]! / b[1]!;
  const den = Math.abs(rc);
  const gAbs = adjustedRatio(t, theta) - adjustedRatio(c, theta);
  const gc = gradient(b, theta);
  const scale = (gAbs * Math.sign(rc)) / (rc * rc);
  const nablaC = Float64Array.of(
    -gc[0]! / den - scale / b[1]!,
    -gc[1]! / den + (scale * b[0]!) / (b[1]! * b[1]!),
    -gc[2]! / den,
    -gc[3]! / den,
  );
  const nablaT = gradient(t.beta, theta).map((v) => v / den);
  return form(nablaC, c.lambda, nablaC) / c.n + form(nablaT, t.lambda, nablaT) / t.n;
}

const NO_TEST = { effect: null, se: null, ci: null, pValue: null, statistic: null, df: null } as const;

/**
 * CUPED for a ratio metric from each arm's sums: θ pooled unless `options.theta` fixes it, then the
 * absolute or relative comparison described in the file comment.
 */
export function compareCupedRatio(
  control: CupedRatioSums,
  treatment: CupedRatioSums,
  options: Omit<CupedOptions, 'kind'> = {},
): CupedComparison {
  const theta = options.theta ?? cupedRatioTheta(control, treatment);
  const warnings: StatWarning[] = [];
  if (theta === 0 && options.theta === undefined) {
    warnings.push({
      code: 'SL_STATS_NO_COVARIATE',
      message: 'the pre-period ratio does not vary across units, so CUPED made no adjustment',
    });
  }
  const c = armMoments(control);
  const t = armMoments(treatment);
  for (const [arm, name] of [
    [c, 'control'],
    [t, 'treatment'],
  ] as const) {
    if (arm.n > 0 && (arm.beta[1] === 0 || arm.beta[3] === 0)) {
      warnings.push({
        code: 'SL_STATS_ZERO_DENOMINATOR',
        message: `a denominator (post or pre period) sums to 0 in the ${name} arm, so its ratio is undefined`,
      });
      return { ...NO_TEST, theta, thetaMissing: null, adjusted: null, varianceReduction: null, warnings };
    }
  }
  const moments = (arm: ArmMoments): Moments => {
    const g = gradient(arm.beta, theta);
    return { n: arm.n, mean: adjustedRatio(arm, theta), variance: Math.max(0, form(g, arm.lambda, g)) };
  };
  const adjusted = { control: moments(c), treatment: moments(t) };
  const difference = options.difference ?? 'absolute';
  const rc = c.n > 0 ? c.beta[0]! / c.beta[1]! : 0;
  if (difference === 'relative' && c.n >= 2 && t.n >= 2 && rc === 0) {
    warnings.push({
      code: 'SL_STATS_ZERO_BASELINE',
      message: 'the control ratio is 0, so a relative effect is undefined; use the absolute effect',
    });
    return { ...NO_TEST, theta, thetaMissing: null, adjusted: null, varianceReduction: null, warnings };
  }
  if (difference === 'absolute' || c.n < 2 || t.n < 2) {
    const result = compareMoments(adjusted.control, adjusted.treatment, { ...options, difference });
    const plain = moments0(c) / c.n + moments0(t) / t.n;
    const after = adjusted.control.variance / c.n + adjusted.treatment.variance / t.n;
    return {
      ...result,
      theta,
      thetaMissing: null,
      adjusted: result.effect === null ? null : adjusted,
      varianceReduction: result.se !== null && plain > 0 ? 1 - after / plain : null,
      warnings: [...warnings, ...result.warnings],
    };
  }
  const effect = (adjusted.treatment.mean - adjusted.control.mean) / Math.abs(rc);
  const variance = relativeVariance(c, t, theta);
  if (!(variance > 0)) {
    warnings.push({
      code: 'SL_STATS_ZERO_VARIANCE',
      message: 'the adjusted ratio has zero variance, so there is no standard error, p-value or interval',
    });
    return {
      ...NO_TEST,
      effect,
      se: 0,
      theta,
      thetaMissing: null,
      adjusted,
      varianceReduction: null,
      warnings,
    };
  }
  const df =
    options.reference === 'normal' ? Number.POSITIVE_INFINITY : welchDf(adjusted.control, adjusted.treatment);
  const plain = relativeVariance(c, t, 0);
  return {
    ...testedComparison(effect, variance, df, options.alpha ?? 0.05, options.alternative ?? 'two-sided'),
    theta,
    thetaMissing: null,
    adjusted,
    varianceReduction: plain > 0 ? 1 - variance / plain : null,
    warnings,
  };
}

/** The unadjusted ratio's per-unit delta-method variance (θ = 0). */
function moments0(arm: ArmMoments): number {
  const g = gradient(arm.beta, 0);
  return form(g, arm.lambda, g);
}

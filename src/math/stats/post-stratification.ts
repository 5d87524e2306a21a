/**
 * Post-stratification: the effect estimated within each stratum (country, platform…) known before
 * treatment, then averaged with fixed stratum weights. When the strata explain part of the metric, the
 * between-strata variation drops out of the effect's variance, and chance imbalance of the strata
 * between arms no longer moves the estimate (Miratrix, Sekhon & Yu, "Adjusting treatment effect
 * estimates by post-stratification in randomized experiments", JRSS-B 2013, show it is nearly as precise
 * as blocking on the same strata).
 *
 * This is the standard stratified estimator (Cochran, "Sampling Techniques", 1977, ch. 5):
 *   T = Σ_k w_k·Ȳ_t,k,  C = Σ_k w_k·Ȳ_c,k,  effect = T − C,
 *   var(T) = Σ_k w_k²·s²_t,k/n_t,k,  var(C) = Σ_k w_k²·s²_c,k/n_c,k,
 * with sample variances (n − 1), the weights w_k = (n_c,k + n_t,k)/n (each stratum's share of the
 * experiment) unless the caller gives population shares, and the variance conditional on the realised
 * stratum-by-arm counts, with no finite-population correction (users are a sample of future traffic).
 * The relative effect is (T − C)/|C| with the delta-method variance of effect.ts. Degrees of freedom by
 * Welch-Satterthwaite over the 2K cells, (Σ a)²/Σ(a²/(n − 1)) with a = w²s²/n, which is Welch's exactly
 * for one stratum.
 *
 * Strata with fewer than 2 units in an arm have no within-stratum variance; they are left out and the
 * other weights renormalised, with a warning (merge such strata upstream to keep the estimand).
 */

import type { CompareOptions, MeanComparison } from './effect.ts';
import { effectEstimate, testedComparison } from './effect.ts';
import { type Moments, momentsOf } from './moments.ts';
import type { StatWarning } from './result.ts';

/** One stratum's two arms. */
export interface Stratum {
  readonly key: string;
  readonly control: Moments;
  readonly treatment: Moments;
}

export interface PostStratifyOptions extends Omit<CompareOptions, 'reference'> {
  /** Welch-Satterthwaite t (default) or the normal. */
  readonly reference?: 'welch' | 'normal';
  /** Population share of each stratum (any positive scale); default: each stratum's share of the units. */
  readonly weights?: ReadonlyMap<string, number>;
}

export interface StratumEffect {
  readonly key: string;
  /** The stratum's weight after renormalisation over the strata used. */
  readonly weight: number;
  readonly control: Moments;
  readonly treatment: Moments;
  /** Ȳ_t,k − Ȳ_c,k. */
  readonly effect: number;
}

export interface PostStratifiedComparison extends MeanComparison {
  /** C and T, the post-stratified control and treatment means. */
  readonly controlMean: number | null;
  readonly treatmentMean: number | null;
  readonly strata: readonly StratumEffect[];
  /** Keys of strata left out for having fewer than 2 units in an arm. */
  readonly dropped: readonly string[];
}

const NO_TEST = { effect: null, se: null, ci: null, pValue: null, statistic: null, df: null } as const;

/** The post-stratified comparison of strata summarised as moments (see the file comment). */
export function postStratify(
  strata: readonly Stratum[],
  options: PostStratifyOptions = {},
): PostStratifiedComparison {
  const warnings: StatWarning[] = [];
  const used = strata.filter((s) => s.control.n >= 2 && s.treatment.n >= 2);
  const dropped = strata.filter((s) => !used.includes(s)).map((s) => s.key);
  if (dropped.length > 0) {
    warnings.push({
      code: 'SL_STATS_SPARSE_STRATUM',
      message: `left out ${dropped.length} stratum(s) with fewer than 2 units in an arm: ${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? ', …' : ''}`,
    });
  }
  const raw = used.map((s) => {
    if (!options.weights) return s.control.n + s.treatment.n;
    const w = options.weights.get(s.key);
    if (w === undefined || !(w >= 0))
      throw new RangeError(`postStratify: no valid weight for stratum ${s.key}`);
    return w;
  });
  const total = raw.reduce((a, b) => a + b, 0);
  if (used.length === 0 || !(total > 0)) {
    warnings.push({ code: 'SL_STATS_EMPTY_ARM', message: 'no stratum has at least 2 units in each arm' });
    return { ...NO_TEST, controlMean: null, treatmentMean: null, strata: [], dropped, warnings };
  }
  let c = 0;
  let t = 0;
  let varC = 0;
  let varT = 0;
  let dfDen = 0;
  const effects: StratumEffect[] = used.map((s, k) => {
    const w = raw[k]! / total;
    c += w * s.control.mean;
    t += w * s.treatment.mean;
    const ac = (w * w * s.control.variance) / s.control.n;
    const at = (w * w * s.treatment.variance) / s.treatment.n;
    varC += ac;
    varT += at;
    dfDen += (ac * ac) / (s.control.n - 1) + (at * at) / (s.treatment.n - 1);
    return {
      key: s.key,
      weight: w,
      control: s.control,
      treatment: s.treatment,
      effect: s.treatment.mean - s.control.mean,
    };
  });
  const common = { controlMean: c, treatmentMean: t, strata: effects, dropped };
  const difference = options.difference ?? 'absolute';
  if (difference === 'relative' && c === 0) {
    warnings.push({
      code: 'SL_STATS_ZERO_BASELINE',
      message:
        'the post-stratified control mean is 0, so a relative effect is undefined; use the absolute effect',
    });
    return { ...NO_TEST, ...common, warnings };
  }
  // effectEstimate divides each arm's variance by n; with n = 1 it takes the variances of the means.
  const { effect, variance } = effectEstimate(
    { n: 1, mean: c, variance: varC },
    { n: 1, mean: t, variance: varT },
    difference,
  );
  if (!(variance > 0)) {
    warnings.push({
      code: 'SL_STATS_ZERO_VARIANCE',
      message: 'no stratum has any variance, so there is no standard error, p-value or interval',
    });
    return { ...NO_TEST, ...common, effect, se: 0, warnings };
  }
  const df = options.reference === 'normal' ? Number.POSITIVE_INFINITY : (varC + varT) ** 2 / dfDen;
  return {
    ...testedComparison(effect, variance, df, options.alpha ?? 0.05, options.alternative ?? 'two-sided'),
    ...common,
    warnings,
  };
}

/** Values and the stratum of each unit (parallel arrays). */
export interface StratifiedValues {
  readonly values: Float64Array;
  readonly strata: ArrayLike<string | number>;
}

/** Groups per-unit values by stratum into moments (mean and n − 1 variance), keyed by String(stratum). */
export function stratumMoments(input: StratifiedValues): Map<string, Moments> {
  const { values, strata } = input;
  if (values.length !== strata.length)
    throw new RangeError('stratumMoments: values and strata differ in length');
  const groups = new Map<string, number[]>();
  for (let i = 0; i < values.length; i++) {
    const key = String(strata[i]);
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(values[i]!);
  }
  return new Map([...groups].map(([key, group]) => [key, momentsOf(group)]));
}

/**
 * Post-stratification from per-unit values and strata. A stratum seen in only one arm has 0 units in
 * the other and is left out (with the warning of {@link postStratify}). Strata are ordered by key.
 */
export function postStratifyValues(
  control: StratifiedValues,
  treatment: StratifiedValues,
  options: PostStratifyOptions = {},
): PostStratifiedComparison {
  const c = stratumMoments(control);
  const t = stratumMoments(treatment);
  const empty: Moments = { n: 0, mean: 0, variance: 0 };
  const keys = [...new Set([...c.keys(), ...t.keys()])].sort();
  return postStratify(
    keys.map((key) => ({ key, control: c.get(key) ?? empty, treatment: t.get(key) ?? empty })),
    options,
  );
}

/**
 * Planning an experiment: the sample size a two-sided test needs to detect an effect with a given power,
 * the smallest effect a given sample size detects (MDE), the power of a design, and the days of traffic
 * it takes. Monte Carlo checks of these numbers live in `power-simulation.ts`.
 *
 * Conventions: α is two-sided; power is 1 − β; the allocation ratio r = n_t/n_c (treatment units per
 * control unit); `sampleSizePerArm` is the control arm's n_c (each arm's when r = 1), the treatment arm
 * gets ⌈r·n_c⌉ from the unrounded n_c; a relative MDE is a fraction of |baseline|; sizes are rounded up.
 *
 * Means (the textbook normal-approximation formula, equal σ in both arms):
 *   n_c = (1 + 1/r)·σ²·(z₁₋α/₂ + z₁₋β)²/δ²,   which is 2σ²(z₁₋α/₂ + z₁₋β)²/δ² for r = 1.
 * Proportions, p₁ the baseline rate and p₂ = p₁ + δ (Fleiss, Levin & Paik, "Statistical Methods for Rates
 * and Proportions", 3rd ed. 2003, ch. 4, without the continuity correction): the test statistic's variance
 * under H0 uses the pooled rate p̄ = (p₁ + r·p₂)/(1 + r), the rate of both arms together, and under H1 the
 * unpooled p₁(1 − p₁)/n_c + p₂(1 − p₂)/n_t, giving
 *   n_c = (z₁₋α/₂·√(p̄(1 − p̄)(1 + 1/r)) + z₁₋β·√(p₁(1 − p₁) + p₂(1 − p₂)/r))² / (p₂ − p₁)²,
 * which for r = 1 is the (z₁₋α/₂·√(2p̄(1 − p̄)) + z₁₋β·√(p₁(1 − p₁) + p₂(1 − p₂)))²/(p₂ − p₁)².
 * Power is the same model read the other way, both tails counted:
 *   Φ((|δ| − z₁₋α/₂·se₀)/se₁) + Φ((−|δ| − z₁₋α/₂·se₀)/se₁)   (se₀ = se₁ = σ√(1/n_c + 1/n_t) for means).
 *
 * `liftPower` and `liftMde` are GrowthBook's power calculator (packages/shared power.ts), checked by golden
 * vector GB-TS-03: a relative effect with the delta-method variance, n/k units per arm for k variations,
 * and for sequential testing the standard error inflated to the confidence sequence's half-width.
 */
import { SightlineError } from '../../errors/index.ts';
import { normalCdf, normalQuantile } from './distributions.ts';
import { effectEstimate } from './effect.ts';
import { confidenceSequenceMultiplier } from './sequential.ts';

export type PowerMetric =
  | { readonly type: 'proportion'; readonly baselineRate: number }
  | { readonly type: 'mean'; readonly baselineMean: number; readonly sd: number };

export interface PowerSettings {
  readonly metric: PowerMetric;
  /** Two-sided significance level. Default 0.05. */
  readonly alpha?: number;
  /** Target power 1 − β. Default 0.8. */
  readonly power?: number;
  /** Treatment units per control unit, n_t/n_c. Default 1. */
  readonly ratio?: number;
  /** The MDE is a fraction of the baseline (0.05 = 5% lift) rather than in the metric's units. */
  readonly relative?: boolean;
  /** Units entering the experiment per day, all arms together. */
  readonly dailyUsers?: number;
  /** For an MDE of a proportion: solve for an increase (default) or a decrease of the rate. */
  readonly direction?: 'increase' | 'decrease';
}

export interface SampleSizeQuery extends PowerSettings {
  /** The effect to detect: absolute, or relative to the baseline when `relative`. Nonzero. */
  readonly mde: number;
}

export interface MdeQuery extends PowerSettings {
  /** Control units (each arm's when ratio = 1). */
  readonly sampleSizePerArm: number;
}

/** The inputs with every default filled in, echoed in results. */
export interface ResolvedSettings {
  readonly metric: PowerMetric;
  readonly alpha: number;
  readonly power: number;
  readonly ratio: number;
  readonly relative: boolean;
  readonly dailyUsers?: number;
}

export interface PowerPlan {
  /** Control units, n_c (each arm's when ratio = 1). */
  readonly sampleSizePerArm: number;
  readonly treatmentSampleSize: number;
  readonly totalSampleSize: number;
  /** ⌈totalSampleSize / dailyUsers⌉, when daily users were given. */
  readonly days?: number;
  /** The effect planned for (or solved for): absolute, and relative to |baseline| (null at baseline 0). */
  readonly mde: { readonly absolute: number; readonly relative: number | null };
  /** Analytic power at the rounded sample sizes (at least the target). */
  readonly achievedPower: number;
  readonly inputs: ResolvedSettings;
}

/**
 * Sizes computed in floating point are rounded up, ignoring a rounding error of 1e-9 above an integer, and
 * are at least 2 (a test needs two units per arm).
 */
function roundUp(n: number): number {
  return Math.max(2, Math.ceil(n - 1e-9));
}

function invalid(message: string): SightlineError {
  return new SightlineError('SL_STATS_INPUT_INVALID', message, {
    hint: 'see `sightline experiment power --help`',
  });
}

function resolve(settings: PowerSettings): ResolvedSettings {
  const alpha = settings.alpha ?? 0.05;
  const power = settings.power ?? 0.8;
  const ratio = settings.ratio ?? 1;
  const { metric, dailyUsers } = settings;
  if (!(alpha > 0 && alpha < 1)) throw invalid(`alpha must lie in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw invalid(`power must lie in (0, 1), got ${power}`);
  if (!(ratio > 0) || !Number.isFinite(ratio))
    throw invalid(`the ratio must be a positive number, got ${ratio}`);
  if (dailyUsers !== undefined && !(dailyUsers > 0 && Number.isFinite(dailyUsers)))
    throw invalid(`daily users must be a positive number, got ${dailyUsers}`);
  if (metric.type === 'proportion' && !(metric.baselineRate > 0 && metric.baselineRate < 1))
    throw invalid(`the baseline rate must lie in (0, 1), got ${metric.baselineRate}`);
  if (metric.type === 'mean' && !(metric.sd > 0 && Number.isFinite(metric.sd)))
    throw invalid(`the standard deviation must be a positive number, got ${metric.sd}`);
  if (metric.type === 'mean' && !Number.isFinite(metric.baselineMean))
    throw invalid(`the baseline mean must be a number, got ${metric.baselineMean}`);
  const resolved = { metric, alpha, power, ratio, relative: settings.relative ?? false };
  return dailyUsers === undefined ? resolved : { ...resolved, dailyUsers };
}

const baselineOf = (metric: PowerMetric) =>
  metric.type === 'proportion' ? metric.baselineRate : metric.baselineMean;

/** The absolute effect δ of an MDE (δ = mde·|baseline| when relative), checked for the metric. */
function absoluteEffect(settings: ResolvedSettings, mde: number): number {
  if (!(mde !== 0 && Number.isFinite(mde))) throw invalid(`the MDE must be a nonzero number, got ${mde}`);
  const baseline = baselineOf(settings.metric);
  if (settings.relative && baseline === 0) throw invalid('a relative MDE needs a nonzero baseline');
  const delta = settings.relative ? mde * Math.abs(baseline) : mde;
  if (settings.metric.type === 'proportion') {
    const p2 = baseline + delta;
    if (!(p2 > 0 && p2 < 1))
      throw invalid(`the treatment rate ${baseline} + ${delta} = ${p2} must lie in (0, 1); lower the MDE`);
  }
  return delta;
}

/** The unrounded control-arm size n_c that detects δ with the target power (formulas above). */
export function exactSampleSize(settings: ResolvedSettings, delta: number): number {
  const { metric, alpha, power, ratio } = settings;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  if (metric.type === 'mean') return ((1 + 1 / ratio) * metric.sd ** 2 * (za + zb) ** 2) / (delta * delta);
  const p1 = metric.baselineRate;
  const p2 = p1 + delta;
  const pooled = (p1 + ratio * p2) / (1 + ratio);
  const h0 = za * Math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio));
  const h1 = zb * Math.sqrt(p1 * (1 - p1) + (p2 * (1 - p2)) / ratio);
  return (h0 + h1) ** 2 / (delta * delta);
}

/** Two-sided power of the design with n_c control and n_t treatment units to detect δ (both tails). */
export function powerAt(
  settings: ResolvedSettings,
  delta: number,
  nControl: number,
  nTreatment: number,
): number {
  const za = normalQuantile(1 - settings.alpha / 2);
  const { metric } = settings;
  let se0: number;
  let se1: number;
  if (metric.type === 'mean') {
    se0 = metric.sd * Math.sqrt(1 / nControl + 1 / nTreatment);
    se1 = se0;
  } else {
    const p1 = metric.baselineRate;
    const p2 = p1 + delta;
    const pooled = (nControl * p1 + nTreatment * p2) / (nControl + nTreatment);
    se0 = Math.sqrt(pooled * (1 - pooled) * (1 / nControl + 1 / nTreatment));
    se1 = Math.sqrt((p1 * (1 - p1)) / nControl + (p2 * (1 - p2)) / nTreatment);
  }
  const d = Math.abs(delta);
  return normalCdf((d - za * se0) / se1) + normalCdf((-d - za * se0) / se1);
}

function plan(settings: ResolvedSettings, delta: number, nControlExact: number): PowerPlan {
  const sampleSizePerArm = roundUp(nControlExact);
  const treatmentSampleSize = roundUp(settings.ratio * nControlExact);
  const totalSampleSize = sampleSizePerArm + treatmentSampleSize;
  const baseline = baselineOf(settings.metric);
  const result: PowerPlan = {
    sampleSizePerArm,
    treatmentSampleSize,
    totalSampleSize,
    mde: { absolute: delta, relative: baseline === 0 ? null : delta / Math.abs(baseline) },
    achievedPower: powerAt(settings, delta, sampleSizePerArm, treatmentSampleSize),
    inputs: settings,
  };
  return settings.dailyUsers === undefined
    ? result
    : { ...result, days: Math.ceil(totalSampleSize / settings.dailyUsers) };
}

/** The sample size per arm (and in total, and in days) that detects `mde` with the target power. */
export function sampleSize(query: SampleSizeQuery): PowerPlan {
  const settings = resolve(query);
  const delta = absoluteEffect(settings, query.mde);
  return plan(settings, delta, exactSampleSize(settings, delta));
}

/**
 * The smallest effect detected with the target power by `sampleSizePerArm` control units (and r times as
 * many treatment units). Means: δ = (z₁₋α/₂ + z₁₋β)·σ·√(1/n_c + 1/(r·n_c)). Proportions: the p₂ above
 * (or, with direction `decrease`, below) p₁ whose exact sample size is n_c, found by bisection to
 * machine precision; an error if no rate in (0, 1) is detectable with that many units.
 */
export function minimumDetectableEffect(query: MdeQuery): PowerPlan {
  const settings = resolve(query);
  const n = query.sampleSizePerArm;
  if (!(n >= 2 && Number.isFinite(n))) throw invalid(`the sample size per arm must be at least 2, got ${n}`);
  const { metric, alpha, power, ratio } = settings;
  let delta: number;
  if (metric.type === 'mean') {
    const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
    delta = z * metric.sd * Math.sqrt(1 / n + 1 / (ratio * n));
  } else {
    const p1 = metric.baselineRate;
    const up = (query.direction ?? 'increase') === 'increase';
    // f(δ) = n_c(δ) − n is positive near δ = 0 and, when anything is detectable, negative at the edge.
    const f = (d: number) => exactSampleSize(settings, d) - n;
    let inner = 0;
    let outer = up ? 1 - p1 : -p1;
    const edge = outer * (1 - 1e-12);
    if (f(edge) > 0)
      throw invalid(`${n} units per arm cannot detect any ${up ? 'increase' : 'decrease'} of a ${p1} rate`);
    outer = edge;
    for (let i = 0; i < 200 && Math.abs(outer - inner) > 1e-16; i++) {
      const mid = (inner + outer) / 2;
      if (mid === inner || mid === outer) break;
      if (f(mid) > 0) inner = mid;
      else outer = mid;
    }
    delta = outer;
  }
  // The plan is for exactly n control units; its other fields follow from the solved δ.
  return plan(settings, delta, n);
}

/** GrowthBook's power-calculator inputs: a relative effect on a metric with this mean and variance. */
export interface LiftPowerQuery {
  readonly mean: number;
  /** Per-unit variance (σ², or p(1 − p) for a conversion rate). */
  readonly variance: number;
  /** Units in the whole experiment, split evenly over `variations` arms (control included). */
  readonly totalSampleSize: number;
  readonly variations: number;
  /** Default 0.05. */
  readonly alpha?: number;
  /** Default true. */
  readonly twoTailed?: boolean;
  /** N* of the confidence sequence, when the experiment will be read sequentially. */
  readonly sequentialTuning?: number;
}

/**
 * The standard error of the relative effect with n units per arm: the delta-method variance of
 * `effectEstimate` with treatment mean μ(1 + lift); with sequential testing scaled by M/z₁₋α/₂, where M
 * is the confidence sequence's multiplier at 2n units, so the fixed-horizon critical value reproduces the
 * sequence's half-width.
 */
function liftStandardError(query: LiftPowerQuery, lift: number): number {
  const perArm = query.totalSampleSize / query.variations;
  const alpha = query.alpha ?? 0.05;
  const control = { n: perArm, mean: query.mean, variance: query.variance };
  const treatment = { n: perArm, mean: query.mean * (1 + lift), variance: query.variance };
  const se = Math.sqrt(effectEstimate(control, treatment, 'relative').variance);
  if (query.sequentialTuning === undefined) return se;
  return (
    (se * confidenceSequenceMultiplier(2 * perArm, alpha, query.sequentialTuning)) /
    normalQuantile(1 - alpha / 2)
  );
}

/** GrowthBook's power to detect a relative effect `lift`: 1 − Φ(z* − lift/se) + Φ(−z* − lift/se). */
export function liftPower(query: LiftPowerQuery & { readonly lift: number }): number {
  const alpha = query.alpha ?? 0.05;
  const twoTailed = query.twoTailed ?? true;
  const zStar = normalQuantile(twoTailed ? 1 - alpha / 2 : 1 - alpha);
  const standardized = query.lift / liftStandardError(query, query.lift);
  const upper = 1 - normalCdf(zStar - standardized);
  return twoTailed ? upper + normalCdf(-zStar - standardized) : upper;
}

/**
 * GrowthBook's MDE: the relative lift with power `power`, solving lift = (z₁₋α/₂ + z_power)·se(lift) with
 * the delta-method se (which grows with the lift) as a quadratic in the treatment mean. Sequential testing
 * inflates the per-unit variance by M²/z₁₋α/₂² at 2n units. An error when n is too small for a solution.
 */
export function liftMde(query: LiftPowerQuery & { readonly power: number }): number {
  const alpha = query.alpha ?? 0.05;
  if (!(query.power > alpha && query.power < 1))
    throw invalid(`power must lie in (alpha, 1), got ${query.power}`);
  const perArm = query.totalSampleSize / query.variations;
  const zCrit = normalQuantile(1 - alpha / 2);
  const z = zCrit + normalQuantile(query.power);
  let variance = query.variance;
  if (query.sequentialTuning !== undefined)
    variance *= (confidenceSequenceMultiplier(2 * perArm, alpha, query.sequentialTuning) / zCrit) ** 2;
  const mean = query.mean;
  if (perArm <= (variance * z * z) / (mean * mean))
    throw invalid(`${perArm} units per arm are too few for any effect to reach power ${query.power}`);
  const sigma2 = variance / perArm;
  const a = 1 - (z * z * sigma2) / (mean * mean);
  const b = -2 * mean;
  const c = mean * mean - z * z * sigma2;
  const treatmentMean = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  return (treatmentMean - mean) / mean;
}

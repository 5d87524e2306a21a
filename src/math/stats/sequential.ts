/**
 * Always-valid inference: a confidence sequence that may be looked at after every new unit and still
 * covers the true effect at every look at once with probability ≥ 1 − α, and the p-value that goes with it.
 *
 * The boundary is the two-sided normal mixture of Howard, Ramdas, McAuliffe & Sekhon, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences" (Ann. Statist. 2021), in the asymptotic form of
 * Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic
 * confidence sequences" (2023, eq. 9), which GrowthBook (gbstats) and Eppo both use. With n = n_c + n_t
 * units, the effect estimate θ̂ and its standard error se from `effect.ts` (absolute, or relative with the
 * delta-method variance), and the per-unit variance s² = se²·n:
 *
 *   θ̂ ± s·√( 2(nρ² + 1)/(nρ)² · ln(√(nρ² + 1)/α) )
 *
 * The mixing parameter ρ comes from the tuning parameter N*, the total sample size at which the sequence
 * is tightest relative to a fixed-horizon interval (Waudby-Smith et al. eq. 161):
 *   ρ = √( (−2 ln α + ln(1 − 2 ln α)) / N* ).
 * Eppo writes the same boundary with ρ_Eppo = N_tune/(ln ln(e/α²) − 2 ln α) = 1/ρ², so its N_tune is
 * exactly N* (checked against Eppo's formula by golden vector SC-01).
 *
 * The always-valid p-value is 1/E capped at 1, where E = exp(ρ²t²/(2(nρ²+1)))/√(nρ²+1) is the mixture
 * e-value with t² = θ̂²/se² (Waudby-Smith et al. eq. 155). E is a nonnegative (asymptotic) martingale
 * under H0, so by Ville's inequality P(∃n: p_n ≤ a) ≤ a for every a: the p-value may be read at any look.
 * It is well-defined for any a, but ρ is tuned at the nominal α, so its duality with the interval is exact
 * at that α only: p < α exactly when the sequence at α excludes 0 (a test checks both directions). Early
 * on E < 1 and the p-value is exactly 1; that is expected, not a bug.
 *
 * The boundary is two-sided only (as in GrowthBook); the normal reference is used, not Student's t.
 */
import { SightlineError } from '../../errors/index.ts';
import { compareMoments, type EffectEstimate, effectEstimate } from './effect.ts';
import type { Moments } from './moments.ts';
import type { Comparison, Difference, Interval } from './result.ts';

/** GrowthBook's default tuning parameter N*. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

export interface SequentialOptions {
  /** Default `absolute`. */
  readonly difference?: Difference;
  /** Default 0.05; the sequence is two-sided. */
  readonly alpha?: number;
  /** N*, the total sample size (both arms) where the sequence is tightest. Default 5000. */
  readonly tuning?: number;
}

export interface SequentialComparison extends Comparison {
  /** n_c + n_t, the sample size the boundary is evaluated at. */
  readonly n: number;
  readonly tuning: number;
  /** The mixing parameter ρ. */
  readonly rho: number;
  /** The interval's half-width in standard errors (1.96 for a fixed-horizon 95% interval); null with no units. */
  readonly multiplier: number | null;
}

function checkOptions(alpha: number, tuning: number): void {
  if (!(alpha > 0 && alpha < 1))
    throw new SightlineError('SL_STATS_INPUT_INVALID', `alpha must lie in (0, 1), got ${alpha}`);
  if (!(tuning > 0) || !Number.isFinite(tuning))
    throw new SightlineError(
      'SL_STATS_INPUT_INVALID',
      `the sequential tuning parameter N* must be a positive number, got ${tuning}`,
    );
}

/** The mixing parameter ρ = √((−2 ln α + ln(1 − 2 ln α))/N*) (Waudby-Smith et al. 2023, eq. 161). */
export function mixtureRho(alpha: number, tuning: number): number {
  checkOptions(alpha, tuning);
  const minus2LogAlpha = -2 * Math.log(alpha);
  return Math.sqrt((minus2LogAlpha + Math.log1p(minus2LogAlpha)) / tuning);
}

/**
 * The half-width of the confidence sequence in standard errors after n units in total:
 * √(2(nρ² + 1)/(nρ²) · ln(√(nρ² + 1)/α)). It exceeds the fixed-horizon z₁₋α/₂ at every n and is closest
 * to it near n = N*.
 */
export function confidenceSequenceMultiplier(n: number, alpha: number, tuning: number): number {
  if (!(n >= 1)) throw new SightlineError('SL_STATS_INPUT_INVALID', `n must be at least 1, got ${n}`);
  const rho = mixtureRho(alpha, tuning);
  const nRho2 = n * rho * rho;
  return Math.sqrt((2 * (nRho2 + 1) * (0.5 * Math.log1p(nRho2) - Math.log(alpha))) / nRho2);
}

/**
 * The always-valid p-value min(1, 1/E) for an estimate with the given variance of the estimator (se²)
 * after n units in total, with ρ tuned at `alpha` (Waudby-Smith et al. 2023, eq. 155). Computed in logs,
 * so overwhelming evidence gives a tiny p-value (5e-44 for GB-06) instead of 0.
 */
export function alwaysValidPValue(
  estimate: EffectEstimate,
  n: number,
  alpha: number,
  tuning: number,
): number {
  const rho = mixtureRho(alpha, tuning);
  const nRho2 = n * rho * rho;
  const t2 = (estimate.effect * estimate.effect) / estimate.variance;
  const logE = (rho * rho * n * t2) / (2 * (nRho2 + 1)) - 0.5 * Math.log1p(nRho2);
  return logE <= 0 ? 1 : Math.exp(-logE);
}

/**
 * The confidence sequence and always-valid p-value for an effect estimate (from `effect.ts`, a ratio
 * metric or CUPED) after n units in both arms together. The estimate's variance must be positive.
 */
export function confidenceSequence(
  estimate: EffectEstimate,
  n: number,
  options: { alpha?: number; tuning?: number } = {},
): { ci: Interval; pValue: number; multiplier: number; rho: number } {
  const alpha = options.alpha ?? 0.05;
  const tuning = options.tuning ?? DEFAULT_SEQUENTIAL_TUNING;
  if (!(estimate.variance > 0))
    throw new SightlineError('SL_STATS_INPUT_INVALID', 'a confidence sequence needs a positive variance');
  const multiplier = confidenceSequenceMultiplier(n, alpha, tuning);
  const half = multiplier * Math.sqrt(estimate.variance);
  return {
    ci: [estimate.effect - half, estimate.effect + half],
    pValue: alwaysValidPValue(estimate, n, alpha, tuning),
    multiplier,
    rho: mixtureRho(alpha, tuning),
  };
}

/**
 * Compares two arms with the always-valid confidence sequence: the effect and standard error of
 * `compareMoments` (normal reference), the sequence at n = n_c + n_t, and the always-valid p-value.
 * Degenerate input (an arm under 2 units, a zero control mean for a relative effect, no variance) gives
 * nulls and the same coded warnings as the fixed-horizon test.
 */
export function sequentialCompare(
  control: Moments,
  treatment: Moments,
  options: SequentialOptions = {},
): SequentialComparison {
  const alpha = options.alpha ?? 0.05;
  const tuning = options.tuning ?? DEFAULT_SEQUENTIAL_TUNING;
  const rho = mixtureRho(alpha, tuning);
  const n = control.n + treatment.n;
  const difference = options.difference ?? 'absolute';
  const fixed = compareMoments(control, treatment, {
    difference,
    alpha,
    reference: 'normal',
  });
  const base = { n, tuning, rho };
  if (fixed.effect === null || fixed.se === null || !(fixed.se > 0)) {
    const multiplier = n >= 1 ? confidenceSequenceMultiplier(n, alpha, tuning) : null;
    return {
      ...base,
      multiplier,
      effect: fixed.effect,
      se: fixed.se,
      ci: null,
      pValue: null,
      warnings: fixed.warnings,
    };
  }
  const estimate = effectEstimate(control, treatment, difference);
  const sequence = confidenceSequence(estimate, n, { alpha, tuning });
  return {
    ...base,
    multiplier: sequence.multiplier,
    effect: fixed.effect,
    se: fixed.se,
    ci: sequence.ci,
    pValue: sequence.pValue,
    warnings: [],
  };
}

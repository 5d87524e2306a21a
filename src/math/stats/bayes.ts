/**
 * Bayesian analysis of an A/B effect with a Gaussian prior, as GrowthBook's `EffectBayesianABTest` and
 * Eppo's Bayesian method do: the effect estimate from `effect.ts` (absolute, or relative over |control
 * mean| with the delta-method variance) is treated as one normal observation θ̂ ~ N(θ, v) of the true
 * effect θ, and combined with the prior by the conjugate normal-normal update (Gelman et al., "Bayesian
 * Data Analysis", 3rd ed., §2.5):
 *
 *   precision = 1/v + 1/v₀,   posterior mean = (θ̂/v + m₀/v₀)/precision,   posterior variance = 1/precision.
 *
 * The default prior is improper and flat (1/v₀ = 0): the posterior is N(θ̂, v), so the credible interval
 * equals the normal-reference confidence interval. A proper prior N(m₀, v₀) is stated on the relative
 * (lift) scale unless told otherwise (GrowthBook's default `prior_type`); for an absolute effect it is
 * rescaled to N(m₀·|μ_c|, v₀·μ_c²), and a prior stated in absolute units is rescaled the other way for a
 * relative effect.
 *
 * From the posterior N(μ, σ²):
 * - the credible interval is μ ± z₁₋α/₂·σ (central, normal quantiles);
 * - the chance to win is P(θ > 0) = Φ(μ/σ), or P(θ < 0) for an inverse metric (lower is better);
 * - the risk (expected loss) of shipping control is E[max(θ, 0)] = μΦ(μ/σ) + σφ(μ/σ), what is given up if
 *   treatment is in fact better, and of shipping treatment E[max(−θ, 0)] = −μΦ(−μ/σ) + σφ(μ/σ). These
 *   closed forms equal GrowthBook's P(θ > 0)·E[θ | θ > 0] and P(θ < 0)·E[−θ | θ < 0] but need no
 *   division by a vanishing probability, so they stay exact as σ → 0 (golden vector GB-18). An inverse
 *   metric swaps the two.
 */
import { SightlineError } from '../../errors/index.ts';
import { normalCdf, normalQuantile } from './distributions.ts';
import { compareMoments, type EffectEstimate, effectEstimate } from './effect.ts';
import type { Moments } from './moments.ts';
import type { Difference, Interval, StatWarning } from './result.ts';

/** A proper Gaussian prior N(mean, variance) on the effect. */
export interface GaussianPrior {
  readonly mean: number;
  readonly variance: number;
}

export interface BayesOptions {
  /** Default `absolute`. */
  readonly difference?: Difference;
  /** A proper prior; without one the prior is improper and flat. */
  readonly prior?: GaussianPrior;
  /** The scale `prior` is stated on: `relative` (lift, the default, as GrowthBook) or `absolute`. */
  readonly priorScale?: Difference;
  /** The credible interval has probability 1 − alpha. Default 0.05. */
  readonly alpha?: number;
  /** True when lower values are better (load time, churn): chance to win is P(θ < 0), risks swap. */
  readonly inverse?: boolean;
}

/** Expected loss, in the units of the effect, of shipping each arm. */
export interface Risk {
  readonly control: number;
  readonly treatment: number;
}

export interface BayesianComparison {
  /** The posterior mean of the effect (treatment − control, absolute or relative). */
  readonly effect: number | null;
  /** The posterior standard deviation. */
  readonly sd: number | null;
  /** The central credible interval with probability 1 − alpha. */
  readonly ci: Interval | null;
  /** P(treatment is better). */
  readonly chanceToWin: number | null;
  readonly risk: Risk | null;
  readonly warnings: readonly StatWarning[];
}

/**
 * The normal-normal posterior of an effect estimate θ̂ ~ N(θ, v) under the prior N(m₀, v₀) (on the
 * estimate's own scale), or under the improper flat prior when `prior` is absent.
 */
export function gaussianPosterior(
  estimate: EffectEstimate,
  prior?: GaussianPrior,
): { mean: number; variance: number } {
  if (prior === undefined) return { mean: estimate.effect, variance: estimate.variance };
  const precision = 1 / estimate.variance + 1 / prior.variance;
  return {
    mean: (estimate.effect / estimate.variance + prior.mean / prior.variance) / precision,
    variance: 1 / precision,
  };
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The risks [E[max(θ, 0)], E[max(−θ, 0)]] of shipping control and treatment when θ ~ N(mean, sd²).
 * With sd = 0 the posterior is a point: [max(mean, 0), max(−mean, 0)].
 */
export function gaussianRisk(mean: number, sd: number): Risk {
  if (!(sd > 0)) return { control: Math.max(mean, 0), treatment: Math.max(-mean, 0) };
  const z = mean / sd;
  const density = sd * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  return {
    control: Math.max(0, mean * normalCdf(z) + density),
    treatment: Math.max(0, -mean * normalCdf(-z) + density),
  };
}

/**
 * The Bayesian summary of an effect estimate (from `effect.ts`, a ratio metric or CUPED) with the prior
 * already on the estimate's scale. The estimate's variance must be positive.
 */
export function bayesianFromEstimate(
  estimate: EffectEstimate,
  options: { prior?: GaussianPrior; alpha?: number; inverse?: boolean } = {},
): BayesianComparison {
  const alpha = options.alpha ?? 0.05;
  checkAlpha(alpha);
  if (!(estimate.variance > 0))
    throw new SightlineError('SL_STATS_INPUT_INVALID', 'a Bayesian update needs a positive variance');
  if (options.prior !== undefined) checkPrior(options.prior);
  const posterior = gaussianPosterior(estimate, options.prior);
  const sd = Math.sqrt(posterior.variance);
  const half = normalQuantile(1 - alpha / 2) * sd;
  const pGreater = normalCdf(posterior.mean / sd);
  const risk = gaussianRisk(posterior.mean, sd);
  const inverse = options.inverse ?? false;
  return {
    effect: posterior.mean,
    sd,
    ci: [posterior.mean - half, posterior.mean + half],
    chanceToWin: inverse ? normalCdf(-posterior.mean / sd) : pGreater,
    risk: inverse ? { control: risk.treatment, treatment: risk.control } : risk,
    warnings: [],
  };
}

/**
 * Compares two arms in the Bayesian way: the estimate of `effectEstimate`, the prior rescaled to its
 * difference, and the posterior summary. Degenerate input (an arm under 2 units, a zero control mean with
 * a relative effect or a prior that needs rescaling by it, no variance) gives nulls and a coded warning.
 */
export function bayesianCompare(
  control: Moments,
  treatment: Moments,
  options: BayesOptions = {},
): BayesianComparison {
  const difference = options.difference ?? 'absolute';
  const empty = { effect: null, sd: null, ci: null, chanceToWin: null, risk: null };
  const fixed = compareMoments(control, treatment, { difference, reference: 'normal' });
  if (fixed.warnings.length > 0) return { ...empty, effect: fixed.effect, warnings: fixed.warnings };

  let prior = options.prior;
  const priorScale = options.priorScale ?? 'relative';
  if (prior !== undefined && priorScale !== difference) {
    checkPrior(prior);
    const baseline = Math.abs(control.mean);
    if (baseline === 0) {
      const warning: StatWarning = {
        code: 'SL_STATS_ZERO_BASELINE',
        message:
          'the control mean is 0, so a prior on the relative effect cannot be rescaled to absolute units',
      };
      return { ...empty, warnings: [warning] };
    }
    prior =
      priorScale === 'relative'
        ? { mean: prior.mean * baseline, variance: prior.variance * baseline * baseline }
        : { mean: prior.mean / baseline, variance: prior.variance / (baseline * baseline) };
  }
  return bayesianFromEstimate(effectEstimate(control, treatment, difference), {
    prior,
    alpha: options.alpha,
    inverse: options.inverse,
  });
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1))
    throw new SightlineError('SL_STATS_INPUT_INVALID', `alpha must lie in (0, 1), got ${alpha}`);
}

function checkPrior(prior: GaussianPrior): void {
  if (!Number.isFinite(prior.mean) || !(prior.variance > 0) || !Number.isFinite(prior.variance))
    throw new SightlineError(
      'SL_STATS_INPUT_INVALID',
      `a proper prior needs a finite mean and a positive finite variance, got N(${prior.mean}, ${prior.variance})`,
      { hint: 'omit the prior for the improper flat one' },
    );
}

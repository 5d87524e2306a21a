/**
 * A quantile metric (P90 load time, median order value) reduced to the {@link Moments} shape every
 * comparison takes, as GrowthBook's `QuantileStatistic` does, so the frequentist, sequential and Bayesian
 * tests apply to it unchanged.
 *
 * The warehouse gives, per arm, the sample quantile q̂ of level ν and a 95% confidence interval [L, U] for
 * it from order statistics (the distribution-free interval whose ranks are nν ± z·√(nν(1−ν)), computed over
 * n_star units). Its half-width divided by z is the standard error of q̂; the per-unit variance that makes
 * var/n reproduce it, GrowthBook's convention, is
 *
 *   var = (n_star/n)·(n − 1)·((U − L)/(2·z₀.₉₇₅))².
 *
 * When n is too small for the order-statistic interval to lie inside the sample (n ≤ z²·ν/(1−ν) or
 * n ≤ z²·(1−ν)/ν) the quantile has no usable standard error: the variance is 0, so a comparison reports
 * SL_STATS_ZERO_VARIANCE instead of a number. (GrowthBook also floors the variance at 1e-5 from n = 100;
 * we do not, so a constant metric is reported as such.)
 */
import { SightlineError } from '../../errors/index.ts';
import { normalQuantile } from './distributions.ts';
import type { Moments } from './moments.ts';

/** One arm of a quantile metric as the warehouse summarises it. */
export interface QuantileSummary {
  /** Units (or events) the quantile was computed over. */
  readonly n: number;
  /** The sample size behind the interval bounds; usually n. */
  readonly nStar: number;
  /** The quantile level ν in (0, 1), 0.9 for P90. */
  readonly nu: number;
  /** The sample quantile q̂. */
  readonly quantile: number;
  /** The lower and upper bounds of the 95% interval for the quantile. */
  readonly lower: number;
  readonly upper: number;
}

/** The z of the bounds' 95% interval: Φ⁻¹(0.975). */
const Z_975 = normalQuantile(0.975);

/**
 * The moments of a quantile arm: n, the mean slot holding q̂, and the per-unit variance
 * (n_star/n)(n − 1)((U − L)/(2·z₀.₉₇₅))², or 0 when the arm is too small for its quantile.
 */
export function momentsFromQuantile(summary: QuantileSummary): Moments {
  const { n, nStar, nu, quantile, lower, upper } = summary;
  if (!(nu > 0 && nu < 1))
    throw new SightlineError('SL_STATS_INPUT_INVALID', `a quantile level must lie in (0, 1), got ${nu}`);
  if (!(upper >= lower))
    throw new SightlineError(
      'SL_STATS_INPUT_INVALID',
      `the quantile interval is reversed: lower ${lower} > upper ${upper}`,
    );
  const z2 = Z_975 * Z_975;
  const tooFew = n <= (z2 * nu) / (1 - nu) || n <= (z2 * (1 - nu)) / nu;
  if (n <= 1 || tooFew) return { n, mean: quantile, variance: 0 };
  const se = (upper - lower) / (2 * Z_975);
  return { n, mean: quantile, variance: (nStar / n) * (n - 1) * se * se };
}

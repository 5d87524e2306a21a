/**
 * The sufficient statistics every frequentist and Bayesian comparison starts from, and the variance
 * conventions that everything downstream relies on:
 * - a mean metric's variance is the sample variance with n − 1 (Bessel's correction);
 * - a proportion's variance is p(1 − p), with no n − 1, as GrowthBook and most A/B tools use.
 * Both reduce to one shape, {@link Moments}: the number of units, the mean and the per-unit variance.
 */

/** Sums that summarise one arm of a mean metric (one value per unit, usually per user). */
export interface MeanSums {
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/** One arm of a conversion metric: units and how many of them converted. */
export interface ProportionCounts {
  readonly n: number;
  readonly successes: number;
}

/** An arm reduced to what a two-sample comparison needs. `variance` is per unit, not of the mean. */
export interface Moments {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** Sums of a list of values, in one pass. */
export function meanSums(values: ArrayLike<number>): MeanSums {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    sum += v;
    sumSquares += v * v;
  }
  return { n: values.length, sum, sumSquares };
}

/**
 * Mean and sample variance (n − 1) from sums. With n < 2 the variance is 0 (there is no spread to
 * estimate); a tiny negative result of cancellation is clamped to 0.
 */
export function momentsFromSums({ n, sum, sumSquares }: MeanSums): Moments {
  if (n <= 0) return { n: 0, mean: 0, variance: 0 };
  const mean = sum / n;
  const variance = n < 2 ? 0 : Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
  return { n, mean, variance };
}

/**
 * Mean and sample variance of values by Welford's method, which stays accurate when the mean is large
 * next to the spread (where sums of squares cancel).
 */
export function momentsOf(values: ArrayLike<number>): Moments {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const delta = values[i]! - mean;
    mean += delta / (i + 1);
    m2 += delta * (values[i]! - mean);
  }
  const n = values.length;
  return { n, mean, variance: n < 2 ? 0 : m2 / (n - 1) };
}

/** A proportion's moments: mean p and per-unit variance p(1 − p). */
export function momentsFromProportion({ n, successes }: ProportionCounts): Moments {
  if (n <= 0) return { n: 0, mean: 0, variance: 0 };
  const p = successes / n;
  return { n, mean: p, variance: p * (1 - p) };
}

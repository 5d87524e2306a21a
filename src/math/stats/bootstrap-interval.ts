/**
 * Intervals and p-values read off a bootstrap distribution: the percentile interval, Efron's
 * bias-corrected and accelerated (BCa) interval, and a p-value by inverting the percentile interval.
 * They take replicates however they were drawn (classical, Poisson or stratified resampling), so the
 * same code serves every bootstrap in this folder and can be checked against scipy on scipy's own
 * replicates.
 *
 * Conventions, as `scipy.stats.bootstrap` (scipy 1.17):
 * - quantiles of the replicates by linear interpolation between order statistics (Hyndman & Fan
 *   type 7, numpy's and scipy's default `linear`);
 * - BCa follows Efron & Tibshirani, "An Introduction to the Bootstrap" (1993), §14.3 and eq. 14.15:
 *   z0 = Φ⁻¹(proportion of replicates below the estimate, ties counted half), acceleration from the
 *   jackknife, eq. 15.36 summed over samples for a statistic of several independent samples.
 * - `alpha` is the significance level: two-sided intervals put alpha/2 in each tail, one-sided ones
 *   put alpha in the tested tail and are unbounded on the other side.
 */
import { normalCdf, normalQuantile } from './distributions.ts';
import type { Alternative, Interval } from './result.ts';

/** The replicates sorted ascending, in a new array (the input is not touched). */
export function sortedCopy(replicates: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(replicates);
  sorted.sort();
  return sorted;
}

/**
 * The p-quantile of ascending values by linear interpolation: h = (n − 1)p, then
 * x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]) (Hyndman & Fan 1996, definition 7).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantileSorted: no values');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileSorted: p must lie in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1]!;
  const below = sorted[lo]!;
  return below + (h - lo) * (sorted[lo + 1]! - below);
}

/** The quantile levels an interval at significance `alpha` reads, before any BCa adjustment. */
function nominalLevels(alpha: number, alternative: Alternative): [number, number] {
  const tail = alternative === 'two-sided' ? alpha / 2 : alpha;
  return [tail, 1 - tail];
}

/** Opens the untested side of a one-sided interval. */
function sided(lo: number, hi: number, alternative: Alternative): Interval {
  if (alternative === 'greater') return [lo, Number.POSITIVE_INFINITY];
  if (alternative === 'less') return [Number.NEGATIVE_INFINITY, hi];
  return [lo, hi];
}

/**
 * The percentile interval: the alpha/2 and 1 − alpha/2 quantiles of the replicates (two-sided), or the
 * alpha (or 1 − alpha) quantile as the one bound of a one-sided interval. `sorted` must be ascending.
 */
export function percentileInterval(
  sorted: ArrayLike<number>,
  alpha: number,
  alternative: Alternative,
): Interval {
  const [a1, a2] = nominalLevels(alpha, alternative);
  return sided(quantileSorted(sorted, a1), quantileSorted(sorted, a2), alternative);
}

/**
 * The jackknife acceleration of a statistic of one or more independent samples: for sample j with
 * leave-one-out values θ₍ᵢ₎ and their mean θ₍·₎, U = (n_j − 1)(θ₍·₎ − θ₍ᵢ₎), and
 * a = Σ_j ΣU³/n_j³ / (6 (Σ_j ΣU²/n_j²)^{3/2}) (Efron & Tibshirani eq. 15.36; scipy's multi-sample sum).
 * Returns null when every leave-one-out value is the same (the acceleration is 0/0).
 */
export function jackknifeAcceleration(jackknife: readonly Float64Array[]): number | null {
  let num = 0;
  let den = 0;
  for (const values of jackknife) {
    const n = values.length;
    if (n === 0) continue;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += values[i]!;
    mean /= n;
    let cubes = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const u = (n - 1) * (mean - values[i]!);
      squares += u * u;
      cubes += u * u * u;
    }
    num += cubes / (n * n * n);
    den += squares / (n * n);
  }
  if (!(den > 0)) return null;
  return num / (6 * den ** 1.5);
}

/**
 * The bias correction z0 = Φ⁻¹(p̂) with p̂ = (#{θ* < θ̂} + #{θ* ≤ θ̂}) / 2B, ties counted half as in
 * scipy's `_percentile_of_score`. Null when the estimate lies outside every replicate (p̂ is 0 or 1).
 */
export function biasCorrection(estimate: number, replicates: ArrayLike<number>): number | null {
  let below = 0;
  let atOrBelow = 0;
  for (let i = 0; i < replicates.length; i++) {
    const r = replicates[i]!;
    if (r < estimate) below++;
    if (r <= estimate) atOrBelow++;
  }
  const p = (below + atOrBelow) / (2 * replicates.length);
  if (!(p > 0 && p < 1)) return null;
  return normalQuantile(p);
}

export interface BcaInterval {
  readonly ci: Interval;
  /** The bias correction z0. */
  readonly z0: number;
  /** The jackknife acceleration a. */
  readonly acceleration: number;
  /** The quantile levels the interval was read at: Φ(z0 + (z0 + z_α)/(1 − a(z0 + z_α))). */
  readonly levels: readonly [number, number];
}

/**
 * The BCa interval from an estimate, its bootstrap replicates (ascending) and its jackknife values
 * (one array of leave-one-out statistics per sample). Null when BCa is undefined: the estimate lies
 * outside all replicates, or the jackknife values do not vary (a degenerate statistic).
 */
export function bcaInterval(
  estimate: number,
  sorted: ArrayLike<number>,
  jackknife: readonly Float64Array[],
  alpha: number,
  alternative: Alternative,
): BcaInterval | null {
  const z0 = biasCorrection(estimate, sorted);
  const acceleration = jackknifeAcceleration(jackknife);
  if (z0 === null || acceleration === null) return null;
  const [a1, a2] = nominalLevels(alpha, alternative);
  const adjust = (level: number): number => {
    const z = z0 + normalQuantile(level);
    return normalCdf(z0 + z / (1 - acceleration * z));
  };
  const levels = [adjust(a1), adjust(a2)] as const;
  if (!(levels[0] >= 0 && levels[1] <= 1)) return null;
  return {
    ci: sided(quantileSorted(sorted, levels[0]), quantileSorted(sorted, levels[1]), alternative),
    z0,
    acceleration,
    levels,
  };
}

/**
 * A p-value for H0: statistic = `nullValue`, by inverting the percentile interval: the smallest alpha
 * at which the interval excludes the null value. With counts below and above it, the one-sided
 * p-values are (1 + #{θ* ≤ null})/(B + 1) and (1 + #{θ* ≥ null})/(B + 1) (Davison & Hinkley 1997,
 * eq. 4.11: the +1 keeps a finite number of replicates from reporting p = 0); two-sided doubles the
 * smaller, capped at 1.
 */
export function bootstrapPValue(
  replicates: ArrayLike<number>,
  nullValue: number,
  alternative: Alternative,
): number {
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (let i = 0; i < replicates.length; i++) {
    const r = replicates[i]!;
    if (r <= nullValue) atOrBelow++;
    if (r >= nullValue) atOrAbove++;
  }
  const b = replicates.length;
  const lower = (1 + atOrBelow) / (b + 1);
  const upper = (1 + atOrAbove) / (b + 1);
  // 'greater' says treatment − control > null: evidence is replicates above it, so p counts those below.
  if (alternative === 'greater') return lower;
  if (alternative === 'less') return upper;
  return Math.min(1, 2 * Math.min(lower, upper));
}

/** The standard deviation of the replicates with n − 1 (scipy's `standard_error`). */
export function replicateStandardError(replicates: ArrayLike<number>): number {
  const n = replicates.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += replicates[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = replicates[i]! - mean;
    ss += d * d;
  }
  return n < 2 ? 0 : Math.sqrt(ss / (n - 1));
}

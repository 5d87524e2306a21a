/**
 * Classical decomposition by moving averages and the autocorrelation test for seasonality, the two
 * pieces that Naive2 and Theta share (M4 competition benchmarks; R's `stats::decompose` and
 * `forecast::thetaf`).
 */

/**
 * The sample autocorrelation at lag k: Σ_{t<n-k} (y_t − ȳ)(y_{t+k} − ȳ) / Σ (y_t − ȳ)², the biased
 * estimator that R's `acf` and M4's benchmark code use (Brockwell & Davis 2016, §1.4). 0 for a constant
 * series (no variation to correlate).
 */
export function autocorrelation(y: ArrayLike<number>, k: number): number {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let denominator = 0;
  for (let i = 0; i < n; i++) denominator += (y[i]! - mean) ** 2;
  if (denominator === 0) return 0;
  let numerator = 0;
  for (let i = 0; i + k < n; i++) numerator += (y[i]! - mean) * (y[i + k]! - mean);
  return numerator / denominator;
}

export interface SeasonalityTestOptions {
  /**
   * The shortest series tested, in whole cycles: M4's `SeasonalityTest` needs n ≥ 3m (the default),
   * `forecast::thetaf` n > 2m (give 2 and `strict: true`).
   */
  readonly minCycles?: number;
  /** Require n > minCycles·m rather than n ≥ minCycles·m. */
  readonly strict?: boolean;
}

/**
 * Whether a series is seasonal with period m by the 90% one-sided test of M4's benchmarks: |r_m| exceeds
 * 1.645·sqrt((1 + 2 Σ_{k=1}^{m-1} r_k²) / n), Bartlett's standard error of r_m under an MA(m−1) null.
 * False for m < 2, a constant series or one shorter than the minimum.
 *
 * M4's R code (`SeasonalityTest` in Benchmarks.R) and `thetaf` compute exactly this; its Python port
 * adds r_1 unsquared, a slip not followed here. R's `acf` stops at lag 10·log10(n), which makes the test
 * silently false for long periods on short series (168 on 1,000 points); the lag m is always computed
 * here.
 */
export function seasonalityTest(
  y: ArrayLike<number>,
  m: number,
  options: SeasonalityTestOptions = {},
): boolean {
  const n = y.length;
  const minCycles = options.minCycles ?? 3;
  if (m < 2) return false;
  if (options.strict ? n <= minCycles * m : n < minCycles * m) return false;
  let sumSquares = 0;
  for (let k = 1; k < m; k++) sumSquares += autocorrelation(y, k) ** 2;
  const rm = autocorrelation(y, m);
  if (rm === 0) return false;
  const limit = 1.6448536269514722 * Math.sqrt((1 + 2 * sumSquares) / n);
  return Math.abs(rm) > limit;
}

export type DecompositionType = 'additive' | 'multiplicative';

export interface ClassicalDecomposition {
  readonly type: DecompositionType;
  readonly period: number;
  /** The centred moving average, NaN for the first and last ⌊m/2⌋ points where it is undefined. */
  readonly trend: Float64Array;
  /** The seasonal component repeated over the series, aligned with its first point. */
  readonly seasonal: Float64Array;
  /** One index per position in the cycle (position 0 is the series' first point): they average 1 (multiplicative) or 0 (additive). */
  readonly figure: Float64Array;
  /** y − trend − seasonal, or y / (trend · seasonal); NaN where the trend is. */
  readonly remainder: Float64Array;
}

/**
 * Classical decomposition as R's `stats::decompose` (Kendall & Stuart 1983; FPP3 §3.4): a centred moving
 * average of order m (2×m when m is even) for the trend, the detrended values averaged by position in
 * the cycle, then centred to mean 1 (multiplicative) or 0 (additive). Needs n ≥ 2m; a shorter series
 * gives a flat seasonal component (all 1 or 0), which callers avoid by testing first.
 */
export function classicalDecomposition(
  y: ArrayLike<number>,
  m: number,
  type: DecompositionType = 'multiplicative',
): ClassicalDecomposition {
  const n = y.length;
  const multiplicative = type === 'multiplicative';
  const trend = new Float64Array(n).fill(Number.NaN);
  const figure = new Float64Array(Math.max(m, 1)).fill(multiplicative ? 1 : 0);
  const seasonal = new Float64Array(n).fill(multiplicative ? 1 : 0);
  const remainder = new Float64Array(n).fill(Number.NaN);
  if (m < 2 || n < 2 * m) return { type, period: m, trend, seasonal, figure, remainder };

  // Even m: weights (½, 1, …, 1, ½)/m over m+1 points, as `filter(x, c(0.5, rep(1, m-1), 0.5)/m)`.
  const even = m % 2 === 0;
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let sum = 0;
    if (even) {
      sum = 0.5 * (y[t - half]! + y[t + half]!);
      for (let j = -half + 1; j < half; j++) sum += y[t + j]!;
    } else {
      for (let j = -half; j <= half; j++) sum += y[t + j]!;
    }
    trend[t] = sum / m;
  }

  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = half; t < n - half; t++) {
    const detrended = multiplicative ? y[t]! / trend[t]! : y[t]! - trend[t]!;
    if (!Number.isFinite(detrended)) continue;
    sums[t % m]! += detrended;
    counts[t % m]!++;
  }
  let average = 0;
  for (let i = 0; i < m; i++) {
    figure[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : multiplicative ? 1 : 0;
    average += figure[i]!;
  }
  average /= m;
  for (let i = 0; i < m; i++) figure[i] = multiplicative ? figure[i]! / average : figure[i]! - average;
  for (let t = 0; t < n; t++) {
    seasonal[t] = figure[t % m]!;
    remainder[t] = multiplicative ? y[t]! / (trend[t]! * seasonal[t]!) : y[t]! - trend[t]! - seasonal[t]!;
  }
  return { type, period: m, trend, seasonal, figure, remainder };
}

/**
 * The seasonal indices for the `horizon` steps after a series of length n: the cycle continued from
 * the series' last full cycle, as M4's `SIout` and thetaf's `rep(tail(seasonal, m), …)`.
 */
export function seasonalIndicesAhead(figure: Float64Array, n: number, horizon: number): Float64Array {
  const m = figure.length;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = figure[(n + h) % m]!;
  return out;
}

export interface SeasonalAdjustment {
  /** The series divided by its seasonal indices (the series itself when not seasonal). */
  readonly adjusted: Float64Array;
  /** The indices by position (period m), or null when the series was not adjusted. */
  readonly figure: Float64Array | null;
  readonly period: number;
}

/**
 * The M4 benchmarks' preprocessing: when the 90% seasonality test passes at period m, divide the series
 * by its classical multiplicative seasonal indices; otherwise leave it alone. Indices at or near zero
 * (|s| < 1e-4, thetaf's guard; a series with zeros or sign changes) leave the series unadjusted too,
 * and so does a non-positive series, where multiplicative indices have no meaning.
 */
export function multiplicativeAdjustment(
  y: Float64Array,
  m: number,
  options: SeasonalityTestOptions = {},
): SeasonalAdjustment {
  const notAdjusted = { adjusted: y, figure: null, period: m };
  if (!seasonalityTest(y, m, options)) return notAdjusted;
  for (let i = 0; i < y.length; i++) if (!(y[i]! > 0)) return notAdjusted;
  const { figure, seasonal } = classicalDecomposition(y, m, 'multiplicative');
  for (let i = 0; i < m; i++) if (!(Math.abs(figure[i]!) >= 1e-4)) return notAdjusted;
  const adjusted = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) adjusted[t] = y[t]! / seasonal[t]!;
  return { adjusted, figure, period: m };
}

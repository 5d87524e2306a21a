/**
 * Starting values of the states for the likelihood search: R's `forecast:::initstate` (Hyndman et al.
 * 2008, §2.6.1, with the refinements of the forecast package). The seasons come from a classical
 * decomposition when there are three full seasons (R's `decompose`), else from a regression on a trend
 * and one Fourier pair; the level and slope from a straight line through the first max(10, 2m)
 * seasonally adjusted points. The values are only a start: they are optimised jointly with the weights.
 */
import type { EtsSeason, EtsTrend } from './form.ts';

/**
 * [l0, b0?, s1..s_{m−1}] as R's `initstate` returns it: the last season is left out because it is
 * implied (the seasons sum to 0, or to m when multiplicative; see `completeSeasons`).
 */
export function initialState(y: Float64Array, period: number, trend: EtsTrend, season: EtsSeason): number[] {
  const n = y.length;
  const m = season === 'N' ? 1 : period;
  let seasons: number[] = [];
  let adjusted = y;
  if (season !== 'N') {
    const seasonal = n < 3 * m ? fourierDetrended(y, m, season) : classicalSeasonal(y, m, season);
    // R keeps seasonal[m], seasonal[m−1], ..., seasonal[2]: s1 is the season just before the series.
    for (let j = m - 1; j >= 1; j--) seasons.push(seasonal[j]!);
    adjusted = new Float64Array(n);
    if (season === 'A') {
      for (let i = 0; i < n; i++) adjusted[i] = y[i]! - seasonal[i]!;
    } else {
      seasons = seasons.map((s) => Math.max(s, 0.01));
      const sum = seasons.reduce((a, b) => a + b, 0);
      if (sum > m) {
        const denominator = sum + 0.01 * seasons.length;
        seasons = seasons.map((s) => s / denominator);
      }
      for (let i = 0; i < n; i++) adjusted[i] = y[i]! / Math.max(seasonal[i]!, 0.01);
    }
  }
  const maxn = Math.min(Math.max(10, 2 * m), n);
  if (trend === 'N') {
    let sum = 0;
    for (let i = 0; i < maxn; i++) sum += adjusted[i]!;
    return [sum / maxn, ...seasons];
  }
  const [intercept, slope] = lineFit(adjusted, maxn);
  let l0 = intercept;
  let b0 = slope;
  if (Math.abs(l0 + b0) < 1e-8) {
    l0 *= 1 + 0.001;
    b0 *= 1 - 0.001;
  }
  return [l0, b0, ...seasons];
}

/** The full initial seasons s1..sm from the m − 1 free ones: sm makes them sum to 0 (additive) or m. */
export function completeSeasons(free: ArrayLike<number>, m: number, season: EtsSeason): number {
  let sum = 0;
  for (let j = 0; j < free.length; j++) sum += free[j]!;
  return (season === 'M' ? m : 0) - sum;
}

/** Least-squares intercept and slope of y[0..k) on t = 1..k (R's `lsfit(1:k, y)`). */
function lineFit(y: ArrayLike<number>, k: number): [number, number] {
  const tMean = (k + 1) / 2;
  let yMean = 0;
  for (let i = 0; i < k; i++) yMean += y[i]!;
  yMean /= k;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < k; i++) {
    const dt = i + 1 - tMean;
    sxy += dt * (y[i]! - yMean);
    sxx += dt * dt;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return [yMean - slope * tMean, slope];
}

/**
 * The seasonal component of R's `decompose` (Kendall & Stuart's classical decomposition): a centred
 * moving average of order m (2×m when m is even) as the trend, the detrended values averaged by phase
 * (every point where the average is defined, the last partial period too), centred to sum 0 (additive) or average 1 (multiplicative), repeated.
 */
export function classicalSeasonal(y: Float64Array, m: number, season: EtsSeason): Float64Array {
  const n = y.length;
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = half; t < n - half; t++) {
    let trend = 0;
    for (let j = -half; j <= half; j++) {
      const w = even && (j === -half || j === half) ? 0.5 : 1;
      trend += w * y[t + j]!;
    }
    trend /= m;
    sums[t % m]! += season === 'M' ? y[t]! / trend : y[t]! - trend;
    counts[t % m]! += 1;
  }
  const figure = new Float64Array(m);
  let mean = 0;
  for (let i = 0; i < m; i++) {
    figure[i] = sums[i]! / counts[i]!;
    mean += figure[i]! / m;
  }
  for (let i = 0; i < m; i++) figure[i] = season === 'M' ? figure[i]! / mean : figure[i]! - mean;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = figure[t % m]!;
  return out;
}

/**
 * R's start for fewer than three seasons: y regressed on an intercept, t = 1..n and one Fourier pair
 * (only the cosine when m = 2, where the sine vanishes); the "seasonal" values are y less (or over)
 * the fitted line a + b·t.
 */
function fourierDetrended(y: Float64Array, m: number, season: EtsSeason): Float64Array {
  const n = y.length;
  const k = m === 2 ? 3 : 4;
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const t = i + 1;
    row[0] = 1;
    row[1] = t;
    row[2] = Math.cos((2 * Math.PI * t) / m);
    if (k === 4) row[3] = Math.sin((2 * Math.PI * t) / m);
    for (let a = 0; a < k; a++) {
      xty[a]! += row[a]! * y[i]!;
      for (let b = 0; b < k; b++) xtx[a * k + b]! += row[a]! * row[b]!;
    }
  }
  const beta = solveSymmetric(xtx, xty, k);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const line = beta[0]! + beta[1]! * (i + 1);
    out[i] = season === 'M' ? y[i]! / line : y[i]! - line;
  }
  return out;
}

/** Gaussian elimination with partial pivoting on a small k×k system (k ≤ 4 here). */
function solveSymmetric(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const x = Float64Array.from(b);
  const m = Float64Array.from(a);
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]!) > Math.abs(m[pivot * k + c]!)) pivot = r;
    if (pivot !== c) {
      for (let j = 0; j < k; j++) [m[c * k + j], m[pivot * k + j]] = [m[pivot * k + j]!, m[c * k + j]!];
      [x[c], x[pivot]] = [x[pivot]!, x[c]!];
    }
    const d = m[c * k + c]!;
    if (d === 0) continue;
    for (let r = c + 1; r < k; r++) {
      const f = m[r * k + c]! / d;
      for (let j = c; j < k; j++) m[r * k + j]! -= f * m[c * k + j]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let c = k - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let j = c + 1; j < k; j++) s -= m[c * k + j]! * x[j]!;
    const d = m[c * k + c]!;
    x[c] = d === 0 ? 0 : s / d;
  }
  return x;
}

/**
 * How many differences a series needs: the KPSS test for the regular difference (Kwiatkowski,
 * Phillips, Schmidt & Shin 1992) repeated as `forecast::ndiffs` does, and the seasonal-strength
 * heuristic for the seasonal difference (`forecast::nsdiffs` with test "seas", Wang, Smith & Hyndman
 * 2006). R measures seasonal strength on an STL decomposition; this uses a classical moving-average
 * decomposition (Hyndman & Athanasopoulos, FPP3 section 3.4), whose seasonal component is fixed
 * rather than slowly varying, so strengths near the 0.64 threshold can fall the other way.
 */

/** Exact equality of every value with the first (forecast's `is.constant`). */
export function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/**
 * The KPSS level-stationarity statistic: sum of squared partial sums of the demeaned series over
 * n^2 times the Newey-West long-run variance with Bartlett weights and `lags` lags (urca's
 * `ur.kpss(type = "mu")`; forecast uses lags = trunc(3 sqrt(n) / 13)).
 */
export function kpssStatistic(
  x: ArrayLike<number>,
  lags = Math.trunc((3 * Math.sqrt(x.length)) / 13),
): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const e = Float64Array.from({ length: n }, (_, i) => x[i]! - mean);
  let s = 0;
  let eta = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    s += e[i]!;
    eta += s * s;
    s2 += e[i]! * e[i]!;
  }
  eta /= n * n;
  s2 /= n;
  for (let l = 1; l <= lags; l++) {
    let c = 0;
    for (let t = l; t < n; t++) c += e[t]! * e[t - l]!;
    s2 += (2 / n) * (1 - l / (lags + 1)) * c;
  }
  return eta / s2;
}

/** KPSS critical value at 5% for the level case (Kwiatkowski et al. 1992, table 1; urca's `cval`). */
const KPSS_CRITICAL_5 = 0.463;

/**
 * The number of first differences (0 to maxD) after which KPSS no longer rejects level stationarity at
 * 5% (forecast's `ndiffs` defaults). urca interpolates a p-value in its table and forecast compares it
 * with 0.05, which is the same as comparing the statistic with the 5% critical value.
 */
export function ndiffs(x: Float64Array, maxD = 2): number {
  let d = 0;
  let w = x;
  if (isConstant(w)) return 0;
  let reject = kpssStatistic(w) > KPSS_CRITICAL_5;
  while (reject && d < maxD) {
    d++;
    w = w.subarray(1).map((v, t) => v - w[t]!);
    if (isConstant(w)) return d;
    reject = kpssStatistic(w) > KPSS_CRITICAL_5;
  }
  return d;
}

/**
 * Strength of seasonality max(0, min(1, 1 - var(R) / var(S + R))) (Wang, Smith & Hyndman 2006) on a
 * classical decomposition: the trend is the centred moving average of order m (2 x m for even m), the
 * seasonal component the centred mean of the detrended values at each position in the season.
 */
export function seasonalStrength(x: Float64Array, m: number): number {
  const n = x.length;
  const half = Math.floor(m / 2);
  const trend = new Float64Array(n).fill(Number.NaN);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 0) {
      for (let k = -half + 1; k < half; k++) s += x[t + k]!;
      s += 0.5 * (x[t - half]! + x[t + half]!);
    } else {
      for (let k = -half; k <= half; k++) s += x[t + k]!;
    }
    trend[t] = s / m;
  }
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(trend[t]!)) continue;
    sums[t % m]! += x[t]! - trend[t]!;
    counts[t % m]! += 1;
  }
  const seasonal = Float64Array.from(sums, (s, i) => (counts[i]! > 0 ? s / counts[i]! : 0));
  let avg = 0;
  for (let i = 0; i < m; i++) avg += seasonal[i]!;
  avg /= m;
  const rem: number[] = [];
  const seasRem: number[] = [];
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(trend[t]!)) continue;
    const s = seasonal[t % m]! - avg;
    const r = x[t]! - trend[t]! - s;
    rem.push(r);
    seasRem.push(r + s);
  }
  const vr = variance(rem);
  const vsr = variance(seasRem);
  if (!(vsr > 0)) return 0;
  return Math.max(0, Math.min(1, 1 - vr / vsr));
}

function variance(v: readonly number[]): number {
  const n = v.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let s = 0;
  for (const x of v) s += (x - mean) * (x - mean);
  return s / (n - 1);
}

/** Seasonal differences (0 or 1) by strength of seasonality above 0.64 (forecast's `nsdiffs`, test "seas"). */
export function nsdiffs(x: Float64Array, m: number, maxD = 1): number {
  if (isConstant(x) || m < 2 || m >= x.length) return 0;
  let D = 0;
  let w = x;
  let diff = seasonalStrength(w, m) > 0.64;
  while (diff && D < maxD) {
    D++;
    w = w.subarray(m).map((v, t) => v - w[t]!);
    if (isConstant(w)) return D;
    diff = w.length >= 2 * m && D < maxD ? seasonalStrength(w, m) > 0.64 : false;
  }
  return D;
}

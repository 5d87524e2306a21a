/**
 * STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae & Terpenning 1990), as R's
 * `stats::stl` runs it: the inner loop (detrend, smooth each cycle-subseries with loess and
 * extrapolate it one cycle each way, remove the low-pass filter of that from it, deseasonalise, smooth
 * the trend with loess) repeated `inner` times, inside an outer loop of `outer` passes that downweights
 * large remainders with bisquare weights (robust = true). Defaults are R's, so the same arguments give
 * R's numbers (checked to 1e-9 on nottem, co2, log AirPassengers and an hourly NAB series in stl.test.ts).
 */
import { loessAt, loessSmooth, span } from './loess.ts';

export interface StlOptions {
  /** The seasonal period in steps, at least 2; the series must be longer than two periods. */
  readonly period: number;
  /**
   * The loess window of the cycle-subseries smoother in cycles (odd, at least 3; even is made odd), or
   * 'periodic' for a seasonal pattern that is the same every cycle (R's s.window = "periodic").
   */
  readonly seasonalWindow: number | 'periodic';
  /** Local degree of the seasonal smoother, 0 or 1 (R's default 0). */
  readonly seasonalDegree?: number;
  /** Trend loess window; R's default nextodd(ceil(1.5 period / (1 - 1.5 / seasonalWindow))). */
  readonly trendWindow?: number;
  /** Local degree of the trend smoother (default 1). */
  readonly trendDegree?: number;
  /** Window of the low-pass loess (default nextodd(period)). */
  readonly lowPassWindow?: number;
  /** Local degree of the low-pass loess (default trendDegree). */
  readonly lowPassDegree?: number;
  /** Evaluate each smoother at every jump-th point and interpolate (defaults ceil(window / 10), as R). */
  readonly seasonalJump?: number;
  readonly trendJump?: number;
  readonly lowPassJump?: number;
  /** Bisquare robustness weights from an outer loop (default false). */
  readonly robust?: boolean;
  /** Passes of the inner loop (default 2, or 1 when robust). */
  readonly inner?: number;
  /** Passes of the outer (robustness) loop (default 0, or 15 when robust). */
  readonly outer?: number;
}

export interface StlDecomposition {
  readonly seasonal: Float64Array;
  readonly trend: Float64Array;
  /** y - seasonal - trend. */
  readonly remainder: Float64Array;
  /** The final robustness weights (all 1 without an outer loop). */
  readonly weights: Float64Array;
}

/** The smallest odd integer at least round(x), R's `nextodd` inside `stl`. */
export function nextOdd(x: number): number {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
}

/** The settings R's `stl` passes to its Fortran for these options (windows made odd and at least 3). */
export function resolveStlOptions(n: number, options: StlOptions) {
  const period = options.period;
  const periodic = options.seasonalWindow === 'periodic';
  const sWindow = periodic ? 10 * n + 1 : (options.seasonalWindow as number);
  const sDegree = periodic ? 0 : (options.seasonalDegree ?? 0);
  const tWindow = options.trendWindow ?? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / sWindow)));
  const tDegree = options.trendDegree ?? 1;
  const lWindow = options.lowPassWindow ?? nextOdd(period);
  const lDegree = options.lowPassDegree ?? tDegree;
  const robust = options.robust ?? false;
  const odd3 = (w: number) => {
    const v = Math.max(3, Math.trunc(w));
    return v % 2 === 0 ? v + 1 : v;
  };
  return {
    period: Math.max(2, period),
    periodic,
    sWindow: odd3(sWindow),
    sDegree,
    tWindow: odd3(tWindow),
    tDegree,
    lWindow: odd3(lWindow),
    lDegree,
    // The jumps come from the windows as given, before they are made odd (R computes them in R).
    sJump: options.seasonalJump ?? Math.ceil(sWindow / 10),
    tJump: options.trendJump ?? Math.ceil(tWindow / 10),
    lJump: options.lowPassJump ?? Math.ceil(lWindow / 10),
    inner: options.inner ?? (robust ? 1 : 2),
    outer: options.outer ?? (robust ? 15 : 0),
  };
}

/**
 * The STL decomposition of `y` (finite, longer than two periods; a shorter one is a caller error,
 * as in R). Returns seasonal, trend, remainder and the robustness weights.
 */
export function stl(y: Float64Array, options: StlOptions): StlDecomposition {
  const n = y.length;
  const s = resolveStlOptions(n, options);
  const np = s.period;
  if (!Number.isInteger(np) || n <= 2 * np) {
    throw new RangeError(
      `stl needs an integer period and more than two periods of data (n=${n}, period=${np})`,
    );
  }
  const m = n + 2 * np;
  const season = new Float64Array(n);
  const trend = new Float64Array(n);
  const rw = new Float64Array(n);
  const detrended = new Float64Array(m);
  const cycle = new Float64Array(m); // the cycle-subseries smooths, one cycle beyond each end
  const work3 = new Float64Array(m);
  const work4 = new Float64Array(m);
  const scratch = new Float64Array(m + 2);
  const rwSpan = span(rw);
  let userw = false;

  for (let k = 0; ; k++) {
    for (let pass = 0; pass < s.inner; pass++) {
      for (let i = 0; i < n; i++) detrended[i] = y[i]! - trend[i]!;
      cycleSubseries(detrended, n, np, s.sWindow, s.sDegree, s.sJump, userw ? rw : null, cycle, scratch);
      lowPassFilter(cycle, m, np, work3, work4);
      // Low-pass loess of the filtered cycle into detrended[0..n) (free again at this point).
      loessSmooth(span(work3), n, s.lWindow, s.lDegree, s.lJump, null, span(detrended), scratch);
      for (let i = 0; i < n; i++) season[i] = cycle[np + i]! - detrended[i]!;
      for (let i = 0; i < n; i++) detrended[i] = y[i]! - season[i]!;
      loessSmooth(
        span(detrended),
        n,
        s.tWindow,
        s.tDegree,
        s.tJump,
        userw ? rwSpan : null,
        span(trend),
        scratch,
      );
    }
    if (k >= s.outer) break;
    robustnessWeights(y, season, trend, rw, work3);
    userw = true;
  }
  if (s.outer <= 0) rw.fill(1);

  if (s.periodic) {
    // R makes the periodic seasonal exactly periodic: each cycle position gets the mean of its values.
    for (let j = 0; j < np; j++) {
      let sum = 0;
      let count = 0;
      for (let i = j; i < n; i += np) {
        sum += season[i]!;
        count++;
      }
      const mean = sum / count;
      for (let i = j; i < n; i += np) season[i] = mean;
    }
  }
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = y[i]! - season[i]! - trend[i]!;
  return { seasonal: season, trend, remainder, weights: rw };
}

/**
 * The Fortran's `stlss`: loess of each cycle-subseries of `y` (positions j, j + np, ...) with the
 * seasonal window, plus its extrapolation to one cycle before and one after, written to `out`
 * (length n + 2 np: out[(i - 1) np + j - 1] is subseries value i of position j, i = 1..k+2).
 */
function cycleSubseries(
  y: Float64Array,
  n: number,
  np: number,
  ns: number,
  degree: number,
  jump: number,
  rw: Float64Array | null,
  out: Float64Array,
  w: Float64Array,
): void {
  for (let j = 1; j <= np; j++) {
    const k = Math.trunc((n - j) / np) + 1;
    const ySpan = span(y, j - 1, np);
    const rwSpan = rw === null ? null : span(rw, j - 1, np);
    // Smoothed values go to subseries positions 2..k+1 of out.
    loessSmooth(ySpan, k, ns, degree, jump, rwSpan, span(out, j - 1 + np, np), w);
    const first = loessAt(ySpan, k, ns, degree, 0, 1, Math.min(ns, k), w, rwSpan);
    out[j - 1] = Number.isNaN(first) ? out[j - 1 + np]! : first;
    const last = loessAt(ySpan, k, ns, degree, k + 1, Math.max(1, k - ns + 1), k, w, rwSpan);
    out[j - 1 + (k + 1) * np] = Number.isNaN(last) ? out[j - 1 + k * np]! : last;
  }
}

/** Moving average of length len over x[0..n), written to out[0..n-len+1) (the Fortran's running sum). */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  const count = n - len + 1;
  let v = 0;
  for (let i = 0; i < len; i++) v += x[i]!;
  out[0] = v / len;
  for (let j = 1, k = len, m = 0; j < count; j++, k++, m++) {
    v = v - x[m]! + x[k]!;
    out[j] = v / len;
  }
}

/** The low-pass filter of the paper: moving averages of lengths np, np and 3 (n + 2 np -> n values). */
function lowPassFilter(x: Float64Array, m: number, np: number, out: Float64Array, work: Float64Array): void {
  movingAverage(x, m, np, out);
  movingAverage(out, m - np + 1, np, work);
  movingAverage(work, m - 2 * np + 2, 3, out);
}

/**
 * Bisquare robustness weights (the Fortran's `stlrwt`): r = |y - trend - season|, h = 6 median(r)
 * (the two middle order statistics averaged, as the Fortran), weight (1 - (r / h)^2)^2, 1 below
 * 0.001 h and 0 above 0.999 h.
 */
function robustnessWeights(
  y: Float64Array,
  season: Float64Array,
  trend: Float64Array,
  rw: Float64Array,
  scratch: Float64Array,
): void {
  const n = y.length;
  const r = scratch.subarray(0, n);
  for (let i = 0; i < n; i++) r[i] = Math.abs(y[i]! - season[i]! - trend[i]!);
  r.sort();
  const mid1 = Math.trunc(n / 2) + 1;
  const mid2 = n - mid1 + 1;
  const cmad = 3 * (r[mid1 - 1]! + r[mid2 - 1]!);
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  for (let i = 0; i < n; i++) {
    const ri = Math.abs(y[i]! - season[i]! - trend[i]!);
    if (ri <= c1) rw[i] = 1;
    else if (ri <= c9) {
      const q = ri / cmad;
      rw[i] = (1 - q * q) * (1 - q * q);
    } else rw[i] = 0;
  }
}

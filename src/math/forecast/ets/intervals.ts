/**
 * Forecast distributions of a fitted ETS model (Hyndman et al. 2008, ch. 6).
 *
 * - Class 1 (additive error, no multiplicative part: ANN, AAN, AAdN, ANA, AAA, AAdA): exact Gaussian,
 *   v_h = σ²(1 + Σ_{j<h} c_j²) with c_j = α + β·φ_j + γ·[j ≡ 0 mod m], φ_j = φ + … + φ^j (table 6.2).
 * - Class 2 (the same with multiplicative error): the mean is class 1's, the variance the recursion of
 *   §6.3: θ_1 = μ_1², θ_h = μ_h² + σ² Σ_{j<h} c_j² θ_{h−j}, v_h = (1 + σ²)θ_h − μ_h².
 * - Everything else (multiplicative seasons): quantiles of simulated sample paths from the final state.
 *
 * R's `class1` puts γ in the third row of G whatever the trend, which for ANA and MNA is the second
 * season instead of the first: its c_j carries γ at j ≡ m − 1 rather than m (visible in
 * `forecast(ets(USAccDeaths, "ANA"))`, whose variance steps up at h = m instead of m + 1). Here the
 * book's c_j is used, so at h = m, 2m, … those two forms' intervals are slightly narrower than R's.
 */
import type { Rng } from '../../random.ts';
import { normalQuantile } from '../../stats/distributions.ts';
import type { PredictionInterval } from '../types.ts';
import { type EtsForm, type EtsParams, hasSeason, hasTrend } from './form.ts';

/** True for the forms with analytic Gaussian or moment-based intervals (classes 1 and 2). */
export function isLinearClass(form: EtsForm): boolean {
  return form.season !== 'M';
}

/** c_1..c_{h−1} of table 6.2 (index j − 1 holds c_j). */
export function impulseWeights(form: EtsForm, m: number, params: EtsParams, horizon: number): Float64Array {
  const c = new Float64Array(Math.max(horizon - 1, 0));
  const damped = form.trend === 'Ad';
  let phiSum = 0;
  let phiPow = 1;
  for (let j = 1; j < horizon; j++) {
    phiPow *= damped ? params.phi : 1;
    phiSum += phiPow;
    let cj = params.alpha;
    if (hasTrend(form)) cj += params.beta * phiSum;
    if (hasSeason(form) && j % m === 0) cj += params.gamma;
    c[j - 1] = cj;
  }
  return c;
}

/** Forecast variances v_1..v_h for classes 1 and 2, given the point forecasts μ (the means there). */
export function linearVariance(
  form: EtsForm,
  m: number,
  params: EtsParams,
  sigma2: number,
  mean: Float64Array,
): Float64Array {
  const h = mean.length;
  const c = impulseWeights(form, m, params, h);
  const v = new Float64Array(h);
  if (form.error === 'A') {
    let cum = 0;
    for (let i = 0; i < h; i++) {
      v[i] = sigma2 * (1 + cum);
      if (i < h - 1) cum += c[i]! * c[i]!;
    }
    return v;
  }
  const theta = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    let t = mean[i]! * mean[i]!;
    for (let j = 1; j <= i; j++) t += sigma2 * c[j - 1]! * c[j - 1]! * theta[i - j]!;
    theta[i] = t;
    v[i] = (1 + sigma2) * t - mean[i]! * mean[i]!;
  }
  return v;
}

/** Symmetric Gaussian intervals mean ± z·√v at each level (R's `forecast.ets` for classes 1 and 2). */
export function gaussianIntervals(
  mean: Float64Array,
  variance: Float64Array,
  levels: readonly number[],
): PredictionInterval[] {
  return levels.map((level) => {
    const z = normalQuantile(0.5 + level / 200);
    const lower = new Float64Array(mean.length);
    const upper = new Float64Array(mean.length);
    for (let i = 0; i < mean.length; i++) {
      const w = z * Math.sqrt(Math.max(variance[i]!, 0));
      lower[i] = mean[i]! - w;
      upper[i] = mean[i]! + w;
    }
    return { level, lower, upper };
  });
}

/** Sample paths R's `pegelsfcast.C` draws (5,000), enough for the 2.5% and 97.5% quantiles to ±0.4 points. */
export const SIMULATED_PATHS = 5000;

/**
 * Intervals from simulated futures (R's `simulate.ets` + `pegelsfcast.C`): each path runs the
 * recursions from the final state with N(0, σ²) innovations (relative errors floored at −1, as R
 * does, so a multiplicative path stays non-negative); the bounds are sample quantiles of type 8 (Hyndman
 * & Fan 1996, R's choice there). A bound is moved to the point forecast in the rare case that falls
 * outside it, so lower ≤ mean ≤ upper holds as the contract requires.
 */
export function simulatedIntervals(
  state: Float64Array,
  form: EtsForm,
  m: number,
  params: EtsParams,
  sigma2: number,
  mean: Float64Array,
  levels: readonly number[],
  rng: Rng,
  paths = SIMULATED_PATHS,
): PredictionInterval[] {
  const h = mean.length;
  const draws = new Float64Array(paths * h);
  const trend = hasTrend(form);
  const s0 = trend ? 2 : 1;
  const season = new Float64Array(hasSeason(form) ? m : 0);
  const sigma = Math.sqrt(sigma2);
  const mult = form.season === 'M';
  const betaStar = params.beta / params.alpha;
  for (let p = 0; p < paths; p++) {
    let l = state[0]!;
    let b = trend ? state[1]! : 0;
    for (let j = 0; j < season.length; j++) season[j] = state[s0 + j]!;
    // The ring holds s1..sm with s_m at `head`; the season used at step i is the one m steps back.
    let head = season.length - 1;
    for (let i = 0; i < h; i++) {
      const phib = params.phi * b;
      const q = l + phib;
      const s = season.length ? season[head]! : 0;
      const f = !season.length ? q : mult ? q * s : q + s;
      let e = rng.normal() * sigma;
      let yi: number;
      if (form.error === 'M') {
        e = Math.max(-1, e);
        yi = f * (1 + e);
      } else yi = f + e;
      draws[i * paths + p] = yi;
      const pp = !season.length ? yi : mult ? yi / s : yi - s;
      const lNew = q + params.alpha * (pp - q);
      if (trend) b = phib + betaStar * (lNew - l - phib);
      if (season.length) {
        const t = mult ? yi / q : yi - q;
        season[head] = s + params.gamma * (t - s);
        head = head === 0 ? season.length - 1 : head - 1;
      }
      l = lNew;
    }
  }
  const intervals = levels.map((level) => ({
    level,
    lower: new Float64Array(h),
    upper: new Float64Array(h),
  }));
  for (let i = 0; i < h; i++) {
    const column = draws.subarray(i * paths, (i + 1) * paths).sort();
    for (const interval of intervals) {
      const tail = (100 - interval.level) / 200;
      interval.lower[i] = Math.min(quantileType8(column, tail), mean[i]!);
      interval.upper[i] = Math.max(quantileType8(column, 1 - tail), mean[i]!);
    }
  }
  return intervals;
}

/** Hyndman & Fan (1996) definition 8 (approximately median-unbiased) on sorted values. */
function quantileType8(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const h = (n + 1 / 3) * p + 1 / 3;
  if (h <= 1) return sorted[0]!;
  if (h >= n) return sorted[n - 1]!;
  const j = Math.floor(h);
  return sorted[j - 1]! + (h - j) * (sorted[j]! - sorted[j - 1]!);
}

/**
 * The ETS recursions in their error-correction form, as `forecast`'s C routine `etscalc` computes them
 * (Hyndman et al. 2008, table 2.1 and §2.5.2). The state update is the same for additive and
 * multiplicative errors (both reduce to the Holt-Winters updates with β* = β/α); only the innovation
 * and the likelihood differ.
 *
 * States are kept in R's order (l, b, s1..sm), s1 the most recent season and sm the one used next. In
 * the loops the seasons live in a ring indexed by time mod m, so a step costs O(1) rather than the
 * O(m) shift of the C code, which matters at m = 24 over 1,000 points.
 */
import { type EtsForm, type EtsParams, hasSeason, hasTrend } from './form.ts';
import { likAA, likAN, likMA, likMM, likMN } from './lik-kernels.ts';

/** Guards of `etscalc`: a divisor this small is treated as zero and the ratio replaced by HUGE. */
const TOL = 1e-10;
const HUGE = 1e10;

/**
 * R's `lik`: n·log(Σe²) for additive errors, plus 2·Σlog|ŷ| for multiplicative ones (relative
 * errors e = (y − ŷ)/ŷ). This is −2·loglik up to a constant (Hyndman et al. 2008, eq. 5.3), with σ²
 * concentrated out. `ring` is a workspace of at least m numbers. Never allocates. The loops are in
 * `lik-kernels.ts`, one per error and season.
 */
export function etsLik(
  y: Float64Array,
  form: EtsForm,
  m: number,
  params: EtsParams,
  init: ArrayLike<number>,
  ring: Float64Array,
): number {
  const trend = hasTrend(form);
  const { alpha, gamma, phi } = params;
  const beta = trend ? params.beta : 0;
  const l = init[0]!;
  const b = trend ? init[1]! : 0;
  if (form.season === 'N') {
    return form.error === 'M'
      ? likMN(y, trend, alpha, beta, phi, l, b)
      : likAN(y, trend, alpha, beta, phi, l, b);
  }
  const s0 = trend ? 2 : 1;
  // State s_j (j = 1..m) is the season of time 1 − j, kept in slot (1 − j) mod m.
  for (let j = 1; j <= m; j++) ring[(((1 - j) % m) + m) % m] = init[s0 + j - 1]!;
  if (form.season === 'M') return likMM(y, m, trend, alpha, beta, gamma, phi, l, b, ring);
  return form.error === 'M'
    ? likMA(y, m, trend, alpha, beta, gamma, phi, l, b, ring)
    : likAA(y, m, trend, alpha, beta, gamma, phi, l, b, ring);
}

export interface EtsFiltered {
  /** Innovations: y − ŷ (additive error) or (y − ŷ)/ŷ (multiplicative). */
  readonly residuals: Float64Array;
  /** One-step predictions ŷ. */
  readonly fitted: Float64Array;
  /** The state after the last observation, in R's order (l, b, s1..sm). */
  readonly finalState: Float64Array;
  readonly lik: number;
}

/** The same recursion as `etsLik`, keeping the innovations, the one-step predictions and the last state. */
export function etsFilter(
  y: Float64Array,
  form: EtsForm,
  m: number,
  params: EtsParams,
  init: ArrayLike<number>,
): EtsFiltered {
  const n = y.length;
  const trend = hasTrend(form);
  const seasonal = hasSeason(form);
  const mult = form.season === 'M';
  const { alpha, beta, gamma, phi } = params;
  const residuals = new Float64Array(n);
  const fitted = new Float64Array(n);
  const s = new Float64Array(seasonal ? m : 0);
  const s0 = trend ? 2 : 1;
  for (let j = 0; j < s.length; j++) s[j] = init[s0 + j]!;
  let l = init[0]!;
  let b = trend ? init[1]! : 0;
  let sse = 0;
  let sumLog = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i]!;
    const phib = phi * b;
    const q = l + phib;
    // Seasons are shifted here (s1 ← new, s_{j+1} ← s_j) to keep R's order for the final state;
    // this path runs once per fit, not inside the optimiser.
    const sOld = seasonal ? s[m - 1]! : 0;
    const f = !seasonal ? q : mult ? q * sOld : q + sOld;
    const e = form.error === 'M' ? (yi - f) / f : yi - f;
    residuals[i] = e;
    fitted[i] = f;
    sse += e * e;
    if (form.error === 'M') sumLog += Math.log(Math.abs(f));
    const pp = !seasonal ? yi : mult ? (Math.abs(sOld) < TOL ? HUGE : yi / sOld) : yi - sOld;
    const lNew = q + alpha * (pp - q);
    if (trend) b = phib + (beta / alpha) * (lNew - l - phib);
    if (seasonal) {
      const t = mult ? (Math.abs(q) < TOL ? HUGE : yi / q) : yi - q;
      s.copyWithin(1, 0, m - 1);
      s[0] = sOld + gamma * (t - sOld);
    }
    l = lNew;
  }
  const finalState = new Float64Array(s0 + s.length);
  finalState[0] = l;
  if (trend) finalState[1] = b;
  finalState.set(s, s0);
  return { residuals, fitted, finalState, lik: n * Math.log(sse) + 2 * sumLog };
}

/**
 * Point forecasts from a state (R's `etsforecast`): (l + φ_h·b) combined with the season of the same
 * phase, φ_h = φ + φ² + … + φ^h (Hyndman et al. 2008, table 2.1). For the linear forms this is the
 * predictive mean; for multiplicative seasons it is the recursion's forecast, not the mean.
 */
export function etsPointForecast(
  state: ArrayLike<number>,
  form: EtsForm,
  m: number,
  phi: number,
  horizon: number,
): Float64Array {
  const trend = hasTrend(form);
  const s0 = trend ? 2 : 1;
  const out = new Float64Array(horizon);
  const l = state[0]!;
  const b = trend ? state[1]! : 0;
  let phiSum = 0;
  let phiPow = 1;
  for (let h = 1; h <= horizon; h++) {
    phiPow *= phi;
    phiSum += phiPow;
    let f = l + phiSum * b;
    if (hasSeason(form)) {
      const s = state[s0 + ((m - (h % m)) % m)]!;
      f = form.season === 'M' ? f * s : f + s;
    }
    out[h - 1] = f;
  }
  return out;
}

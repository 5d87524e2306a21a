/**
 * The exact Gaussian likelihood of a stationary ARMA model by the Chandrasekhar recursions (Morf,
 * Sidhu & Kailath 1974; Herbst 2015, "Using the Chandrasekhar recursions for likelihood evaluation of
 * DSGE models"), used inside the optimiser. Started from the stationary covariance P_1, the predicted
 * covariances change by a rank-one term, P_{t+1} - P_t = m_t w_t w_t', so a step costs O(r) instead of
 * the O(r^2) of the Riccati update: with a season of 24 (r = 26) about 20x less work per evaluation.
 *
 * With derivation for a scalar observation y_t = Z a_t, Z = e_1, a_{t+1} = T a_t + R e_t, where
 * F_t = Z P_t Z' and K_t = T P_t Z':
 *   F_{t+1} = F_t + m_t (Z w_t)^2,  K_{t+1} = K_t + m_t (Z w_t) T w_t,
 *   w_{t+1} = T w_t - K_{t+1} (Z w_t) / F_{t+1},  m_{t+1} = m_t F_{t+1} / F_t,
 * from w_1 = K_1, m_1 = -1 / F_1 (P_2 - P_1 = -K_1 K_1' / F_1 because P_1 is stationary).
 *
 * It runs on the differenced series, which is R's diffuse treatment of the d + mD undifferenced states
 * in the limit of infinite prior variance; R's kappa = 1e6 differs from the limit by ~1e-6 relative in
 * the log-likelihood, so fits agree with R's to optimiser precision, and the final likelihood of a fit
 * is computed by R's own filter (`kalmanFilter`).
 */
import type { FilterResult } from './state-space.ts';
import { stationaryStateCovariance } from './state-space.ts';

/** ssq, sum of log F_t and the count over the (already differenced) series w, for unit innovation variance. */
export function armaLikelihood(w: Float64Array, phi: Float64Array, theta: Float64Array): FilterResult {
  const p = phi.length;
  const r = Math.max(p, theta.length + 1);
  const P1 = stationaryStateCovariance(phi, theta, r);
  const a = new Float64Array(r);
  const K = new Float64Array(r);
  const wv = new Float64Array(r);
  const Tw = new Float64Array(r);
  // K_1 = T P_1 e_1: (T x)_i = phi_i x_0 + x_{i+1}.
  for (let i = 0; i < r; i++) K[i] = (i < p ? phi[i]! * P1[0]! : 0) + (i < r - 1 ? P1[i + 1]! : 0);
  let F = P1[0]!;
  wv.set(K);
  let m = -1 / F;
  let ssq = 0;
  let sumLog = 0;
  let nUsed = 0;
  let settled = false;
  for (let t = 0; t < w.length; t++) {
    const v = w[t]! - a[0]!;
    if (F < 1e4) {
      nUsed++;
      ssq += (v * v) / F;
      sumLog += Math.log(F);
    }
    // a_{t+1} = T a_t + K_t v_t / F_t
    const k = v / F;
    const a0 = a[0]!;
    for (let i = 0; i < r - 1; i++) a[i] = a[i + 1]! + K[i]! * k;
    a[r - 1] = K[r - 1]! * k;
    for (let i = 0; i < p; i++) a[i]! += phi[i]! * a0;
    if (settled) continue;
    const zw = wv[0]!;
    for (let i = 0; i < r - 1; i++) Tw[i] = wv[i + 1]!;
    Tw[r - 1] = 0;
    for (let i = 0; i < p; i++) Tw[i]! += phi[i]! * zw;
    const Fnext = F + m * zw * zw;
    for (let i = 0; i < r; i++) K[i]! += m * zw * Tw[i]!;
    for (let i = 0; i < r; i++) wv[i] = Tw[i]! - (K[i]! * zw) / Fnext;
    m = (m * Fnext) / F;
    // The covariance has converged once its rank-one change no longer moves F: the gain is then fixed.
    if (Math.abs(m * zw * zw) <= 1e-14 * Fnext && Math.abs(Fnext - F) <= 1e-14 * F) settled = true;
    F = Fnext;
  }
  return { ssq, sumLog, nUsed };
}

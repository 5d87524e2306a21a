/**
 * The parameter space `forecast::ets` searches with its default `bounds = "both"`: the "usual" box and
 * the "admissible" region where the model forecasts stably (Hyndman et al. 2008, ch. 10; R's
 * `check.param` and `admissible`).
 */
import type { EtsParams } from './form.ts';

/** R's default box: 1e-4 ≤ α, β, γ ≤ 0.9999 and 0.8 ≤ φ ≤ 0.98. */
export const LOWER = { alpha: 1e-4, beta: 1e-4, gamma: 1e-4, phi: 0.8 } as const;
export const UPPER = { alpha: 0.9999, beta: 0.9999, gamma: 0.9999, phi: 0.98 } as const;

/**
 * True when the weights lie in the usual box (with β ≤ α and γ ≤ 1 − α) and in the admissible region.
 * `trend`/`season`/`damped` say which weights the form has; the others are ignored.
 */
export function parametersAllowed(
  p: EtsParams,
  has: { trend: boolean; season: boolean; damped: boolean },
  m: number,
): boolean {
  if (p.alpha < LOWER.alpha || p.alpha > UPPER.alpha) return false;
  if (has.trend && (p.beta < LOWER.beta || p.beta > p.alpha || p.beta > UPPER.beta)) return false;
  if (has.damped && (p.phi < LOWER.phi || p.phi > UPPER.phi)) return false;
  if (has.season && (p.gamma < LOWER.gamma || p.gamma > 1 - p.alpha || p.gamma > UPPER.gamma)) return false;
  return admissible(p, has, m);
}

/**
 * R's `admissible`: the forecastability conditions of Hyndman et al. (2008, §10.2 non-seasonal, §10.3
 * seasonal). For seasonal forms the characteristic polynomial's roots must lie in the disc of radius
 * 1 + 1e-10; R finds them with `polyroot`, here a Schur-Cohn test on the rescaled polynomial decides
 * the same question in O(m²) without computing roots.
 */
export function admissible(
  p: EtsParams,
  has: { trend: boolean; season: boolean; damped: boolean },
  m: number,
): boolean {
  const phi = has.damped ? p.phi : 1;
  const { alpha } = p;
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (!has.season || m <= 1) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    if (has.trend && (p.beta < alpha * (phi - 1) || p.beta > (1 + phi) * (2 - alpha))) return false;
    return true;
  }
  const beta = has.trend ? p.beta : 0;
  const { gamma } = p;
  if (gamma < Math.max(1 - 1 / phi - alpha, 0) || gamma > 1 + 1 / phi - alpha) return false;
  if (alpha < 1 - 1 / phi - (gamma * (1 - m + phi + phi * m)) / (2 * phi * m)) return false;
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  // P(z) = φ(1−α−γ) + (α+β−αφ+γ−1)z + (α+β−αφ)(z² + … + z^{m−1}) + (α+β−φ)z^m + z^{m+1}
  const coef = new Float64Array(m + 2);
  coef[0] = phi * (1 - alpha - gamma);
  coef[1] = alpha + beta - alpha * phi + gamma - 1;
  for (let k = 2; k < m; k++) coef[k] = alpha + beta - alpha * phi;
  coef[m] = alpha + beta - phi;
  coef[m + 1] = 1;
  return rootsWithin(coef, 1 + 1e-10);
}

/**
 * True when every root of Σ coef[k] z^k has modulus below `radius` (the Schur-Cohn recursion: with
 * |a₀| < |a_d|, p has all its roots in the unit disc iff (a_d·p(z) − a₀·p*(z))/z does; Marden 1966,
 * "Geometry of Polynomials", §42). Overwrites `coef`.
 */
export function rootsWithin(coef: Float64Array<ArrayBuffer>, radius: number): boolean {
  let d = coef.length - 1;
  let scale = 1;
  for (let k = 0; k <= d; k++) {
    coef[k]! *= scale;
    scale *= radius;
  }
  let a = coef;
  let next = new Float64Array(coef.length);
  while (d > 0) {
    const a0 = a[0]!;
    const ad = a[d]!;
    if (!(Math.abs(a0) < Math.abs(ad))) return false;
    for (let k = 0; k < d; k++) next[k] = ad * a[k + 1]! - a0 * a[d - k - 1]!;
    // Renormalise so repeated products neither overflow nor underflow at m = 24.
    const lead = Math.abs(next[d - 1]!);
    for (let k = 0; k < d; k++) next[k]! /= lead;
    [a, next] = [next, a];
    d--;
  }
  return true;
}

/**
 * Lag polynomials of ARIMA models: expanding the multiplicative seasonal form, the reparametrisation
 * that keeps the AR part stationary during optimisation, and the root checks. Conventions are R's
 * `stats::arima`: the AR polynomial is 1 - phi_1 B - ..., the MA polynomial 1 + theta_1 B + ....
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Orders of ARIMA(p,d,q)(P,D,Q)[period]; `period` is 1 without a season. */
export interface ArimaOrder {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly P: number;
  readonly D: number;
  readonly Q: number;
  readonly period: number;
}

/** The number of ARMA coefficients (p + q + P + Q), laid out as ar, ma, sar, sma. */
export function armaCount(order: ArimaOrder): number {
  return order.p + order.q + order.P + order.Q;
}

/**
 * The full phi and theta of (1 - phi(B))(1 - Phi(B^m)) and (1 + theta(B))(1 + Theta(B^m)) from
 * coefficients laid out as [ar, ma, sar, sma] (R's `ARIMA_transPars` with trans = FALSE).
 */
export function expandArma(
  coef: ArrayLike<number>,
  order: ArimaOrder,
): { phi: Float64Array; theta: Float64Array } {
  const { p, q, P, Q, period: m } = order;
  const phi = new Float64Array(p + P * m);
  const theta = new Float64Array(q + Q * m);
  for (let i = 0; i < p; i++) phi[i] = coef[i]!;
  for (let i = 0; i < q; i++) theta[i] = coef[p + i]!;
  for (let j = 0; j < P; j++) {
    const s = coef[p + q + j]!;
    phi[(j + 1) * m - 1]! += s;
    for (let i = 0; i < p; i++) phi[(j + 1) * m + i]! -= coef[i]! * s;
  }
  for (let j = 0; j < Q; j++) {
    const s = coef[p + q + P + j]!;
    theta[(j + 1) * m - 1]! += s;
    for (let i = 0; i < q; i++) theta[(j + 1) * m + i]! += coef[p + i]! * s;
  }
  return { phi, theta };
}

/** The differencing polynomial's coefficients Delta, so that y_t = sum Delta_i y_{t-i} + w_t (R's `Delta`). */
export function differencingPolynomial(order: ArimaOrder): Float64Array {
  let poly = [1];
  const multiply = (a: number[], b: number[]): number[] => {
    const out = new Array<number>(a.length + b.length - 1).fill(0);
    for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j]! += a[i]! * b[j]!;
    return out;
  };
  for (let i = 0; i < order.d; i++) poly = multiply(poly, [1, -1]);
  const seasonal = new Array<number>(order.period + 1).fill(0);
  seasonal[0] = 1;
  seasonal[order.period] = -1;
  for (let i = 0; i < order.D; i++) poly = multiply(poly, seasonal);
  return Float64Array.from(poly.slice(1), (v) => -v);
}

/**
 * Maps unconstrained values to the coefficients of a stationary AR(p): tanh gives partial
 * autocorrelations in (-1, 1), the Durbin-Levinson recursion turns them into AR coefficients
 * (Jones 1980; R's `partrans`). Writes into `out` at `offset`.
 */
export function partrans(raw: ArrayLike<number>, offset: number, p: number, out: Float64Array): void {
  const work = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const v = Math.tanh(raw[offset + j]!);
    out[offset + j] = v;
    work[j] = v;
  }
  for (let j = 1; j < p; j++) {
    const a = out[offset + j]!;
    for (let k = 0; k < j; k++) work[k]! -= a * out[offset + j - k - 1]!;
    for (let k = 0; k < j; k++) out[offset + k] = work[k]!;
  }
}

/** The inverse of `partrans` (R's `invpartrans`): AR coefficients to unconstrained values. */
export function invpartrans(phi: ArrayLike<number>, offset: number, p: number, out: Float64Array): void {
  const work = new Float64Array(p);
  const cur = new Float64Array(p);
  for (let j = 0; j < p; j++) cur[j] = phi[offset + j]!;
  for (let j = p - 1; j > 0; j--) {
    const a = cur[j]!;
    for (let k = 0; k < j; k++) work[k] = (cur[k]! + a * cur[j - k - 1]!) / (1 - a * a);
    for (let k = 0; k < j; k++) cur[k] = work[k]!;
  }
  for (let j = 0; j < p; j++) out[offset + j] = Math.atanh(cur[j]!);
}

/**
 * Complex roots of c_0 + c_1 z + ... + c_n z^n (trailing zero coefficients dropped) as eigenvalues of
 * the companion matrix; R uses `polyroot` (Jenkins-Traub), which agrees to rounding for these degrees.
 */
export function polynomialRoots(c: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  let n = c.length - 1;
  while (n > 0 && c[n] === 0) n--;
  if (n <= 0) return { re: new Float64Array(0), im: new Float64Array(0) };
  const companion = Matrix.zeros(n, n);
  for (let j = 0; j < n; j++) companion.set(0, j, -c[n - 1 - j]! / c[n]!);
  for (let i = 1; i < n; i++) companion.set(i, i - 1, 1);
  const evd = new EigenvalueDecomposition(companion);
  return { re: Float64Array.from(evd.realEigenvalues), im: Float64Array.from(evd.imaginaryEigenvalues) };
}

/** The smallest modulus among the roots of 1 + sign * (c_1 z + c_2 z^2 + ...), Infinity when there are none. */
export function minRootModulus(coef: ArrayLike<number>, sign: 1 | -1): number {
  const poly = [1];
  for (let i = 0; i < coef.length; i++) poly.push(sign * coef[i]!);
  const { re, im } = polynomialRoots(poly);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < re.length; i++) min = Math.min(min, Math.hypot(re[i]!, im[i]!));
  return min;
}

/** True when the AR polynomial 1 - ar_1 z - ... has all roots outside the unit circle (R's `arCheck`). */
export function isStationary(ar: ArrayLike<number>): boolean {
  return minRootModulus(ar, -1) > 1;
}

/**
 * The invertible MA polynomial with the same autocorrelations: roots inside the unit circle are
 * replaced by their reciprocals (R's `maInvert` in `stats::arima`).
 */
export function maInvert(ma: Float64Array): Float64Array {
  const q = ma.length;
  let q0 = q;
  while (q0 > 0 && ma[q0 - 1] === 0) q0--;
  if (q0 === 0) return ma;
  const poly = [1];
  for (let i = 0; i < q0; i++) poly.push(ma[i]!);
  const { re, im } = polynomialRoots(poly);
  let any = false;
  for (let i = 0; i < re.length; i++) if (Math.hypot(re[i]!, im[i]!) < 1) any = true;
  if (!any) return ma;
  const out = new Float64Array(q);
  if (q0 === 1) {
    out[0] = 1 / ma[0]!;
    return out;
  }
  for (let i = 0; i < re.length; i++) {
    const mod2 = re[i]! * re[i]! + im[i]! * im[i]!;
    if (mod2 < 1) {
      re[i] = re[i]! / mod2;
      im[i] = -im[i]! / mod2;
    }
  }
  // x(z) = prod (1 - z / r_k), expanded one root at a time as in R.
  let xr = [1];
  let xi = [0];
  for (let k = 0; k < re.length; k++) {
    const mod2 = re[k]! * re[k]! + im[k]! * im[k]!;
    const ir = re[k]! / mod2;
    const ii = -im[k]! / mod2;
    const nr = new Array<number>(xr.length + 1).fill(0);
    const ni = new Array<number>(xr.length + 1).fill(0);
    for (let j = 0; j < xr.length; j++) {
      nr[j]! += xr[j]!;
      ni[j]! += xi[j]!;
      nr[j + 1]! -= xr[j]! * ir - xi[j]! * ii;
      ni[j + 1]! -= xr[j]! * ii + xi[j]! * ir;
    }
    xr = nr;
    xi = ni;
  }
  for (let i = 0; i < q0; i++) out[i] = xr[i + 1]!;
  return out;
}

/**
 * The conditional sum of squares of an ARIMA model (R's `ARIMA_CSS`; Box, Jenkins & Reinsel 2008,
 * section 7.1.2): difference the series, then run the ARMA recursion from `ncond` on, with earlier
 * innovations taken as zero. Cheap (O(n (p + q)) per evaluation), it gives the starting values of the
 * exact likelihood fit and, for long or seasonal series, the approximate criterion of the order search.
 */
import type { ArimaOrder } from './polynomial.ts';

/**
 * The mean squared conditional residual sum / count over points from `ncond` on. When `residuals` is
 * given it receives the residuals (zero before `ncond`).
 */
export function conditionalSumOfSquares(
  y: Float64Array,
  order: ArimaOrder,
  phi: Float64Array,
  theta: Float64Array,
  ncond: number,
  residuals?: Float64Array,
): number {
  const n = y.length;
  const w = Float64Array.from(y);
  for (let i = 0; i < order.d; i++) for (let l = n - 1; l > 0; l--) w[l]! -= w[l - 1]!;
  const m = order.period;
  for (let i = 0; i < order.D; i++) for (let l = n - 1; l >= m; l--) w[l]! -= w[l - m]!;
  const resid = residuals ?? new Float64Array(n);
  resid.fill(0, 0, Math.min(ncond, n));
  // Seasonal polynomials are mostly zeros (ARIMA(2,1,1)(0,1,1)[24] has 3 of 25 MA lags): loop over the
  // non-zero lags only, which leaves every sum unchanged and makes the search over seasonal orders cheap.
  const arLags = nonZeroLags(phi);
  const maLags = nonZeroLags(theta);
  let ssq = 0;
  let nu = 0;
  for (let l = ncond; l < n; l++) {
    let tmp = w[l]!;
    for (let k = 0; k < arLags.length; k++) {
      const j = arLags[k]!;
      tmp -= phi[j]! * w[l - j - 1]!;
    }
    const jmax = l - ncond;
    for (let k = 0; k < maLags.length; k++) {
      const j = maLags[k]!;
      if (j >= jmax) break;
      tmp -= theta[j]! * resid[l - j - 1]!;
    }
    resid[l] = tmp;
    if (!Number.isNaN(tmp)) {
      nu++;
      ssq += tmp * tmp;
    }
  }
  return ssq / nu;
}

function nonZeroLags(c: Float64Array): Int32Array {
  const lags: number[] = [];
  for (let j = 0; j < c.length; j++) if (c[j] !== 0) lags.push(j);
  return Int32Array.from(lags);
}

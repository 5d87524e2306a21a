/**
 * Fitting an ARIMA model with optional regressors (regression with ARIMA errors) the way R's
 * `stats::arima` does with its default method "CSS-ML": least squares on the differenced data for the
 * regression starting values, BFGS on the conditional sum of squares for the ARMA starting values,
 * then BFGS on the exact Gaussian likelihood from the Kalman filter, with the AR parts reparametrised
 * to stay stationary (`partrans`) and the MA parts flipped to their invertible form (`maInvert`).
 * Method "CSS" stops after the first stage; the order search uses it on long series, as auto.arima's
 * `approximation = TRUE` does.
 */
import { inverse, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { bfgs } from '../../optimize/bfgs.ts';
import { conditionalSumOfSquares } from './css.ts';
import { armaLikelihood } from './fast-likelihood.ts';
import {
  type ArimaOrder,
  armaCount,
  differencingPolynomial,
  expandArma,
  invpartrans,
  isStationary,
  maInvert,
  partrans,
} from './polynomial.ts';
import { type ArimaStateSpace, kalmanFilter, makeStateSpace } from './state-space.ts';

export type ArimaMethod = 'CSS-ML' | 'ML' | 'CSS';

/** A regressor over the history, named as in R's coefficient vector (`intercept`, `drift`, `xreg1`, ...). */
export interface Regressor {
  readonly name: string;
  readonly values: Float64Array;
}

export interface ArimaFit {
  readonly order: ArimaOrder;
  readonly method: ArimaMethod;
  /** ARMA coefficients (ar, ma, sar, sma) then regression coefficients, in the order of `names`. */
  readonly coef: Float64Array;
  readonly names: readonly string[];
  /** R's `sigma2` of `stats::arima`: the innovation variance estimate ssq / n.used (or the CSS mean square). */
  readonly sigma2: number;
  /** Exact Gaussian log-likelihood (for CSS: R's value computed from the conditional sum of squares). */
  readonly loglik: number;
  /** Observations the likelihood uses: n minus the number of differences (R's `nobs`). */
  readonly nUsed: number;
  /** Innovations: standardised Kalman innovations for ML fits, conditional residuals for CSS. */
  readonly residuals: Float64Array;
  /** The state-space model with its state filtered to the last observation (null for CSS fits). */
  readonly model: ArimaStateSpace | null;
  /** False when an optimisation stage hit its iteration limit. */
  readonly converged: boolean;
}

/** Coefficient names in R's order: ar1.., ma1.., sar1.., sma1.., then the regressors. */
export function coefficientNames(order: ArimaOrder, xreg: readonly Regressor[]): string[] {
  const names: string[] = [];
  for (let i = 1; i <= order.p; i++) names.push(`ar${i}`);
  for (let i = 1; i <= order.q; i++) names.push(`ma${i}`);
  for (let i = 1; i <= order.P; i++) names.push(`sar${i}`);
  for (let i = 1; i <= order.Q; i++) names.push(`sma${i}`);
  for (const x of xreg) names.push(x.name);
  return names;
}

/** y minus the regression part sum_k beta_k x_k. */
function regressionResidual(
  y: Float64Array,
  xreg: readonly Regressor[],
  beta: ArrayLike<number>,
  offset: number,
) {
  const out = Float64Array.from(y);
  for (let k = 0; k < xreg.length; k++) {
    const b = beta[offset + k]!;
    const x = xreg[k]!.values;
    for (let t = 0; t < out.length; t++) out[t]! -= b * x[t]!;
  }
  return out;
}

/**
 * The exact log-likelihood and innovation variance at given (untransformed) coefficients, with the
 * state filtered to the end of the series: R's final `ARIMA_Like` call in `stats::arima`, so at R's
 * coefficients this reproduces R's `loglik` and `sigma2`.
 */
export function evaluateArima(
  y: Float64Array,
  order: ArimaOrder,
  coef: ArrayLike<number>,
  xreg: readonly Regressor[] = [],
): { loglik: number; sigma2: number; nUsed: number; residuals: Float64Array; model: ArimaStateSpace } {
  const narma = armaCount(order);
  const { phi, theta } = expandArma(coef, order);
  const model = makeStateSpace(phi, theta, differencingPolynomial(order));
  const x = regressionResidual(y, xreg, coef, narma);
  const residuals = new Float64Array(y.length);
  const res = kalmanFilter(x, model, residuals);
  const nUsed = y.length - model.delta.length;
  const objective = 0.5 * (Math.log(res.ssq / res.nUsed) + res.sumLog / res.nUsed);
  const loglik = -0.5 * (2 * nUsed * objective + nUsed + nUsed * Math.log(2 * Math.PI));
  return { loglik, sigma2: res.ssq / nUsed, nUsed, residuals, model };
}

/** Differences a series d times at lag 1 and D times at lag m. */
export function difference(y: Float64Array, d: number, D: number, m: number): Float64Array {
  let w = y;
  for (let i = 0; i < d; i++) w = w.subarray(1).map((v, t) => v - w[t]!);
  for (let i = 0; i < D; i++) w = w.subarray(m).map((v, t) => v - w[t]!);
  return w;
}

/** Least squares without intercept: coefficients and their standard errors (R's `lm(dx ~ dxreg - 1)`). */
function leastSquares(
  y: Float64Array,
  cols: readonly Float64Array[],
): { beta: number[]; se: number[] } | null {
  const k = cols.length;
  const n = y.length;
  if (n <= k) return null;
  const xtx = Matrix.zeros(k, k);
  const xty = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    const ci = cols[i]!;
    for (let t = 0; t < n; t++) xty[i]! += ci[t]! * y[t]!;
    for (let j = 0; j <= i; j++) {
      const cj = cols[j]!;
      let s = 0;
      for (let t = 0; t < n; t++) s += ci[t]! * cj[t]!;
      xtx.set(i, j, s);
      xtx.set(j, i, s);
    }
  }
  let inv: Matrix;
  try {
    inv = inverse(xtx);
  } catch {
    return null;
  }
  const beta = Array.from({ length: k }, (_, i) => {
    let s = 0;
    for (let j = 0; j < k; j++) s += inv.get(i, j) * xty[j]!;
    return s;
  });
  let rss = 0;
  for (let t = 0; t < n; t++) {
    let e = y[t]!;
    for (let i = 0; i < k; i++) e -= beta[i]! * cols[i]![t]!;
    rss += e * e;
  }
  const s2 = rss / (n - k);
  const se = beta.map((_, i) => Math.sqrt(Math.max(inv.get(i, i) * s2, 0)));
  if (beta.some((b) => !Number.isFinite(b))) return null;
  return { beta, se };
}

/**
 * Fits the model; null where R's `arima` stops with an error (the CSS stage gives a non-stationary AR
 * part, or the objective is not finite at the start), which the order search scores as infinitely bad.
 */
export function fitArima(
  y: Float64Array,
  order: ArimaOrder,
  regressors: readonly Regressor[] = [],
  method: ArimaMethod = 'CSS-ML',
): ArimaFit | null {
  const n = y.length;
  const { p, q, P, Q } = order;
  const narma = armaCount(order);
  const nx = regressors.length;
  const names = coefficientNames(order, regressors);
  // Several regressors are rotated onto their right singular vectors first, as R does, which makes
  // the regression coefficients nearly uncorrelated for the optimiser.
  let xreg = regressors;
  let rotation: Matrix | null = null;
  if (nx > 1) {
    const X = new Matrix(n, nx);
    for (let j = 0; j < nx; j++) for (let t = 0; t < n; t++) X.set(t, j, regressors[j]!.values[t]!);
    rotation = new SingularValueDecomposition(X, { computeLeftSingularVectors: false }).rightSingularVectors;
    const rotated = X.mmul(rotation);
    xreg = regressors.map((r, j) => ({ name: r.name, values: Float64Array.from(rotated.getColumn(j)) }));
  }
  const init = new Float64Array(narma + nx);
  const parscale = new Float64Array(narma + nx).fill(1);
  if (nx > 0) {
    const dx = difference(y, order.d, order.D, order.period);
    const dcols = xreg.map((x) => difference(x.values, order.d, order.D, order.period));
    const ls =
      leastSquares(dx, dcols) ??
      leastSquares(
        y,
        xreg.map((x) => x.values),
      );
    if (ls === null) return null;
    for (let k = 0; k < nx; k++) {
      init[narma + k] = ls.beta[k]!;
      parscale[narma + k] = 10 * ls.se[k]! || 1;
    }
  }
  const ncond = order.d + order.D * order.period + p + P * order.period;
  const cssObjective = (par: Float64Array): number => {
    const { phi, theta } = expandArma(par, order);
    const x = nx > 0 ? regressionResidual(y, xreg, par, narma) : y;
    return 0.5 * Math.log(conditionalSumOfSquares(x, order, phi, theta, ncond));
  };
  let converged = true;
  if (method !== 'ML') {
    const css = bfgs(cssObjective, init, { parscale });
    if (!css.ok) return null;
    if (css.converged) init.set(css.x);
    else converged = false;
    if (method === 'CSS') {
      const coef = undoRotation(init, narma, rotation);
      const { phi, theta } = expandArma(init, order);
      const residuals = new Float64Array(n);
      const x = nx > 0 ? regressionResidual(y, xreg, init, narma) : y;
      const sigma2 = conditionalSumOfSquares(x, order, phi, theta, ncond, residuals);
      const nUsed = n - order.d - order.D * order.period;
      const value = 2 * nUsed * css.value + nUsed + nUsed * Math.log(2 * Math.PI);
      return {
        order,
        method,
        coef,
        names,
        sigma2,
        loglik: -0.5 * value,
        nUsed,
        residuals,
        model: null,
        converged,
      };
    }
    if (p > 0 && !isStationary(init.subarray(0, p))) return null;
    if (P > 0 && !isStationary(init.subarray(p + q, p + q + P))) return null;
  }
  // Optimise in the transformed space: AR parts through invpartrans, MA parts made invertible.
  const start = Float64Array.from(init);
  invpartrans(init, 0, p, start);
  invpartrans(init, p + q, P, start);
  if (q > 0) start.set(maInvert(start.slice(p, p + q)), p);
  if (Q > 0) start.set(maInvert(start.slice(p + q + P, p + q + P + Q)), p + q + P);
  const natural = new Float64Array(narma + nx);
  const toNatural = (par: Float64Array): Float64Array => {
    natural.set(par);
    partrans(par, 0, p, natural);
    partrans(par, p + q, P, natural);
    return natural;
  };
  const { d, D, period: m } = order;
  const dy = difference(y, d, D, m);
  const mlObjective = (par: Float64Array): number => {
    const coef = toNatural(par);
    const { phi, theta } = expandArma(coef, order);
    const w = nx > 0 ? difference(regressionResidual(y, xreg, coef, narma), d, D, m) : dy;
    const res = armaLikelihood(w, phi, theta);
    const value = 0.5 * (Math.log(res.ssq / res.nUsed) + res.sumLog / res.nUsed);
    return Number.isFinite(value) ? value : Number.MAX_VALUE;
  };
  const ml = bfgs(mlObjective, start, { parscale });
  if (!ml.ok) return null;
  if (!ml.converged) converged = false;
  const par = Float64Array.from(ml.x);
  if (q > 0) par.set(maInvert(par.slice(p, p + q)), p);
  if (Q > 0) par.set(maInvert(par.slice(p + q + P, p + q + P + Q)), p + q + P);
  const coefRotated = Float64Array.from(toNatural(par));
  const coef = undoRotation(coefRotated, narma, rotation);
  const evaluated = evaluateArima(y, order, coef, regressors);
  return {
    order,
    method,
    coef,
    names,
    sigma2: evaluated.sigma2,
    loglik: evaluated.loglik,
    nUsed: evaluated.nUsed,
    residuals: evaluated.residuals,
    model: evaluated.model,
    converged,
  };
}

function undoRotation(coef: Float64Array, narma: number, rotation: Matrix | null): Float64Array {
  const out = Float64Array.from(coef);
  if (rotation === null) return out;
  const k = rotation.rows;
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += rotation.get(i, j) * coef[narma + j]!;
    out[narma + i] = s;
  }
  return out;
}

/**
 * Automatic ARIMA order selection after Hyndman & Khandakar (2008), following `forecast::auto.arima`
 * (version 8.20) with its defaults: D from the seasonal-strength heuristic, d from repeated KPSS tests,
 * then the stepwise search by AICc from R's four starting models with R's moves (one seasonal or
 * non-seasonal order up or down, both together, the constant on or off), max p = q = 5, P = Q = 2,
 * at most 94 models. For long or highly seasonal series (n > 150 or m > 12) the search scores models
 * by the conditional sum of squares (approximation = TRUE) and refits the best by exact likelihood.
 *
 * Not carried over: R also drops a model whose coefficient covariance has a negative variance
 * (`checkarima`); here only the unit-root check (roots within 1.01 of the unit circle) rejects one.
 */
import { isFiniteForecast } from '../finite-forecast.ts';
import type { ForecastModel, ForecastOptions, ForecastWarning, ModelForecast } from '../types.ts';
import { difference } from './fit.ts';
import {
  type ArimaResult,
  arimaModel,
  constantForecast,
  fitArimaModel,
  naiveForecast,
  toModelForecast,
} from './model.ts';
import { type ArimaOrder, expandArma, minRootModulus } from './polynomial.ts';
import { isConstant, ndiffs, nsdiffs } from './unit-root.ts';

export interface AutoArimaChoice {
  /** The selected model refitted by CSS-ML, or null when no candidate could be fitted. */
  readonly result: ArimaResult | null;
  readonly d: number;
  readonly D: number;
  /** Models evaluated during the search. */
  readonly evaluated: number;
}

interface Candidate {
  readonly p: number;
  readonly q: number;
  readonly P: number;
  readonly Q: number;
  readonly constant: boolean;
  ic: number;
}

/** Residuals of y on an intercept and the regressors (auto.arima tests these for unit roots). */
function regressionResiduals(y: Float64Array, xreg: readonly Float64Array[]): Float64Array {
  if (xreg.length === 0) return y;
  return olsResiduals(y, xreg);
}

/** OLS residuals of y on [1, xreg] by the normal equations with Gaussian elimination. */
function olsResiduals(y: Float64Array, xreg: readonly Float64Array[]): Float64Array {
  const n = y.length;
  const cols = [new Float64Array(n).fill(1), ...xreg];
  const k = cols.length;
  const A = new Float64Array(k * (k + 1));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += cols[i]![t]! * cols[j]![t]!;
      A[i * (k + 1) + j] = s;
    }
    let s = 0;
    for (let t = 0; t < n; t++) s += cols[i]![t]! * y[t]!;
    A[i * (k + 1) + k] = s;
  }
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let i = c + 1; i < k; i++)
      if (Math.abs(A[i * (k + 1) + c]!) > Math.abs(A[piv * (k + 1) + c]!)) piv = i;
    for (let j = 0; j <= k; j++) {
      const t = A[c * (k + 1) + j]!;
      A[c * (k + 1) + j] = A[piv * (k + 1) + j]!;
      A[piv * (k + 1) + j] = t;
    }
    const d = A[c * (k + 1) + c]!;
    if (d === 0) return y;
    for (let i = 0; i < k; i++) {
      if (i === c) continue;
      const f = A[i * (k + 1) + c]! / d;
      for (let j = c; j <= k; j++) A[i * (k + 1) + j]! -= f * A[c * (k + 1) + j]!;
    }
  }
  const beta = Array.from({ length: k }, (_, i) => A[i * (k + 1) + k]! / A[i * (k + 1) + i]!);
  return Float64Array.from(y, (v, t) => {
    let e = v;
    for (let i = 0; i < k; i++) e -= beta[i]! * cols[i]![t]!;
    return e;
  });
}

/**
 * forecast's `myarima` score: the information criterion, or Infinity when the fit fails or a root of
 * the AR or MA polynomial lies within 1.01 of the unit circle.
 */
function score(result: ArimaResult | null): number {
  if (result === null) return Number.POSITIVE_INFINITY;
  const { order, coef } = result.fit;
  const { phi, theta } = expandArma(coef, order);
  const trimmed = (c: Float64Array): Float64Array => {
    let last = c.length;
    while (last > 0 && Math.abs(c[last - 1]!) <= 1e-8) last--;
    return c.subarray(0, last);
  };
  let minRoot = 2;
  if (order.p + order.P > 0) minRoot = Math.min(minRoot, minRootModulus(trimmed(phi), -1));
  if (order.q + order.Q > 0) minRoot = Math.min(minRoot, minRootModulus(trimmed(theta), 1));
  if (minRoot < 1.01 || !Number.isFinite(result.aicc)) return Number.POSITIVE_INFINITY;
  return result.aicc;
}

/** Runs the stepwise search of `auto.arima` on y with seasonal period m (1 for none). */
export function selectArima(
  y: Float64Array,
  m: number,
  xreg: readonly Float64Array[] = [],
  futureXreg: readonly Float64Array[] = [],
): AutoArimaChoice {
  const n = y.length;
  const period = m >= 2 ? Math.round(m) : 1;
  let maxP5 = Math.min(5, Math.floor(n / 3));
  let maxQ5 = Math.min(5, Math.floor(n / 3));
  let maxSP = Math.min(2, Math.floor(n / 3 / period));
  let maxSQ = Math.min(2, Math.floor(n / 3 / period));
  const xx = regressionResiduals(y, xreg);
  let D = 0;
  if (period === 1) {
    maxSP = 0;
    maxSQ = 0;
  } else if (xx.length > 2 * period) {
    D = nsdiffs(xx, period);
  }
  let dx = D > 0 ? difference(xx, 0, D, period) : xx;
  let d = ndiffs(dx);
  if (d > 0 && difference(dx, d, 0, 1).length === 0) d--;
  dx = difference(dx, d, 0, 1);
  if (period > 1) {
    if (maxSP > 0) maxP5 = Math.min(maxP5, period - 1);
    if (maxSQ > 0) maxQ5 = Math.min(maxQ5, period - 1);
  }
  const orderOf = (c: { p: number; q: number; P: number; Q: number }): ArimaOrder => ({
    p: c.p,
    d,
    q: c.q,
    P: c.P,
    D,
    Q: c.Q,
    period: c.P + D + c.Q > 0 ? period : 1,
  });
  if (dx.length === 0 || isConstant(dx)) {
    const result = fitArimaModel(
      y,
      orderOf({ p: 0, q: 0, P: 0, Q: 0 }),
      d + D <= 1,
      'CSS-ML',
      xreg,
      futureXreg,
    );
    return { result, d, D, evaluated: 1 };
  }
  const approximation = n > 150 || period > 12;
  let offset = 0;
  if (approximation) {
    // stats::arima's default include.mean adds an intercept when there is no differencing.
    const base = fitArimaModel(
      y,
      orderOf({ p: 0, q: 0, P: 0, Q: 0 }),
      d + D === 0,
      'CSS-ML',
      xreg,
      futureXreg,
    );
    if (base !== null) offset = -2 * base.fit.loglik - n * Math.log(base.fit.sigma2);
  }
  const allowConstant = d + D <= 1;
  const method = approximation ? 'CSS' : 'CSS-ML';
  const results: Candidate[] = [];
  const fits = new Map<string, ArimaResult | null>();
  const key = (c: Omit<Candidate, 'ic'>): string => `${c.p},${c.q},${c.P},${c.Q},${c.constant}`;
  const run = (c: Omit<Candidate, 'ic'>): number => {
    const result = fitArimaModel(y, orderOf(c), c.constant, method, xreg, futureXreg, offset);
    const ic = score(result);
    fits.set(key(c), result);
    results.push({ ...c, ic });
    return ic;
  };
  const isNew = (c: Omit<Candidate, 'ic'>): boolean => !fits.has(key(c));
  const nmodels = 94;
  const shortSeries = n < 10;
  let p = Math.min(shortSeries ? 1 : 2, maxP5);
  let q = Math.min(shortSeries ? 1 : 2, maxQ5);
  let P = Math.min(shortSeries ? 0 : 1, maxSP);
  let Q = Math.min(shortSeries ? 0 : 1, maxSQ);
  let constant = allowConstant;
  let best = run({ p, q, P, Q, constant });
  const consider = (c: Omit<Candidate, 'ic'>): boolean => {
    const ic = run(c);
    if (ic < best) {
      best = ic;
      return true;
    }
    return false;
  };
  if (consider({ p: 0, q: 0, P: 0, Q: 0, constant })) p = q = P = Q = 0;
  if (maxP5 > 0 || maxSP > 0) {
    const c = { p: maxP5 > 0 ? 1 : 0, q: 0, P: period > 1 && maxSP > 0 ? 1 : 0, Q: 0, constant };
    if (consider(c)) ({ p, q, P, Q } = c);
  }
  if (maxQ5 > 0 || maxSQ > 0) {
    const c = { p: 0, q: maxQ5 > 0 ? 1 : 0, P: 0, Q: period > 1 && maxSQ > 0 ? 1 : 0, constant };
    if (consider(c)) ({ p, q, P, Q } = c);
  }
  if (constant && consider({ p: 0, q: 0, P: 0, Q: 0, constant: false })) p = q = P = Q = 0;
  let k = results.length;
  let startk = 0;
  while (startk < k && k < nmodels) {
    startk = k;
    // R's moves in R's order; the first that improves the criterion is taken and the round restarts.
    const moves: [number, number, number, number][] = [
      [0, 0, -1, 0],
      [0, 0, 0, -1],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
      [0, 0, -1, -1],
      [0, 0, -1, 1],
      [0, 0, 1, -1],
      [0, 0, 1, 1],
      [-1, 0, 0, 0],
      [0, -1, 0, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [-1, -1, 0, 0],
      [-1, 1, 0, 0],
      [1, -1, 0, 0],
      [1, 1, 0, 0],
    ];
    let moved = false;
    for (const [dp, dq, dP, dQ] of moves) {
      const c = { p: p + dp, q: q + dq, P: P + dP, Q: Q + dQ, constant };
      if (
        c.p < 0 ||
        c.q < 0 ||
        c.P < 0 ||
        c.Q < 0 ||
        c.p > maxP5 ||
        c.q > maxQ5 ||
        c.P > maxSP ||
        c.Q > maxSQ
      )
        continue;
      if (!isNew(c)) continue;
      k++;
      if (k > nmodels) break;
      if (consider(c)) {
        ({ p, q, P, Q } = c);
        moved = true;
        break;
      }
    }
    if (moved || k > nmodels) continue;
    if (allowConstant) {
      const c = { p, q, P, Q, constant: !constant };
      if (isNew(c)) {
        k++;
        if (k > nmodels) continue;
        if (consider(c)) constant = !constant;
      }
    }
  }
  let result: ArimaResult | null = null;
  const ranked = results.filter((r) => Number.isFinite(r.ic)).sort((a, b) => a.ic - b.ic);
  if (approximation) {
    for (const c of ranked) {
      const refit = fitArimaModel(y, orderOf(c), c.constant, 'CSS-ML', xreg, futureXreg);
      if (Number.isFinite(score(refit))) {
        result = refit;
        break;
      }
    }
  } else if (ranked[0] !== undefined) {
    result = fits.get(key(ranked[0])) ?? null;
  }
  return { result, d, D, evaluated: results.length };
}

/**
 * `auto.arima` as a `ForecastModel` (season = the first of `options.seasonPeriods`). A constant
 * series gives its value; when no candidate can be fitted, ARIMA(0,d,0) or the random walk is used
 * with a coded warning.
 */
export const autoArima: ForecastModel = (y: Float64Array, options: ForecastOptions): ModelForecast => {
  const warnings: ForecastWarning[] = [];
  if (isConstant(y)) return constantForecast(y, options, warnings);
  const m = options.seasonPeriods[0] ?? 1;
  const choice = selectArima(y, m, options.xreg ?? [], options.futureXreg ?? []);
  if (choice.result !== null) {
    const forecast = toModelForecast(y, choice.result, options, warnings);
    if (isFiniteForecast(forecast)) return forecast;
  }
  warnings.push({
    code: 'SL_FORECAST_FIT_FAILED',
    message: `no ARIMA model with d = ${choice.d}, D = ${choice.D} could be fitted; used ARIMA(0,${choice.d},0)`,
  });
  const fallback = arimaModel({ p: 0, d: choice.d, q: 0 })(y, options);
  if (isFiniteForecast(fallback)) return { ...fallback, warnings: [...warnings, ...fallback.warnings] };
  return naiveForecast(y, options, warnings);
};

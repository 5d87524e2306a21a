/**
 * ARIMA as a `ForecastModel`: builds the constant and regressor columns the way `forecast::Arima`
 * does (an intercept when there is no differencing, a drift 1..n when there is exactly one), fits,
 * forecasts with analytic intervals, and falls back to a simpler model with a coded warning when the
 * series is too short, constant, or the fit fails.
 */

import { normalQuantile } from '../../stats/distributions.ts';
import { isFiniteForecast } from '../finite-forecast.ts';
import type { ForecastModel, ForecastOptions, ForecastWarning, ModelForecast } from '../types.ts';
import { type ArimaFit, type ArimaMethod, fitArima, type Regressor } from './fit.ts';
import type { ArimaOrder } from './polynomial.ts';
import { predictArima } from './predict.ts';
import { isConstant } from './unit-root.ts';

/** A model with its regressors and R's information criteria (forecast's `Arima`/`myarima`). */
export interface ArimaResult {
  readonly fit: ArimaFit;
  readonly constant: boolean;
  /** Regressors over the horizon, in the fit's order. */
  readonly futureRegressors: (horizon: number) => Regressor[];
  /** forecast's sigma^2: the sum of squared residuals over (n - d - Dm) - (parameters + 1) + 1. */
  readonly sigma2: number;
  readonly aic: number;
  readonly aicc: number;
  readonly bic: number;
}

/**
 * Regressor columns for an ARIMA fit: `intercept` when a constant is asked and d + D = 0, `drift`
 * (1..n) when a constant is asked and d + D = 1 (R's `Arima` drops a constant for d + D >= 2), then
 * the user's regressors `xreg1`, `xreg2`, ...
 */
export function regressorsFor(
  n: number,
  order: ArimaOrder,
  constant: boolean,
  xreg: readonly Float64Array[] = [],
  futureXreg: readonly Float64Array[] = [],
): { history: Regressor[]; future: (horizon: number) => Regressor[] } {
  const diffs = order.d + order.D;
  const history: Regressor[] = [];
  const future: ((h: number) => Regressor)[] = [];
  if (constant && diffs === 0) {
    history.push({ name: 'intercept', values: new Float64Array(n).fill(1) });
    future.push((h) => ({ name: 'intercept', values: new Float64Array(h).fill(1) }));
  } else if (constant && diffs === 1) {
    history.push({ name: 'drift', values: Float64Array.from({ length: n }, (_, t) => t + 1) });
    future.push((h) => ({ name: 'drift', values: Float64Array.from({ length: h }, (_, t) => n + t + 1) }));
  }
  xreg.forEach((values, k) => {
    history.push({ name: `xreg${k + 1}`, values });
    future.push((h) => ({
      name: `xreg${k + 1}`,
      values: Float64Array.from({ length: h }, (_, t) => futureXreg[k]?.[t] ?? 0),
    }));
  });
  return { history, future: (h) => future.map((f) => f(h)) };
}

/** Fits one model and adds R's criteria; null when the fit fails (R's `arima` would stop). */
export function fitArimaModel(
  y: Float64Array,
  order: ArimaOrder,
  constant: boolean,
  method: ArimaMethod,
  xreg: readonly Float64Array[] = [],
  futureXreg: readonly Float64Array[] = [],
  offset = 0,
): ArimaResult | null {
  const { history, future } = regressorsFor(y.length, order, constant, xreg, futureXreg);
  const fit = fitArima(y, order, history, method);
  if (fit === null) return null;
  const nstar = y.length - order.d - order.D * order.period;
  const npar = fit.coef.length + 1;
  // forecast's myarima: CSS fits are scored with an offset taken from an ML fit of ARIMA(0,d,0)(0,D,0).
  const aic =
    method === 'CSS' ? offset + nstar * Math.log(fit.sigma2) + 2 * npar : -2 * fit.loglik + 2 * npar;
  const denominator = nstar - npar - 1;
  const aicc = denominator > 0 ? aic + (2 * npar * (npar + 1)) / denominator : Number.POSITIVE_INFINITY;
  const bic = aic + npar * (Math.log(nstar) - 2);
  let ssq = 0;
  for (let t = 0; t < fit.residuals.length; t++) ssq += fit.residuals[t]! ** 2;
  const sigma2 = ssq / (nstar - npar + 1);
  return { fit, constant, futureRegressors: future, sigma2, aic, aicc, bic };
}

/** `ARIMA(p,d,q)(P,D,Q)[m]` plus R's suffix for the constant or regressors. */
export function arimaName(result: ArimaResult): string {
  const { p, d, q, P, D, Q, period } = result.fit.order;
  let name = `ARIMA(${p},${d},${q})`;
  if (period > 1 && P + D + Q > 0) name += `(${P},${D},${Q})[${period}]`;
  const names = result.fit.names;
  const hasXreg = names.some((n) => n.startsWith('xreg'));
  if (hasXreg) return `Regression with ${name} errors`;
  if (names.includes('drift')) return `${name} with drift`;
  if (names.includes('intercept')) return `${name} with non-zero mean`;
  if (d + D === 0) return `${name} with zero mean`;
  return name;
}

/** The `ModelForecast` of a fitted model: mean, intervals, fitted values, parameters and criteria. */
export function toModelForecast(
  y: Float64Array,
  result: ArimaResult,
  options: ForecastOptions,
  warnings: ForecastWarning[],
): ModelForecast {
  const { fit } = result;
  const model = fit.model;
  if (model === null) throw new Error('toModelForecast needs a maximum-likelihood fit');
  const horizon = options.horizon;
  const prediction = predictArima(
    model,
    fit.order,
    fit.coef,
    result.sigma2,
    result.futureRegressors(horizon),
    horizon,
    options.levels,
  );
  const params: Record<string, number> = {};
  fit.names.forEach((name, i) => {
    params[name] = fit.coef[i]!;
  });
  params['sigma2'] = result.sigma2;
  if (!fit.converged) {
    warnings.push({
      code: 'SL_FORECAST_FIT_FAILED',
      message: `${arimaName(result)}: the optimiser reached its iteration limit; the estimates may not be the optimum`,
    });
  }
  return {
    model: arimaName(result),
    mean: prediction.mean,
    intervals: prediction.intervals,
    intervalMethod: 'analytic',
    fitted: Float64Array.from(y, (v, t) => v - fit.residuals[t]!),
    params,
    logLik: fit.loglik,
    aicc: Number.isFinite(result.aicc) ? result.aicc : null,
    warnings,
  };
}

/** A flat forecast at the series' value with zero-width intervals, for a constant series. */
export function constantForecast(
  y: Float64Array,
  options: ForecastOptions,
  warnings: ForecastWarning[],
): ModelForecast {
  const value = y[0]!;
  const mean = new Float64Array(options.horizon).fill(value);
  warnings.push({
    code: 'SL_FORECAST_CONSTANT_SERIES',
    message: `the series is constant at ${value}; the forecast is that value with intervals of no width`,
  });
  return {
    model: 'ARIMA(0,0,0) with non-zero mean',
    mean,
    intervals: options.levels.map((level) => ({ level, lower: mean.slice(), upper: mean.slice() })),
    intervalMethod: 'analytic',
    fitted: new Float64Array(y.length).fill(value),
    params: { intercept: value, sigma2: 0 },
    logLik: null,
    aicc: null,
    warnings,
  };
}

export interface ArimaModelSpec {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly P?: number;
  readonly D?: number;
  readonly Q?: number;
  /**
   * A mean when d + D = 0, a drift when d + D = 1 (ignored otherwise, as R's `Arima`). Default as R's
   * `Arima`: a mean without differencing, no drift with it.
   */
  readonly includeConstant?: boolean;
}

/** Whether a model of this order leaves enough differenced points for its parameters and the AICc. */
function fitsLength(n: number, order: ArimaOrder, constant: boolean, nx: number): boolean {
  const nstar = n - order.d - order.D * order.period;
  const npar = order.p + order.q + order.P + order.Q + nx + (constant && order.d + order.D <= 1 ? 1 : 0) + 1;
  return nstar - npar - 1 > 0 && n - order.d - order.D * order.period >= order.p + order.P * order.period + 1;
}

/**
 * ARIMA(p,d,q)(P,D,Q)[m] with m the first of `options.seasonPeriods`, fitted by CSS-ML as R's
 * `forecast::Arima`. Falls back with a coded warning: without a season (none given), to the
 * non-seasonal part (too short for the season), to ARIMA(0,d,0) and finally ARIMA(0,1,0) (too short or
 * the fit failed).
 */
export function arimaModel(spec: ArimaModelSpec): ForecastModel {
  return (y: Float64Array, options: ForecastOptions): ModelForecast => {
    const warnings: ForecastWarning[] = [];
    if (isConstant(y)) return constantForecast(y, options, warnings);
    const xreg = options.xreg ?? [];
    const futureXreg = options.futureXreg ?? [];
    const P = spec.P ?? 0;
    const D = spec.D ?? 0;
    const Q = spec.Q ?? 0;
    const m = options.seasonPeriods[0] ?? 1;
    let order: ArimaOrder = { p: spec.p, d: spec.d, q: spec.q, P, D, Q, period: P + D + Q > 0 ? m : 1 };
    if (P + D + Q > 0 && m < 2) {
      warnings.push({
        code: 'SL_FORECAST_SEASON_UNSUPPORTED',
        message: `seasonal orders (${P},${D},${Q}) need a season period; fitted without the seasonal part`,
      });
      order = { ...order, P: 0, D: 0, Q: 0, period: 1 };
    }
    const candidates: { order: ArimaOrder; why: 'short' | 'failed' | null }[] = [{ order, why: null }];
    if (order.P + order.D + order.Q > 0)
      candidates.push({ order: { ...order, P: 0, D: 0, Q: 0, period: 1 }, why: 'short' });
    candidates.push({ order: { p: 0, d: order.d, q: 0, P: 0, D: 0, Q: 0, period: 1 }, why: 'short' });
    candidates.push({ order: { p: 0, d: 1, q: 0, P: 0, D: 0, Q: 0, period: 1 }, why: 'short' });
    let failed = false;
    for (const candidate of candidates) {
      const constant = spec.includeConstant ?? candidate.order.d + candidate.order.D === 0;
      if (!fitsLength(y.length, candidate.order, constant, xreg.length) && candidate !== candidates.at(-1)) {
        continue;
      }
      const result =
        fitArimaModel(y, candidate.order, constant, 'CSS-ML', xreg, futureXreg) ??
        fitArimaModel(y, candidate.order, constant, 'ML', xreg, futureXreg);
      if (result === null || !Number.isFinite(result.fit.loglik)) {
        failed = true;
        continue;
      }
      if (candidate.order !== order) {
        warnings.push({
          code: failed ? 'SL_FORECAST_FIT_FAILED' : 'SL_FORECAST_SHORT_SERIES',
          message: failed
            ? `ARIMA${orderText(order)} could not be fitted; used ${arimaName(result)}`
            : `${y.length} points are too few for ARIMA${orderText(order)}; used ${arimaName(result)}`,
        });
      }
      const forecast = toModelForecast(y, result, options, warnings);
      if (isFiniteForecast(forecast)) return forecast;
      failed = true;
    }
    return naiveForecast(y, options, warnings);
  };
}

function orderText(o: ArimaOrder): string {
  return `(${o.p},${o.d},${o.q})` + (o.period > 1 ? `(${o.P},${o.D},${o.Q})[${o.period}]` : '');
}

/**
 * The random walk ARIMA(0,1,0) in closed form (last value, variance h sigma^2 with sigma^2 the mean
 * squared first difference), the last resort when no likelihood fit is finite.
 */
export function naiveForecast(
  y: Float64Array,
  options: ForecastOptions,
  warnings: ForecastWarning[],
): ModelForecast {
  const n = y.length;
  let ssq = 0;
  for (let t = 1; t < n; t++) ssq += (y[t]! - y[t - 1]!) ** 2;
  const sigma2 = ssq / Math.max(n - 1, 1);
  const last = y[n - 1]!;
  const mean = new Float64Array(options.horizon).fill(last);
  const result: ModelForecast = {
    model: 'ARIMA(0,1,0)',
    mean,
    intervals: options.levels.map((level) => {
      const z = normalQuantile(0.5 + level / 200);
      return {
        level,
        lower: Float64Array.from(mean, (v, h) => v - z * Math.sqrt(sigma2 * (h + 1))),
        upper: Float64Array.from(mean, (v, h) => v + z * Math.sqrt(sigma2 * (h + 1))),
      };
    }),
    intervalMethod: 'analytic',
    fitted: Float64Array.from(y, (_, t) => (t === 0 ? Number.NaN : y[t - 1]!)),
    params: { sigma2 },
    logLik: null,
    aicc: null,
    warnings: [
      ...warnings,
      {
        code: 'SL_FORECAST_FIT_FAILED',
        message: 'no ARIMA fit was finite; used the random walk ARIMA(0,1,0)',
      },
    ],
  };
  return result;
}

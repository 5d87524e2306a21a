/**
 * A fitted ETS model turned into the `ModelForecast` contract: point forecasts, intervals at the
 * requested levels, in-sample one-step predictions, named parameters, R's logLik and AICc.
 */
import { createRng } from '../../random.ts';
import type { ForecastOptions, ForecastWarning, ModelForecast, PredictionInterval } from '../types.ts';
import type { EtsFit } from './fit.ts';
import { etsName, hasSeason, hasTrend } from './form.ts';
import { gaussianIntervals, isLinearClass, linearVariance, simulatedIntervals } from './intervals.ts';
import { etsPointForecast } from './recursion.ts';

/** The seed of the simulated intervals when the options give none (the same forecast on every run). */
export const DEFAULT_SEED = 20080101;

/**
 * Forecasts from a fit. The mean is the recursion's point forecast (R's `etsforecast`): the predictive
 * mean for the linear classes, and for multiplicative seasons the forecast R's `pegelsfcast.C` reports
 * beside its simulated intervals (R's analytic class-3 mean adds a σ²-order correction from h > m on).
 */
export function forecastFromFit(
  fit: EtsFit,
  options: ForecastOptions,
  warnings: readonly ForecastWarning[],
): ModelForecast {
  const { form, m, params } = fit;
  const mean = etsPointForecast(fit.finalState, form, m, params.phi, options.horizon);
  let intervals: PredictionInterval[];
  let intervalMethod: ModelForecast['intervalMethod'];
  if (isLinearClass(form)) {
    intervals = gaussianIntervals(mean, linearVariance(form, m, params, fit.sigma2, mean), options.levels);
    intervalMethod = 'analytic';
  } else {
    const rng = createRng(options.seed ?? DEFAULT_SEED);
    intervals = simulatedIntervals(fit.finalState, form, m, params, fit.sigma2, mean, options.levels, rng);
    intervalMethod = 'simulation';
  }
  return {
    model: etsName(form),
    mean,
    intervals,
    intervalMethod,
    fitted: fit.fitted,
    params: namedParams(fit),
    logLik: Number.isFinite(fit.logLik) ? fit.logLik : null,
    aicc: Number.isFinite(fit.aicc) ? fit.aicc : null,
    warnings,
  };
}

/** alpha, beta, gamma, phi where the form has them, sigma2, and the initial states l0, b0, s1..sm. */
function namedParams(fit: EtsFit): Record<string, number> {
  const { form, params } = fit;
  const out: Record<string, number> = { alpha: params.alpha };
  if (hasTrend(form)) out['beta'] = params.beta;
  if (hasSeason(form)) out['gamma'] = params.gamma;
  if (form.trend === 'Ad') out['phi'] = params.phi;
  out['sigma2'] = fit.sigma2;
  out['l0'] = fit.initialState[0]!;
  const s0 = hasTrend(form) ? 2 : 1;
  if (hasTrend(form)) out['b0'] = fit.initialState[1]!;
  for (let j = s0; j < fit.initialState.length; j++) out[`s${j - s0 + 1}`] = fit.initialState[j]!;
  return out;
}

/** True when every mean and bound is finite (a fit that passes is safe to return). */
export function allFinite(forecast: ModelForecast): boolean {
  const all = [forecast.mean, ...forecast.intervals.flatMap((i) => [i.lower, i.upper])];
  return all.every((a) => a.every(Number.isFinite));
}

/**
 * The flat forecast of a constant series, as `forecast::ets` gives it (simple exponential smoothing
 * with α = 0.99999 from the first value): the constant itself, intervals of zero width.
 */
export function constantForecast(
  y: Float64Array,
  options: ForecastOptions,
  warnings: ForecastWarning[],
): ModelForecast {
  const value = y[y.length - 1]!;
  const mean = new Float64Array(options.horizon).fill(value);
  return {
    model: 'ETS(A,N,N)',
    mean,
    intervals: options.levels.map((level) => ({ level, lower: mean.slice(), upper: mean.slice() })),
    intervalMethod: 'analytic',
    fitted: new Float64Array(y.length).fill(y[0]!),
    params: { alpha: 0.99999, sigma2: 0, l0: y[0]! },
    logLik: null,
    aicc: null,
    warnings,
  };
}

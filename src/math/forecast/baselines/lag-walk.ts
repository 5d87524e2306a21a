/**
 * The three simple benchmarks of FPP3 §5.2 (naive, seasonal naive, drift), all one "lag walk"
 * y_{t} = y_{t−lag} (+ b) + ε_t, with the analytic intervals of FPP3 §5.5 exactly as R's
 * `forecast::naive`, `snaive` and `rwf(drift = TRUE)` compute them (`lagwalk`, `forecast.lagwalk`).
 */
import type { ForecastModel, ForecastOptions, ForecastWarning, ModelForecast } from '../types.ts';
import { isConstant, normalIntervals } from './intervals.ts';

export interface LagWalkFit {
  readonly lag: number;
  readonly drift: number;
  /** The drift's standard error, sd(differences)/sqrt(count), as `lm(y − fitted ~ 1)` reports it. */
  readonly driftSe: number;
  /** The residual mean square, over (count − 1) when a non-zero drift was estimated, as R. */
  readonly mse: number;
  readonly fitted: Float64Array;
}

/**
 * Fits the lag walk: fitted_t = y_{t−lag} + b for t ≥ lag (NaN before), b the mean of the lag
 * differences when `drift` is asked, else 0. Needs n > lag.
 */
export function fitLagWalk(y: Float64Array, lag: number, drift: boolean): LagWalkFit {
  const n = y.length;
  const count = n - lag;
  let b = 0;
  let driftSe = 0;
  if (drift) {
    for (let t = lag; t < n; t++) b += y[t]! - y[t - lag]!;
    b /= count;
    let ss = 0;
    for (let t = lag; t < n; t++) ss += (y[t]! - y[t - lag]! - b) ** 2;
    // lm's residual standard error has count − 1 degrees of freedom; with one difference it is undefined (R gives NaN), 0 here.
    driftSe = count > 1 ? Math.sqrt(ss / (count - 1)) / Math.sqrt(count) : 0;
  }
  const fitted = new Float64Array(n).fill(Number.NaN);
  let sse = 0;
  for (let t = lag; t < n; t++) {
    fitted[t] = y[t - lag]! + b;
    sse += (y[t]! - fitted[t]!) ** 2;
  }
  // R divides by (count − (drift != 0)): an estimated drift of exactly 0 does not cost a degree of freedom there.
  const dof = count - (b !== 0 && count > 1 ? 1 : 0);
  return { lag, drift: b, driftSe, mse: sse / dof, fitted };
}

/**
 * Forecasts from a lag walk: mean_{n+h} = y_{n−lag+1+((h−1) mod lag)} + k·b with k = ⌊(h−1)/lag⌋ + 1
 * whole cycles ahead, se = sqrt(mse·k + (k·se_b)²) (the drift's own uncertainty added, FPP3 §5.5).
 */
export function forecastLagWalk(
  y: Float64Array,
  fit: LagWalkFit,
  horizon: number,
): { mean: Float64Array; se: Float64Array } {
  const n = y.length;
  const mean = new Float64Array(horizon);
  const se = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    const k = Math.floor(h / fit.lag) + 1;
    mean[h] = y[n - fit.lag + (h % fit.lag)]! + k * fit.drift;
    se[h] = Math.sqrt(fit.mse * k + (k * fit.driftSe) ** 2);
  }
  return { mean, se };
}

function lagWalkModel(
  name: string,
  y: Float64Array,
  options: ForecastOptions,
  lag: number,
  drift: boolean,
  warnings: ForecastWarning[],
): ModelForecast {
  const fit = fitLagWalk(y, lag, drift);
  const { mean, se } = forecastLagWalk(y, fit, options.horizon);
  if (isConstant(y)) {
    warnings.push({
      code: 'SL_FORECAST_CONSTANT_SERIES',
      message: `the series is constant at ${y[0]}, so the forecast is that value with zero-width intervals`,
    });
  }
  const params: Record<string, number> = { sigma2: fit.mse };
  if (drift) {
    params['drift'] = fit.drift;
    params['driftSe'] = fit.driftSe;
  }
  return {
    model: name,
    mean,
    intervals: normalIntervals(mean, se, options.levels),
    intervalMethod: 'analytic',
    fitted: fit.fitted,
    params,
    logLik: null,
    aicc: null,
    warnings,
  };
}

/** The naive forecast (FPP3 §5.2): every future value is the last observation. R: `naive`. */
export const naiveModel: ForecastModel = (y, options) => lagWalkModel('Naive', y, options, 1, false, []);

/**
 * The seasonal naive forecast: each future value is the last observation from the same position in the
 * cycle, at the shortest seasonal period given (M4's convention for hourly data: 24, not 168). R:
 * `snaive`. With no period, or fewer points than one full cycle plus one, it is the naive forecast with
 * a warning.
 */
export const seasonalNaiveModel: ForecastModel = (y, options) => {
  const m = options.seasonPeriods[0];
  if (m === undefined) {
    return lagWalkModel('Naive', y, options, 1, false, [
      {
        code: 'SL_FORECAST_SHORT_SERIES',
        message: 'no seasonal period was given, so the naive forecast was used',
      },
    ]);
  }
  if (y.length <= m) {
    return lagWalkModel('Naive', y, options, 1, false, [
      {
        code: 'SL_FORECAST_SHORT_SERIES',
        message: `${y.length} points do not hold one season of ${m} and a step, so the naive forecast was used`,
      },
    ]);
  }
  return lagWalkModel(`SeasonalNaive[${m}]`, y, options, m, false, []);
};

/**
 * The drift method (FPP3 §5.2): the naive forecast plus the average change per step, the line from the
 * first to the last observation extended. R: `rwf(drift = TRUE)`.
 */
export const driftModel: ForecastModel = (y, options) => lagWalkModel('Drift', y, options, 1, true, []);

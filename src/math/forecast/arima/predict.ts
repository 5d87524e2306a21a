/**
 * Point forecasts and analytic prediction intervals of a fitted ARIMA model, as R's `predict.Arima`
 * and `forecast.Arima`: the Kalman forecast of the filtered state gives the mean and the variance in
 * units of sigma^2 (equivalently sigma^2 times the sum of squared psi weights; Brockwell & Davis 1991,
 * section 5.3), regressors add their future values times their coefficients, and the interval at
 * level L is mean +- z_{(1+L)/2} * sqrt(sigma^2 * v_h).
 */
import { normalQuantile } from '../../stats/distributions.ts';
import type { PredictionInterval } from '../types.ts';
import type { Regressor } from './fit.ts';
import { type ArimaOrder, armaCount } from './polynomial.ts';
import { type ArimaStateSpace, kalmanForecast } from './state-space.ts';

export interface ArimaPrediction {
  readonly mean: Float64Array;
  /** Standard error of each forecast. */
  readonly se: Float64Array;
  readonly intervals: readonly PredictionInterval[];
}

/**
 * Forecasts `horizon` steps from a model whose state is filtered to the end of the history;
 * `futureRegressors` are the regressors' values over the horizon, in the fit's order.
 */
export function predictArima(
  model: ArimaStateSpace,
  order: ArimaOrder,
  coef: ArrayLike<number>,
  sigma2: number,
  futureRegressors: readonly Regressor[],
  horizon: number,
  levels: readonly number[],
): ArimaPrediction {
  const { mean, variance } = kalmanForecast(model, horizon);
  const narma = armaCount(order);
  for (let k = 0; k < futureRegressors.length; k++) {
    const b = coef[narma + k]!;
    const x = futureRegressors[k]!.values;
    for (let h = 0; h < horizon; h++) mean[h]! += b * x[h]!;
  }
  const se = Float64Array.from(variance, (v) => Math.sqrt(Math.max(v * sigma2, 0)));
  const intervals = levels.map((level) => {
    const z = normalQuantile(0.5 + level / 200);
    return {
      level,
      lower: Float64Array.from(mean, (m, h) => m - z * se[h]!),
      upper: Float64Array.from(mean, (m, h) => m + z * se[h]!),
    };
  });
  return { mean, se, intervals };
}

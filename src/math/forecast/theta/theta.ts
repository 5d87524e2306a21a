/**
 * The standard Theta method (Assimakopoulos & Nikolopoulos 2000) in the form Hyndman & Billah (2003)
 * proved it equals: simple exponential smoothing with a drift of half the slope of the linear trend,
 * on the seasonally adjusted series, re-seasonalised. This is R's `forecast::thetaf`, the Theta
 * benchmark of the M3 and M4 competitions.
 */
import { isConstant, normalIntervals } from '../baselines/intervals.ts';
import { multiplicativeAdjustment } from '../decompose.ts';
import type { ForecastModel, ForecastOptions, ForecastWarning, ModelForecast } from '../types.ts';
import { fitSes, sesAt } from './ses.ts';

/** The slope of the least-squares line through (t, y_t), t = 0..n−1 (R: `lsfit(0:(n-1), x)`). */
export function olsSlope(y: ArrayLike<number>): { intercept: number; slope: number } {
  const n = y.length;
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += y[t]!;
  yMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tMean) * (y[t]! - yMean);
    sxx += (t - tMean) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: yMean - slope * tMean, slope };
}

/** The warning every model in this folder gives for a constant series. */
export function constantWarnings(y: Float64Array): ForecastWarning[] {
  return isConstant(y)
    ? [
        {
          code: 'SL_FORECAST_CONSTANT_SERIES',
          message: `the series is constant at ${y[0]}, so the forecast is that value with zero-width intervals`,
        },
      ]
    : [];
}

/**
 * Theta forecasts as `thetaf`: when the 90% autocorrelation test finds the shortest season (n > 2m),
 * the series is divided by classical multiplicative indices; SES is fitted by MSE; with b the OLS slope,
 * mean_{n+h} = ℓ_n + (b/2)·(h − 1 + (1 − (1−α)^n)/α); se_h = σ·sqrt(1 + (h−1)α²) (the SES state-space
 * variance, Hyndman et al. 2008 Table 6.1, class 1); the mean is multiplied by the next indices.
 *
 * One deliberate difference from `thetaf`: it re-seasonalises the mean but not the standard error, so
 * its intervals keep the width of the adjusted series in every season; here the se is scaled by the same
 * index as the mean (the adjusted series' error, re-seasonalised multiplicatively). Non-seasonal
 * forecasts and all means are R's.
 */
export const thetaModel: ForecastModel = (y, options) => thetaForecast(y, options);

/**
 * `thetaModel` with the SES parameters optionally given rather than fitted (`ses(alpha, l0)` receives
 * the series to smooth, adjusted when seasonal): the formulas checked apart from the optimiser.
 */
export function thetaForecast(
  y: Float64Array,
  options: ForecastOptions,
  givenSes?: { alpha: number; l0: number },
): ModelForecast {
  const n = y.length;
  const m = options.seasonPeriods[0] ?? 1;
  const { adjusted, figure } = isConstant(y)
    ? { adjusted: y, figure: null }
    : multiplicativeAdjustment(y, m, { minCycles: 2, strict: true });
  const ses = givenSes ? sesAt(adjusted, givenSes.alpha, givenSes.l0) : fitSes(adjusted);
  const drift = olsSlope(adjusted).slope / 2;
  const alpha = Math.max(1e-10, ses.alpha);
  const sigma = Math.sqrt(ses.sigma2);
  const decayN = (1 - alpha) ** n;
  const mean = new Float64Array(options.horizon);
  const se = new Float64Array(options.horizon);
  const scale = figure ? new Float64Array(options.horizon) : undefined;
  for (let h = 0; h < options.horizon; h++) {
    mean[h] = ses.level + drift * (h + (1 - decayN) / alpha);
    se[h] = sigma * Math.sqrt(1 + h * alpha * alpha);
    if (figure && scale) {
      scale[h] = figure[(n + h) % m]!;
      mean[h] = mean[h]! * scale[h]!;
    }
  }
  // One-step in-sample predictions of the same method from each origin t: ℓ_t + (b/2)(1 − (1−α)^t)/α.
  const fitted = new Float64Array(n);
  let level = ses.l0;
  let decay = 1;
  for (let t = 0; t < n; t++) {
    const step = level + (drift * (1 - decay)) / alpha;
    fitted[t] = figure ? step * figure[t % m]! : step;
    level += ses.alpha * (adjusted[t]! - level);
    decay *= 1 - alpha;
  }
  return {
    model: figure ? `Theta[${m}]` : 'Theta',
    mean,
    intervals: normalIntervals(mean, se, options.levels, scale),
    intervalMethod: 'analytic',
    fitted,
    params: { alpha: ses.alpha, l0: ses.l0, drift, sigma2: ses.sigma2, seasonal: figure ? 1 : 0 },
    logLik: null,
    aicc: null,
    warnings: constantWarnings(y),
  };
}

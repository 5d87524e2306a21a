/**
 * Naive2, the M4 competition's reference benchmark (Makridakis, Spiliotis & Assimakopoulos 2020, §2.3;
 * `Naive2` in the competition's Benchmarks.R): the naive forecast of the seasonally adjusted series,
 * re-seasonalised. OWA is measured against it.
 */
import { multiplicativeAdjustment } from '../decompose.ts';
import type { ForecastModel } from '../types.ts';
import { isConstant, normalIntervals } from './intervals.ts';
import { fitLagWalk, forecastLagWalk } from './lag-walk.ts';

/**
 * Naive2 at the shortest seasonal period given: when the 90% autocorrelation test finds it seasonal
 * (n ≥ 3m, as M4's `SeasonalityTest`), the series is divided by its classical multiplicative indices,
 * forecast naively, and multiplied by the indices of the next steps. The intervals are the naive ones of
 * the adjusted series scaled by the same indices (M4 gave Naive2 no intervals; this is the analogue of
 * the point forecast's construction).
 */
export const naive2Model: ForecastModel = (y, options) => {
  const m = options.seasonPeriods[0] ?? 1;
  const { adjusted, figure } = multiplicativeAdjustment(y, m);
  const fit = fitLagWalk(adjusted, 1, false);
  const { mean, se } = forecastLagWalk(adjusted, fit, options.horizon);
  const fitted = fit.fitted;
  let scale: Float64Array | undefined;
  if (figure) {
    scale = new Float64Array(options.horizon);
    for (let h = 0; h < options.horizon; h++) {
      scale[h] = figure[(y.length + h) % m]!;
      mean[h] = mean[h]! * scale[h]!;
    }
    for (let t = 0; t < y.length; t++) fitted[t] = fitted[t]! * figure[t % m]!;
  }
  const warnings = isConstant(y)
    ? [
        {
          code: 'SL_FORECAST_CONSTANT_SERIES' as const,
          message: `the series is constant at ${y[0]}, so the forecast is that value with zero-width intervals`,
        },
      ]
    : [];
  return {
    model: figure ? `Naive2[${m}]` : 'Naive2',
    mean,
    intervals: normalIntervals(mean, se, options.levels, scale),
    intervalMethod: 'analytic',
    fitted,
    params: { sigma2: fit.mse, seasonal: figure ? 1 : 0 },
    logLik: null,
    aicc: null,
    warnings,
  };
};

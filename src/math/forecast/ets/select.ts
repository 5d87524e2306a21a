/**
 * AutoETS: every form `forecast::ets` would consider, fitted by maximum likelihood, the one with the
 * smallest AICc kept (Hyndman, Koehler, Snyder & Grose 2002; Hyndman et al. 2008, §7.2). As R with
 * its defaults: no multiplicative trend, no additive error with a multiplicative season
 * (`restrict = TRUE`), multiplicative parts only for positive series, one seasonal period up to 24.
 */
import type { ForecastOptions, ModelForecast } from '../types.ts';
import { type EtsFit, fitEts } from './fit.ts';
import { allFinite, constantForecast, forecastFromFit } from './forecast.ts';
import { admissibleForms, etsName } from './form.ts';
import { constantWarning, fitWithFallback } from './model.ts';
import { prepare } from './prepare.ts';

export function autoEts(y: Float64Array, options: ForecastOptions): ModelForecast {
  const prepared = prepare(y, options, true);
  const warnings = [...prepared.warnings];
  if (prepared.constant) return constantForecast(y, options, [...warnings, constantWarning()]);
  if (!prepared.positive) {
    warnings.push({
      code: 'SL_FORECAST_NON_POSITIVE',
      message: 'the series has values <= 0, so only additive ETS forms were considered',
    });
  }
  const forms = admissibleForms({ seasonal: prepared.m > 1, positive: prepared.positive }).filter(
    (f) => f.trend === 'N' || (prepared.trendAllowed && (f.trend !== 'Ad' || y.length > 10)),
  );
  let best: EtsFit | null = null;
  for (const form of forms) {
    const fit = fitEts(y, form, prepared.m);
    // Strictly smaller, so that ties keep R's loop order.
    if (fit && Number.isFinite(fit.aicc) && (!best || fit.aicc < best.aicc)) best = fit;
  }
  if (best) {
    const forecast = forecastFromFit(best, options, warnings);
    if (allFinite(forecast)) return forecast;
    warnings.push({
      code: 'SL_FORECAST_FIT_FAILED',
      message: `${etsName(best.form)} had the smallest AICc but its forecast was not finite, so ETS(A,N,N) was used`,
    });
  }
  // Too few points for any AICc (n ≤ parameters + 2): simple exponential smoothing, as R falls back to.
  if (!best) {
    warnings.push({
      code: 'SL_FORECAST_SHORT_SERIES',
      message: `${y.length} points are too few to compare ETS forms by AICc, so ETS(A,N,N) was used`,
    });
  }
  return fitWithFallback(y, { error: 'A', trend: 'N', season: 'N' }, 1, options, warnings);
}

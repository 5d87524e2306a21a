/**
 * `etsModel(form)`: one ETS form as a `ForecastModel`. It fits the form asked for when the data allow
 * it, and otherwise the nearest simpler one, saying why in a coded warning: additive parts for a series
 * with values <= 0, no season without a usable period or two seasons of data, no trend on fewer than
 * ten points, and one component less when the likelihood cannot be evaluated.
 */
import type { ForecastModel, ForecastOptions, ForecastWarning, ModelForecast } from '../types.ts';
import { type EtsFit, fitEts } from './fit.ts';
import { allFinite, constantForecast, forecastFromFit } from './forecast.ts';
import { type EtsForm, etsName, hasSeason } from './form.ts';
import { prepare, restrictForm } from './prepare.ts';

export function etsModel(form: EtsForm): ForecastModel {
  return (y: Float64Array, options: ForecastOptions): ModelForecast => {
    const prepared = prepare(y, options, hasSeason(form));
    if (prepared.constant) {
      return constantForecast(y, options, [...prepared.warnings, constantWarning()]);
    }
    const restricted = restrictForm(form, prepared, y.length);
    return fitWithFallback(y, restricted.form, prepared.m, options, [
      ...prepared.warnings,
      ...restricted.warnings,
    ]);
  };
}

export function constantWarning(): ForecastWarning {
  return {
    code: 'SL_FORECAST_CONSTANT_SERIES',
    message: 'the series is constant, so the forecast is that value with intervals of zero width',
  };
}

/**
 * Fits `form`, and on failure (a likelihood never finite, or a forecast that is not) the next simpler
 * form: the season dropped, then the trend, then the error made additive. ETS(A,N,N) always fits a
 * non-constant finite series.
 */
export function fitWithFallback(
  y: Float64Array,
  form: EtsForm,
  m: number,
  options: ForecastOptions,
  warnings: ForecastWarning[],
): ModelForecast {
  let current: EtsForm | null = form;
  while (current) {
    const fit = fitEts(y, current, m);
    if (fit) {
      const forecast = forecastFromFit(fit, options, warnings);
      if (allFinite(forecast)) return forecast;
    }
    const next = simpler(current);
    warnings.push({
      code: 'SL_FORECAST_FIT_FAILED',
      message: `${etsName(current)} could not be fitted (its likelihood or forecast was not finite)${next ? `, so ${etsName(next)} was used` : ''}`,
    });
    current = next;
  }
  // Unreachable for finite data; the contract still forbids NaN, so a last value flat forecast.
  return constantForecast(y, options, warnings);
}

function simpler(form: EtsForm): EtsForm | null {
  if (form.season !== 'N') return { ...form, season: 'N' };
  if (form.trend !== 'N') return { ...form, trend: 'N' };
  if (form.error !== 'A') return { ...form, error: 'A' };
  return null;
}

export type { EtsFit };

/**
 * One series in, its forecast out: prepare the series, run the named model (or compare the candidates
 * by backtest for `auto` and `ensemble`), and shape the result. The CLI, the API and reports call this;
 * `forecast-task.ts` runs it on worker threads for many series.
 */

import { SightlineError } from '../../errors/index.ts';
import { candidatesFor, type ModelChoice, modelFor } from '../../math/forecast/registry.ts';
import { selectAndForecast } from '../../math/forecast/select.ts';
import type { ForecastOptions } from '../../math/forecast/types.ts';
import { type BacktestSummary, forecastPoints, levelKey, type SeriesForecast } from './forecast-output.ts';
import { forecastTimes, type PreparedSeries, prepareSeries } from './prepare-series.ts';
import type { RawSeries } from './series-input.ts';

export interface ForecastRequest {
  readonly model: ModelChoice;
  readonly horizon: number;
  /** Interval levels in percent. */
  readonly levels: readonly number[];
  /** Seasonal periods in steps, or null to infer them from the timestamps. */
  readonly seasonPeriods: readonly number[] | null;
  /** Backtest windows for `auto` and `ensemble` (default 3, fewer on a short history). */
  readonly windows?: number;
  /** How `auto` and `ensemble` refit a candidate in the windows (`SelectionSettings.windowRefit`). */
  readonly windowRefit?: 'parameters' | 'search';
  readonly seed?: number;
}

/** Checks a request's numbers, with the coded error a user can act on. */
export function validateRequest(request: ForecastRequest): void {
  const invalid = (message: string) => new SightlineError('SL_FORECAST_OPTION_INVALID', message);
  if (!Number.isInteger(request.horizon) || request.horizon < 1)
    throw invalid(`the horizon must be a whole number of steps >= 1, not ${request.horizon}`);
  for (const level of request.levels) {
    if (!(level > 0 && level < 100))
      throw invalid(`an interval level must be between 0 and 100 (percent), not ${level}`);
  }
  for (const m of request.seasonPeriods ?? []) {
    if (!Number.isInteger(m) || m < 2)
      throw invalid(`a season must be a whole number of steps >= 2, not ${m}`);
  }
  if (request.windows !== undefined && (!Number.isInteger(request.windows) || request.windows < 1)) {
    throw invalid(`backtest windows must be a whole number >= 1, not ${request.windows}`);
  }
}

export function forecastRaw(raw: RawSeries, request: ForecastRequest, label: string): SeriesForecast {
  return forecastPrepared(prepareSeries(raw, request.seasonPeriods, label), request);
}

export function forecastPrepared(series: PreparedSeries, request: ForecastRequest): SeriesForecast {
  const options: ForecastOptions = {
    horizon: request.horizon,
    levels: [...request.levels].sort((a, b) => a - b),
    seasonPeriods: series.seasonPeriods,
    seed: request.seed ?? 1,
  };
  let forecast: ReturnType<ReturnType<typeof modelFor>>;
  let backtest: BacktestSummary | undefined;
  if (request.model === 'auto' || request.model === 'ensemble') {
    const selection = selectAndForecast(series.y, options, candidatesFor(series.seasonPeriods), {
      windows: request.windows ?? 3,
      combine: request.model === 'ensemble' ? 'ensemble' : 'auto',
      ...(request.windowRefit ? { windowRefit: request.windowRefit } : {}),
    });
    forecast = selection.forecast;
    backtest = {
      windows: selection.windows,
      horizon: request.horizon,
      metric: 'mase',
      reason: selection.reason,
      scores: selection.scores.map((s) => ({
        model: s.model === null ? s.name : `${s.name}: ${s.model}`,
        mae: null,
        rmse: null,
        mape: null,
        smape: s.smape,
        mase: s.mase,
        coverage: Object.fromEntries(Object.entries(s.coverage).map(([k, v]) => [levelKey(Number(k)), v])),
      })),
    };
  } else {
    forecast = modelFor(request.model)(series.y, options);
  }
  return {
    ...(series.id === null ? {} : { seriesId: series.id }),
    model: forecast.model,
    intervalMethod: forecast.intervalMethod,
    points: forecastPoints(forecast, forecastTimes(series, request.horizon)),
    params: forecast.params,
    ...(backtest ? { backtest } : {}),
    warnings: [...series.warnings, ...forecast.warnings],
  };
}

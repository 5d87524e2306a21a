/**
 * Rolling-origin backtests of named models on one series (`sightline backtest`): each model refitted at
 * each origin and scored on the steps after it, with the metrics averaged over the windows.
 */

import { SightlineError } from '../../errors/index.ts';
import { backtestModels } from '../../math/forecast/backtest.ts';
import {
  candidatesFor,
  MODEL_CHOICES,
  modelFor,
  type SingleModelChoice,
} from '../../math/forecast/registry.ts';
import type { ForecastWarning } from '../../math/forecast/types.ts';
import { levelKey } from './forecast-output.ts';
import { prepareSeries } from './prepare-series.ts';
import type { RawSeries } from './series-input.ts';

export interface BacktestRequest {
  readonly horizon: number;
  readonly levels: readonly number[];
  readonly seasonPeriods: readonly number[] | null;
  /** Model names; empty for the candidates `auto` compares on this series. */
  readonly models: readonly string[];
  readonly windows?: number;
  readonly initial?: number;
  readonly step?: number;
  readonly seed?: number;
}

export interface ModelBacktest {
  readonly model: string;
  /** The specific model fitted in the last window. */
  readonly fitted: string;
  readonly mae: number | null;
  readonly rmse: number | null;
  readonly mape: number | null;
  readonly smape: number | null;
  readonly mase: number | null;
  readonly msis: number | null;
  readonly coverage: Readonly<Record<string, number>>;
}

export interface SeriesBacktest {
  readonly seriesId?: string;
  readonly horizon: number;
  readonly step: number;
  /** Training lengths at which the forecasts started. */
  readonly origins: readonly number[];
  /** Best first by MASE. */
  readonly models: readonly ModelBacktest[];
  readonly warnings: readonly ForecastWarning[];
}

const SINGLE = MODEL_CHOICES.filter((m) => m !== 'auto' && m !== 'ensemble') as readonly SingleModelChoice[];

export function backtestRaw(raw: RawSeries, request: BacktestRequest, label: string): SeriesBacktest {
  const series = prepareSeries(raw, request.seasonPeriods, label);
  for (const name of request.models) {
    if (!SINGLE.includes(name as SingleModelChoice)) {
      throw new SightlineError(
        'SL_FORECAST_OPTION_INVALID',
        `unknown model ${JSON.stringify(name)} in --models`,
        {
          hint: `choose from ${SINGLE.join(', ')}`,
        },
      );
    }
  }
  const models = Object.fromEntries(
    request.models.length > 0
      ? request.models.map((name) => [name, modelFor(name as SingleModelChoice)])
      : candidatesFor(series.seasonPeriods).map((c) => [c.name, c.model]),
  );
  const results = backtestModels(series.y, models, {
    horizon: request.horizon,
    levels: [...request.levels].sort((a, b) => a - b),
    seasonPeriods: series.seasonPeriods,
    ...(request.windows === undefined ? {} : { windows: request.windows }),
    ...(request.initial === undefined ? {} : { initial: request.initial }),
    ...(request.step === undefined ? {} : { step: request.step }),
    seed: request.seed ?? 1,
  });
  const first = Object.values(results)[0]!;
  const rows: ModelBacktest[] = Object.entries(results).map(([model, result]) => {
    const m = result.metrics;
    return {
      model,
      fitted: result.windows.at(-1)?.forecast.model ?? model,
      mae: m?.mae ?? null,
      rmse: m?.rmse ?? null,
      mape: m?.mape ?? null,
      smape: m?.smape ?? null,
      mase: m?.mase ?? null,
      msis: m?.msis ?? null,
      coverage: Object.fromEntries(
        Object.entries(m?.coverage ?? {}).map(([k, v]) => [levelKey(Number(k)), v]),
      ),
    };
  });
  rows.sort((a, b) => (a.mase ?? Number.POSITIVE_INFINITY) - (b.mase ?? Number.POSITIVE_INFINITY));
  const warnings = [...series.warnings];
  const seen = new Set(warnings.map((w) => w.message));
  for (const result of Object.values(results)) {
    for (const w of result.warnings) {
      if (!seen.has(w.message)) {
        seen.add(w.message);
        warnings.push(w);
      }
    }
  }
  return {
    ...(series.id === null ? {} : { seriesId: series.id }),
    horizon: request.horizon,
    step: first.step,
    origins: first.windows.map((w) => w.origin),
    models: rows,
    warnings,
  };
}

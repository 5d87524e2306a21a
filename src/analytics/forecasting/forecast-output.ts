/**
 * The JSON shape of a forecast, the same for the CLI (`--json`), the API and reports:
 * `{"forecasts":[{"seriesId"?,"model","points":[{"t"?,"mean","lower":{"80","95"},"upper":{"80","95"}}],"backtest"?}]}`.
 */
import type { ForecastWarning, ModelForecast } from '../../math/forecast/types.ts';

export interface ForecastPoint {
  /** The step's time (ISO 8601), when the input had times. */
  readonly t?: string;
  readonly mean: number;
  /** Interval bounds by level, keyed by the level as written (`"80"`, `"95"`). */
  readonly lower: Readonly<Record<string, number>>;
  readonly upper: Readonly<Record<string, number>>;
}

/** How one model did in the rolling-origin backtest. */
export interface BacktestScore {
  readonly model: string;
  readonly mae: number | null;
  readonly rmse: number | null;
  readonly mape: number | null;
  readonly smape: number | null;
  readonly mase: number | null;
  /** Share of actuals inside each interval, by level. */
  readonly coverage: Readonly<Record<string, number | null>>;
}

export interface BacktestSummary {
  readonly windows: number;
  readonly horizon: number;
  /** Candidates ranked best first by the selection metric. */
  readonly scores: readonly BacktestScore[];
  /** The metric the ranking used (`mase`). */
  readonly metric: string;
  /** Why the forecast uses the model (or combination) it does, in a sentence. */
  readonly reason: string;
}

export interface SeriesForecast {
  readonly seriesId?: string;
  readonly model: string;
  readonly intervalMethod: string;
  readonly points: readonly ForecastPoint[];
  readonly params: Readonly<Record<string, number>>;
  readonly backtest?: BacktestSummary;
  readonly warnings: readonly ForecastWarning[];
}

/** A level as its key: `80`, `95`, `99.5`. */
export function levelKey(level: number): string {
  return String(Number(level.toPrecision(6)));
}

/** The output points of a model forecast, with their times when known. */
export function forecastPoints(forecast: ModelForecast, times: readonly string[] | null): ForecastPoint[] {
  return Array.from(forecast.mean, (mean, i) => {
    const lower: Record<string, number> = {};
    const upper: Record<string, number> = {};
    for (const interval of forecast.intervals) {
      lower[levelKey(interval.level)] = interval.lower[i]!;
      upper[levelKey(interval.level)] = interval.upper[i]!;
    }
    const point = { mean, lower, upper };
    return times === null ? point : { t: times[i]!, ...point };
  });
}

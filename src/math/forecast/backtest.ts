/**
 * Rolling-origin evaluation ("time series cross-validation", Tashman 2000; FPP3 §5.10; statsforecast's
 * `cross_validation`): the model is refitted on every prefix y_1..y_origin and scored on the next
 * `horizon` points. Windows are placed from the end: the last one ends at the last observation.
 */
import { type Accuracy, accuracy } from './metrics.ts';
import type { ForecastModel, ForecastWarning, ModelForecast } from './types.ts';

export interface BacktestOptions {
  /** Steps ahead scored in each window. */
  readonly horizon: number;
  /**
   * The shortest training prefix. Default: two cycles of the shortest season, at least 3 points. When
   * given without `windows`, every window that fits is used.
   */
  readonly initial?: number;
  /** Origins move back by this many steps from one window to the previous (default: the horizon, so test windows do not overlap). */
  readonly step?: number;
  /** Windows wanted (default 5, or all that fit when `initial` is given). */
  readonly windows?: number;
  readonly levels?: readonly number[];
  readonly seasonPeriods?: readonly number[];
  readonly seed?: number;
}

export interface BacktestWindow {
  /** Points in the training prefix: the forecast starts at index `origin`. */
  readonly origin: number;
  readonly forecast: ModelForecast;
  /** y[origin .. origin + horizon) (a view into the series, not a copy). */
  readonly actual: Float64Array;
  /** actual − mean, per step. */
  readonly errors: Float64Array;
  readonly accuracy: Accuracy;
}

export interface BacktestResult {
  readonly horizon: number;
  readonly step: number;
  readonly windows: readonly BacktestWindow[];
  /**
   * Each metric averaged over the windows (each window's MASE and MSIS scaled by its own training
   * prefix, as M4 scales each series by its own history); null when a window's is null or there is no
   * window.
   */
  readonly metrics: Omit<Accuracy, 'warnings'> | null;
  /** MAE at each step ahead, over the windows. */
  readonly maeByStep: Float64Array;
  /** |actual − mean| per step ahead (outer index) and window (inner): the scores of conformal intervals. */
  readonly absErrors: readonly Float64Array[];
  readonly warnings: readonly ForecastWarning[];
}

/** The origins (training lengths), ascending, and the warnings about the placement. */
export function backtestOrigins(
  n: number,
  options: BacktestOptions,
): { origins: number[]; step: number; warnings: ForecastWarning[] } {
  const horizon = options.horizon;
  if (!(Number.isInteger(horizon) && horizon >= 1))
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  const step = options.step ?? horizon;
  if (!(Number.isInteger(step) && step >= 1))
    throw new RangeError(`step must be a positive integer, got ${step}`);
  const season = options.seasonPeriods?.[0] ?? 1;
  const initial = Math.max(3, options.initial ?? 2 * season);
  const wanted = options.windows ?? (options.initial !== undefined ? Number.POSITIVE_INFINITY : 5);
  const origins: number[] = [];
  for (let origin = n - horizon; origin >= initial && origins.length < wanted; origin -= step)
    origins.push(origin);
  origins.reverse();
  const warnings: ForecastWarning[] = [];
  if (origins.length === 0) {
    warnings.push({
      code: 'SL_FORECAST_FEW_WINDOWS',
      message: `${n} points hold no backtest window of ${horizon} steps after a training prefix of ${initial}`,
    });
  } else if (options.windows !== undefined && origins.length < options.windows) {
    warnings.push({
      code: 'SL_FORECAST_FEW_WINDOWS',
      message: `${n} points hold ${origins.length} of the ${options.windows} backtest windows asked (horizon ${horizon}, step ${step}, training prefix at least ${initial})`,
    });
  }
  return { origins, step, warnings };
}

function averageMetrics(windows: readonly BacktestWindow[]): Omit<Accuracy, 'warnings'> | null {
  if (windows.length === 0) return null;
  const mean = (pick: (a: Accuracy) => number | null): number | null => {
    let sum = 0;
    for (const w of windows) {
      const v = pick(w.accuracy);
      if (v === null) return null;
      sum += v;
    }
    return sum / windows.length;
  };
  const coverage: Record<string, number> = {};
  for (const level of Object.keys(windows[0]!.accuracy.coverage)) {
    coverage[level] = mean((a) => a.coverage[level] ?? null) ?? 0;
  }
  return {
    mae: mean((a) => a.mae)!,
    rmse: mean((a) => a.rmse)!,
    mape: mean((a) => a.mape),
    smape: mean((a) => a.smape),
    mase: mean((a) => a.mase),
    msis: mean((a) => a.msis),
    coverage,
  };
}

/**
 * Refits `model` at each origin and scores it. The training prefix and the actuals are subarrays of
 * `y`: no copy of the series per window. Warnings: the placement's, then each distinct warning of the
 * windows' fits and metrics, once.
 */
export function rollingOrigin(
  y: Float64Array,
  model: ForecastModel,
  options: BacktestOptions,
): BacktestResult {
  const { origins, step, warnings } = backtestOrigins(y.length, options);
  const horizon = options.horizon;
  const levels = options.levels ?? [];
  const seasonPeriods = options.seasonPeriods ?? [];
  const windows: BacktestWindow[] = [];
  const absErrors = Array.from({ length: horizon }, () => new Float64Array(origins.length));
  const seen = new Set<string>();
  const note = (w: ForecastWarning) => {
    const key = `${w.code} ${w.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      warnings.push(w);
    }
  };
  for (let k = 0; k < origins.length; k++) {
    const origin = origins[k]!;
    const train = y.subarray(0, origin);
    const forecast = model(train, { horizon, levels, seasonPeriods, seed: options.seed });
    const actual = y.subarray(origin, origin + horizon);
    const errors = new Float64Array(horizon);
    for (let h = 0; h < horizon; h++) {
      errors[h] = actual[h]! - forecast.mean[h]!;
      absErrors[h]![k] = Math.abs(errors[h]!);
    }
    const scored = accuracy({
      actual,
      mean: forecast.mean,
      intervals: forecast.intervals,
      insample: train,
      seasonPeriod: seasonPeriods[0] ?? 1,
    });
    for (const w of forecast.warnings) note(w);
    for (const w of scored.warnings) note(w);
    windows.push({ origin, forecast, actual, errors, accuracy: scored });
  }
  const maeByStep = new Float64Array(horizon);
  if (origins.length > 0) {
    for (let h = 0; h < horizon; h++) {
      let sum = 0;
      for (const e of absErrors[h]!) sum += e;
      maeByStep[h] = sum / origins.length;
    }
  }
  return { horizon, step, windows, metrics: averageMetrics(windows), maeByStep, absErrors, warnings };
}

/** `rollingOrigin` for several models on the same windows, keyed as given. */
export function backtestModels(
  y: Float64Array,
  models: Readonly<Record<string, ForecastModel>>,
  options: BacktestOptions,
): Record<string, BacktestResult> {
  const out: Record<string, BacktestResult> = {};
  for (const [name, model] of Object.entries(models)) out[name] = rollingOrigin(y, model, options);
  return out;
}

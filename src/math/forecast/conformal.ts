/**
 * Split-conformal prediction intervals from rolling-origin errors (Vovk et al. 2005; Stankeviciute et al.
 * 2021 for multi-step forecasts; statsforecast's `ConformalIntervals(h, n_windows)`): for each step
 * ahead h, the absolute errors of the backtest windows at that step are the nonconformity scores, and
 * the interval is mean ± their ⌈(W+1)·level⌉-th smallest (the finite-sample correction, which makes the
 * coverage at least the level when the scores and the future error are exchangeable).
 */
import { rollingOrigin } from './backtest.ts';
import type {
  ForecastModel,
  ForecastOptions,
  ForecastWarning,
  ModelForecast,
  PredictionInterval,
} from './types.ts';

export interface ConformalOptions {
  /**
   * Backtest windows (default 20: the fewest for which the 95% quantile is not the largest score,
   * ⌈21·0.95⌉ = 20). A level needs at least level/(100 − level) windows (4 for 80%, 19 for 95%).
   */
  readonly windows?: number;
  /**
   * Steps between origins. Default: as far apart as the windows allow with every training prefix at
   * least half the series, at most the horizon (non-overlapping test windows, as statsforecast).
   */
  readonly step?: number;
}

/** The k-th smallest of `scores` (1-based), k = ⌈(W+1)·level/100⌉, capped at W; `capped` says if it was. */
export function conformalQuantile(scores: Float64Array, level: number): { value: number; capped: boolean } {
  const w = scores.length;
  const sorted = Float64Array.from(scores).sort();
  const k = Math.ceil((w + 1) * (level / 100) - 1e-9);
  const capped = k > w;
  return { value: sorted[Math.min(k, w) - 1]!, capped };
}

/**
 * A model whose intervals are split-conformal from its own rolling-origin errors; the point forecast,
 * fitted values and parameters are the model's on the whole series. When the series holds no window the
 * model's own intervals are kept (zero-width if it has none) with a warning; when it holds too few for
 * a level the largest score is used with a warning (coverage then below the level is possible).
 */
export function withConformalIntervals(model: ForecastModel, settings: ConformalOptions = {}): ForecastModel {
  const wanted = settings.windows ?? 20;
  return (y: Float64Array, options: ForecastOptions): ModelForecast => {
    const n = y.length;
    const horizon = options.horizon;
    const initial = Math.max(3, Math.ceil(n / 2));
    const room = n - horizon - initial;
    const step = settings.step ?? Math.max(1, Math.min(horizon, Math.floor(room / Math.max(1, wanted - 1))));
    const full = model(y, options);
    const backtest = rollingOrigin(y, model, {
      horizon,
      initial,
      step,
      windows: wanted,
      levels: [],
      seasonPeriods: options.seasonPeriods,
      seed: options.seed,
    });
    const warnings: ForecastWarning[] = [...full.warnings];
    const windows = backtest.windows.length;
    if (windows === 0) {
      warnings.push({
        code: 'SL_FORECAST_FEW_WINDOWS',
        message: `${n} points hold no backtest window of ${horizon} steps after half the series, so the intervals are the model's own (${full.intervalMethod})`,
      });
      const intervals =
        full.intervalMethod === 'none' || full.intervals.length !== options.levels.length
          ? options.levels.map((level) => ({
              level,
              lower: Float64Array.from(full.mean),
              upper: Float64Array.from(full.mean),
            }))
          : full.intervals;
      return { ...full, intervals, warnings };
    }
    const intervals: PredictionInterval[] = options.levels.map((level) => {
      const lower = new Float64Array(horizon);
      const upper = new Float64Array(horizon);
      let capped = false;
      for (let h = 0; h < horizon; h++) {
        const q = conformalQuantile(backtest.absErrors[h]!, level);
        capped ||= q.capped;
        lower[h] = full.mean[h]! - q.value;
        upper[h] = full.mean[h]! + q.value;
      }
      if (capped) {
        warnings.push({
          code: 'SL_FORECAST_FEW_WINDOWS',
          message: `${windows} backtest windows are too few for a conformal ${level}% interval (it needs ${Math.ceil(level / (100 - level))}), so it is the largest error seen`,
        });
      }
      return { level, lower, upper };
    });
    return { ...full, intervals, intervalMethod: 'conformal', warnings };
  };
}

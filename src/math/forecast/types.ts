/**
 * The contract every forecasting model keeps: a regular series and options in, a `ModelForecast` out.
 * Models are pure functions; the input layer (`src/analytics/forecasting`) parses files and warehouse
 * metrics, puts irregular timestamps on a regular step and fills gaps before a model sees the values.
 */
import type { StatWarning } from '../stats/result.ts';

/** A coded note about the input or the fit (a fallback to a simpler model, filled gaps, ...). */
export type ForecastWarning = StatWarning;

export interface ForecastOptions {
  /** Steps ahead to forecast, at least 1. */
  readonly horizon: number;
  /** Interval levels in percent, each in (0, 100), for example [80, 95]. */
  readonly levels: readonly number[];
  /** Seasonal periods in steps, ascending, each at least 2 (for example [24, 168] for hourly data); [] for none. */
  readonly seasonPeriods: readonly number[];
  /** Regressors over the history: one array per regressor, each as long as the series. */
  readonly xreg?: readonly Float64Array[];
  /** The same regressors over the horizon: one array per regressor, each `horizon` long. */
  readonly futureXreg?: readonly Float64Array[];
  /** Seed for models that simulate (sample paths, bootstrap); the same seed gives the same forecast. */
  readonly seed?: number;
}

/** A prediction interval at one level: `lower[i] <= mean[i] <= upper[i]` for every step i. */
export interface PredictionInterval {
  /** In percent, as requested. */
  readonly level: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** How an interval was obtained. */
export type IntervalMethod = 'analytic' | 'simulation' | 'conformal' | 'bootstrap' | 'none';

export interface ModelForecast {
  /** The model that produced the numbers, specific enough to reproduce: `ETS(M,Ad,M)`, `ARIMA(1,1,1)(0,1,1)[24]`. */
  readonly model: string;
  /** Point forecasts (the mean of the predictive distribution unless the model says otherwise), `horizon` long. */
  readonly mean: Float64Array;
  /** One interval per requested level, in the order requested. */
  readonly intervals: readonly PredictionInterval[];
  readonly intervalMethod: IntervalMethod;
  /** One-step-ahead in-sample predictions, as long as the series (NaN where the model has none yet), or null. */
  readonly fitted: Float64Array | null;
  /** Fitted parameters by name (smoothing weights, AR coefficients, variances), for reports and reference tests. */
  readonly params: Readonly<Record<string, number>>;
  /** The Gaussian log-likelihood at the fitted parameters and the AICc, where the model has one. */
  readonly logLik: number | null;
  readonly aicc: number | null;
  readonly warnings: readonly ForecastWarning[];
}

/**
 * A forecasting model. `y` is finite everywhere (no NaN), at least 3 points long. A model that cannot
 * fit what it was asked (too short for its season, a non-positive series for a multiplicative form, a
 * failed optimisation) falls back to a simpler form itself and says so in a coded warning; it never
 * throws on data and never returns NaN in `mean` or the intervals.
 */
export type ForecastModel = (y: Float64Array, options: ForecastOptions) => ModelForecast;

/**
 * A model's fit to a whole history, kept so that backtest windows of that history (its prefixes) can
 * be answered without repeating the model's structure search: the structure chosen on the whole
 * history (an ETS form, the inner model of MSTL) is kept, and its parameters are re-estimated on each
 * window's training part, starting from the whole history's.
 */
export interface ForecastPlan {
  /** The forecast from the whole history: exactly what the model itself returns for it. */
  readonly forecast: ModelForecast;
  /** Forecasts from a prefix of that history with the structure above. */
  readonly window: ForecastModel;
}

/** A model that can also return its plan (`select.ts` uses it for the backtest windows). */
export type PlannedModel = (y: Float64Array, options: ForecastOptions) => ForecastPlan;

/**
 * Forecast accuracy as the M4 competition measures it (Makridakis, Spiliotis & Assimakopoulos 2020,
 * "The M4 Competition: 100,000 time series and 61 forecasting methods", IJF 36(1), §2.2 and §4.2), plus
 * MAE, RMSE and MAPE (FPP3 §5.8). A metric whose denominator is zero is null with a coded warning,
 * never NaN or an infinity.
 */
import type { ForecastWarning, PredictionInterval } from './types.ts';

/** Mean absolute error: mean |y − ŷ|. */
export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - forecast[i]!);
  return sum / actual.length;
}

/** Root mean squared error: sqrt(mean (y − ŷ)²). */
export function rmse(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i]! - forecast[i]!) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Mean absolute percentage error in percent: 100·mean |y − ŷ|/|y|; null when an actual is 0. */
export function mape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number | null {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) return null;
    sum += Math.abs(actual[i]! - forecast[i]!) / Math.abs(actual[i]!);
  }
  return (100 * sum) / actual.length;
}

/**
 * M4's symmetric MAPE in percent: mean of 200·|y − ŷ|/(|y| + |ŷ|) (M4 eq. 1; between 0 and 200); null
 * when an actual and its forecast are both 0.
 */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number | null {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]!) + Math.abs(forecast[i]!);
    if (denominator === 0) return null;
    sum += (200 * Math.abs(actual[i]! - forecast[i]!)) / denominator;
  }
  return sum / actual.length;
}

/**
 * MASE's scale (M4 eq. 2): the in-sample MAE of the seasonal naive forecast, mean |y_t − y_{t−m}| over
 * t = m+1..n, with m = 1 for non-seasonal data. A history no longer than m uses m = 1 (M4's code gives
 * NaN there). Null when it is 0 (a history without change at that lag) or the history has one point.
 */
export function maseScale(insample: ArrayLike<number>, m = 1): number | null {
  const lag = insample.length > m ? m : 1;
  if (insample.length <= lag) return null;
  let sum = 0;
  for (let t = lag; t < insample.length; t++) sum += Math.abs(insample[t]! - insample[t - lag]!);
  const scale = sum / (insample.length - lag);
  return scale > 0 ? scale : null;
}

/** Mean absolute scaled error (M4 eq. 2): MAE over `maseScale(insample, m)`; null when that is. */
export function mase(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  insample: ArrayLike<number>,
  m = 1,
): number | null {
  const scale = maseScale(insample, m);
  return scale === null ? null : mae(actual, forecast) / scale;
}

/** The share of actuals inside [lower, upper] (bounds included), in [0, 1]. */
export function coverage(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) inside++;
  return inside / actual.length;
}

/**
 * M4's mean scaled interval score (M4 eq. 4) for a (1 − a) interval, a = 1 − level/100:
 * mean[(U − L) + (2/a)(L − y)·1{y < L} + (2/a)(y − U)·1{y > U}] / maseScale(insample, m). M4 scores the
 * 95% interval (a = 0.05). Null when the scale is.
 */
export function msis(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  insample: ArrayLike<number>,
  m = 1,
  level = 95,
): number | null {
  const scale = maseScale(insample, m);
  if (scale === null) return null;
  const a = 1 - level / 100;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    sum += upper[i]! - lower[i]!;
    if (y < lower[i]!) sum += (2 / a) * (lower[i]! - y);
    if (y > upper[i]!) sum += (2 / a) * (y - upper[i]!);
  }
  return sum / actual.length / scale;
}

export interface Accuracy {
  readonly mae: number;
  readonly rmse: number;
  /** Percent. */
  readonly mape: number | null;
  /** Percent, M4's definition (0–200). */
  readonly smape: number | null;
  readonly mase: number | null;
  /** M4's MSIS of the 95% interval; null when no 95% interval was given or the scale is 0. */
  readonly msis: number | null;
  /** The share of actuals inside each interval, keyed by level ("80", "95"). */
  readonly coverage: Readonly<Record<string, number>>;
  readonly warnings: readonly ForecastWarning[];
}

export interface AccuracyInput {
  readonly actual: ArrayLike<number>;
  readonly mean: ArrayLike<number>;
  readonly intervals?: readonly PredictionInterval[];
  /** The history the forecast was made from (for MASE and MSIS). */
  readonly insample: ArrayLike<number>;
  /** The seasonal period MASE scales by (M4: 1 yearly, 4 quarterly, 12 monthly, 1 weekly, 24 hourly). */
  readonly seasonPeriod?: number;
}

/** Every metric of one forecast against its actuals, with a coded warning for each one that is null. */
export function accuracy(input: AccuracyInput): Accuracy {
  const { actual, mean, insample } = input;
  const m = input.seasonPeriod ?? 1;
  const warnings: ForecastWarning[] = [];
  const undefinedMetric = (name: string, why: string) =>
    warnings.push({ code: 'SL_FORECAST_METRIC_UNDEFINED', message: `${name} is undefined: ${why}` });
  const mapeValue = mape(actual, mean);
  if (mapeValue === null) undefinedMetric('MAPE', 'an actual value is 0');
  const smapeValue = smape(actual, mean);
  if (smapeValue === null) undefinedMetric('sMAPE', 'an actual value and its forecast are both 0');
  const maseValue = mase(actual, mean, insample, m);
  if (maseValue === null) undefinedMetric('MASE', `the history does not change at lag ${m} (its scale is 0)`);
  const cover: Record<string, number> = {};
  let msisValue: number | null = null;
  for (const interval of input.intervals ?? []) {
    cover[String(interval.level)] = coverage(actual, interval.lower, interval.upper);
    if (interval.level === 95) msisValue = msis(actual, interval.lower, interval.upper, insample, m, 95);
  }
  return {
    mae: mae(actual, mean),
    rmse: rmse(actual, mean),
    mape: mapeValue,
    smape: smapeValue,
    mase: maseValue,
    msis: msisValue,
    coverage: cover,
    warnings,
  };
}

/**
 * M4's overall weighted average (§2.2) of a method over a set of series: the mean of its average sMAPE
 * relative to Naive2's and its average MASE relative to Naive2's (ratios of averages, not averages of
 * ratios). Inputs are one entry per series, in the same order for both. Null when an average is
 * undefined (a null entry) or Naive2's is 0.
 */
export function owa(
  model: readonly Pick<Accuracy, 'smape' | 'mase'>[],
  naive2: readonly Pick<Accuracy, 'smape' | 'mase'>[],
): { owa: number | null; relativeSmape: number | null; relativeMase: number | null } {
  const average = (
    rows: readonly Pick<Accuracy, 'smape' | 'mase'>[],
    key: 'smape' | 'mase',
  ): number | null => {
    let sum = 0;
    for (const row of rows) {
      const v = row[key];
      if (v === null) return null;
      sum += v;
    }
    return rows.length > 0 ? sum / rows.length : null;
  };
  const ratio = (key: 'smape' | 'mase'): number | null => {
    const a = average(model, key);
    const b = average(naive2, key);
    return a === null || b === null || b === 0 ? null : a / b;
  };
  const relativeSmape = ratio('smape');
  const relativeMase = ratio('mase');
  return {
    owa: relativeSmape === null || relativeMase === null ? null : (relativeSmape + relativeMase) / 2,
    relativeSmape,
    relativeMase,
  };
}

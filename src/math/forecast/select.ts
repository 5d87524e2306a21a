/**
 * Model selection and combination by backtest: each candidate forecasts the last windows of the
 * history from the points before them (rolling origin, FPP3 §5.10), and the forecast comes from the
 * candidate with the lowest mean MASE, or from the median (or mean) of the best few when that
 * combination did better over the same windows: combinations of a few good models are hard to beat
 * (M4's lesson: Makridakis et al. 2020 §4; the FFORMA and Theta-ETS-ARIMA "comb" entries).
 *
 * A combination's interval at each level averages its members' bounds (quantile averaging: Lichtendahl,
 * Grushka-Cockayne & Winkler 2013), so it is never narrower than its narrowest member's would suggest
 * and never needs a distribution the members do not share.
 */
import { type BacktestResult, rollingOrigin } from './backtest.ts';
import { isFiniteForecast } from './finite-forecast.ts';
import type {
  ForecastModel,
  ForecastOptions,
  ForecastWarning,
  ModelForecast,
  PlannedModel,
  PredictionInterval,
} from './types.ts';

export interface Candidate {
  /** The short name shown in rankings (`ets`, `theta`, ...). */
  readonly name: string;
  readonly model: ForecastModel;
  /**
   * The same model with its plan, for models whose structure search dominates their cost (AutoETS,
   * MSTL with AutoETS inside): the backtest windows then keep the structure chosen on the whole
   * history and refit its parameters (`ForecastPlan`), and the whole-history forecast is reused.
   */
  readonly plan?: PlannedModel;
}

export interface SelectionSettings {
  /** Backtest windows at most (default 3); fewer when the history is short. */
  readonly windows?: number;
  /** `best` one model, `ensemble` always the combination, `auto` the combination when it scored better. */
  readonly combine?: 'auto' | 'best' | 'ensemble';
  /** Members of a combination (default 3). */
  readonly ensembleSize?: number;
  readonly ensembleMethod?: 'median' | 'mean';
  /**
   * How a candidate with a plan is refitted in the windows: `parameters` keeps the structure chosen
   * on the whole history, `search` repeats the model's whole search in every window (the stricter
   * backtest: 326 against 140 ms on the daily bench series, in one run of `npm run bench:forecast`,
   * which prints both, with their accuracy). Default: `parameters` when every window's training part holds at least
   * `REUSE_SHARE` of the history, `search` otherwise.
   */
  readonly windowRefit?: 'parameters' | 'search';
}

export interface CandidateScore {
  readonly name: string;
  /** The specific model fitted in the last window (`ETS(A,N,A)`), or null when it failed. */
  readonly model: string | null;
  readonly mase: number | null;
  readonly smape: number | null;
  /** Share of actuals inside each interval over all windows, keyed by level. */
  readonly coverage: Readonly<Record<string, number>>;
}

export interface Selection {
  readonly forecast: ModelForecast;
  /** Backtest windows used (0 when the history was too short for any). */
  readonly windows: number;
  /** Candidates best first; a combination appears as `ensemble`. */
  readonly scores: readonly CandidateScore[];
  /** The candidates the forecast comes from (one, or the combination's members). */
  readonly chosen: readonly string[];
  readonly reason: string;
}

/**
 * The least share of the history a window's training part must hold for the window to reuse the
 * structure chosen on the whole history. Above it, that structure was chosen mostly on the window's
 * own training data (little look-ahead), and the choice is stable: on the daily bench series each
 * window's own AutoETS search picks the whole history's form (training parts of 88-96%). Below it,
 * it is neither: on the 26 NAB series the bench forecasts from under two weeks of hourly data (the
 * first window trains on half the history), per-window AutoETS chose another form than the whole
 * history's in 28 of 76 windows, and reusing the whole history's changed `auto`'s choice on 8.
 */
export const REUSE_SHARE = 0.8;

/**
 * Windows of `horizon` points at the end of the history, as many as fit (up to `maximum`) while each
 * training part keeps at least two seasons and 2·horizon points (and 10 at the very least).
 */
export function backtestWindows(
  length: number,
  horizon: number,
  seasonPeriods: readonly number[],
  maximum: number,
): number {
  const minimum = minimumTraining(horizon, seasonPeriods);
  let windows = maximum;
  while (windows > 0 && length - windows * horizon < minimum) windows--;
  return windows;
}

/** The shortest training part a backtest window may have. */
function minimumTraining(horizon: number, seasonPeriods: readonly number[]): number {
  const longest = seasonPeriods.length > 0 ? Math.max(...seasonPeriods) : 0;
  return Math.max(10, 2 * horizon, 2 * longest + 1);
}

export function selectAndForecast(
  y: Float64Array,
  options: ForecastOptions,
  candidates: readonly Candidate[],
  settings: SelectionSettings = {},
): Selection {
  const h = options.horizon;
  const combine = settings.combine ?? 'auto';
  const size = Math.min(settings.ensembleSize ?? 3, candidates.length);
  const method = settings.ensembleMethod ?? 'median';
  const windows = backtestWindows(y.length, h, options.seasonPeriods, settings.windows ?? 3);
  if (windows === 0) {
    const fallback = candidates[0]!;
    const forecast = fallback.model(y, options);
    return {
      forecast: withWarning(forecast, {
        code: 'SL_FORECAST_SHORT_SERIES',
        message: `the history (${y.length} points) is too short to backtest a ${h}-step forecast, so ${fallback.name} was used without comparison`,
      }),
      windows: 0,
      scores: [],
      chosen: [fallback.name],
      reason: `${fallback.name}: the history is too short to compare models by backtest`,
    };
  }

  const backtest = {
    horizon: h,
    initial: minimumTraining(h, options.seasonPeriods),
    windows,
    levels: options.levels,
    seasonPeriods: options.seasonPeriods,
    seed: options.seed ?? 1,
  };
  // Candidates with a plan fit the whole history first; their windows reuse that fit's structure.
  const shortest = y.length - windows * h;
  const reuse =
    (settings.windowRefit ?? (shortest >= REUSE_SHARE * y.length ? 'parameters' : 'search')) === 'parameters';
  const plans = candidates.map((c) => (c.plan && reuse ? c.plan(y, options) : null));
  const results = candidates.map((c, i) => rollingOrigin(y, plans[i]?.window ?? c.model, backtest));
  const finalForecast = (i: number) => plans[i]?.forecast ?? candidates[i]!.model(y, options);
  const scores = candidates.map((c, i) => scoreOf(c.name, results[i]!));
  const ranked = scores.map((s, i) => ({ s, i })).sort((a, b) => compareScores(a.s, b.s));
  const best = ranked[0]!;
  const members = ranked.slice(0, size).filter((r) => r.s.mase !== null);

  let ensembleScore: CandidateScore | null = null;
  if (members.length >= 2 && combine !== 'best') {
    // The combination's backtest reuses the members' window forecasts: no model is refitted.
    const combined = rollingOrigin(
      y,
      windowReplay(
        members.map((r) => results[r.i]!),
        method,
      ),
      backtest,
    );
    ensembleScore = scoreOf('ensemble', combined);
  }
  const useEnsemble =
    ensembleScore !== null &&
    (combine === 'ensemble' ||
      (ensembleScore.mase !== null && best.s.mase !== null && ensembleScore.mase < best.s.mase));
  const allScores = [...scores, ...(ensembleScore ? [ensembleScore] : [])].sort(compareScores);

  if (useEnsemble && ensembleScore) {
    const finals = members.map((r) => finalForecast(r.i));
    const forecast = combineForecasts(finals, method);
    const names = members.map((r) => r.s.name);
    return {
      forecast,
      windows,
      scores: allScores,
      chosen: names,
      reason:
        combine === 'ensemble'
          ? `the ${method} of the ${names.length} best models by backtest MASE (${names.join(', ')}), as asked`
          : `the ${method} of ${names.join(', ')} had the lowest backtest MASE (${fmt(ensembleScore.mase)} against ${fmt(best.s.mase)} for ${best.s.name} alone) over ${windows} window(s) of ${h} steps`,
    };
  }
  const chosen = candidates[best.i]!;
  const forecast = finalForecast(best.i);
  const runnerUp = ranked[1];
  return {
    forecast,
    windows,
    scores: allScores,
    chosen: [chosen.name],
    reason:
      `${chosen.name} had the lowest backtest MASE (${fmt(best.s.mase)}` +
      (runnerUp ? `; next ${runnerUp.s.name} ${fmt(runnerUp.s.mase)}` : '') +
      `) over ${windows} window(s) of ${h} steps`,
  };
}

/** The per-step median or mean of several forecasts; intervals average the members' bounds. */
export function combineForecasts(parts: readonly ModelForecast[], method: 'median' | 'mean'): ModelForecast {
  const h = parts[0]!.mean.length;
  const pick = (get: (f: ModelForecast) => Float64Array): Float64Array => {
    const out = new Float64Array(h);
    const column = new Float64Array(parts.length);
    for (let i = 0; i < h; i++) {
      for (let k = 0; k < parts.length; k++) column[k] = get(parts[k]!)[i]!;
      out[i] = method === 'mean' ? average(column) : median(column);
    }
    return out;
  };
  const mean = pick((f) => f.mean);
  const intervals: PredictionInterval[] = parts[0]!.intervals.map((interval, j) => {
    const lower = pick((f) => f.intervals[j]!.lower);
    const upper = pick((f) => f.intervals[j]!.upper);
    // Averaged bounds can cross a median point forecast by a hair; keep lower <= mean <= upper.
    for (let i = 0; i < h; i++) {
      lower[i] = Math.min(lower[i]!, mean[i]!);
      upper[i] = Math.max(upper[i]!, mean[i]!);
    }
    return { level: interval.level, lower, upper };
  });
  return {
    model: `${method === 'median' ? 'Median' : 'Mean'}(${parts.map((p) => p.model).join(', ')})`,
    mean,
    intervals,
    intervalMethod: parts.every((p) => p.intervalMethod === parts[0]!.intervalMethod)
      ? parts[0]!.intervalMethod
      : 'simulation',
    fitted: null,
    params: {},
    logLik: null,
    aicc: null,
    warnings: dedupeWarnings(parts.flatMap((p) => p.warnings)),
  };
}

function scoreOf(name: string, result: BacktestResult): CandidateScore {
  const failed = result.windows.some((w) => !isFiniteForecast(w.forecast));
  const metrics = result.metrics;
  if (failed || metrics === null) return { name, model: null, mase: null, smape: null, coverage: {} };
  return {
    name,
    model: result.windows[result.windows.length - 1]!.forecast.model,
    mase: metrics.mase,
    smape: metrics.smape,
    coverage: metrics.coverage,
  };
}

/**
 * A model that answers each backtest window with the combination of the members' forecasts of that
 * window (recognised by the training length), so the combination is scored on the same windows
 * without fitting anything again.
 */
function windowReplay(members: readonly BacktestResult[], method: 'median' | 'mean'): ForecastModel {
  return (training) => {
    const parts = members.map((m) => m.windows.find((w) => w.origin === training.length)!.forecast);
    return combineForecasts(parts, method);
  };
}

/** Lower MASE first; a candidate without one (failed, or a flat history) goes last, by sMAPE. */
function compareScores(a: CandidateScore, b: CandidateScore): number {
  if (a.mase !== null && b.mase !== null) return a.mase - b.mase;
  if (a.mase !== null) return -1;
  if (b.mase !== null) return 1;
  return (a.smape ?? Number.POSITIVE_INFINITY) - (b.smape ?? Number.POSITIVE_INFINITY);
}

function withWarning(forecast: ModelForecast, warning: ForecastWarning): ModelForecast {
  return { ...forecast, warnings: [...forecast.warnings, warning] };
}

function dedupeWarnings(warnings: readonly ForecastWarning[]): ForecastWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.code}\n${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function average(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmt(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(3);
}

/**
 * A forecaster in Prophet's form (Taylor & Letham 2018): y(t) = g(t) + s(t) + X beta + e, with g a
 * piecewise-linear trend whose rate may change at 25 potential changepoints over the first 80% of
 * the history (Laplace prior 0.05 on the changes, so most are zero), s a Fourier series per seasonal
 * period, and regressors (holiday windows as 0/1 columns the caller builds) with Normal(0, 10)
 * priors; fitted at the MAP as Prophet does by default, intervals by simulating future trend changes
 * and noise. Defaults are Prophet's; the seasonal orders follow the period's length
 * (`defaultFourierOrder`).
 */
import { createRng } from '../../random.ts';
import type { ForecastModel, ForecastOptions, ForecastWarning, ModelForecast } from '../types.ts';
import { buildDesign, buildRows, defaultFourierOrder, type SeasonSpec, scaledTime } from './design.ts';
import { fitMap } from './fit.ts';
import { estimateVariance } from './parameter-uncertainty.ts';
import { simulateIntervals } from './uncertainty.ts';

export interface ProphetConfig {
  /** Potential changepoints (Prophet's n_changepoints, 25). */
  readonly changepoints?: number;
  /** Share of the history they are spread over (changepoint_range, 0.8). */
  readonly changepointRange?: number;
  /** Scale of the Laplace prior on rate changes (changepoint_prior_scale, 0.05). */
  readonly changepointPriorScale?: number;
  /** Sd of the Normal prior on Fourier coefficients (seasonality_prior_scale, 10). */
  readonly seasonalityPriorScale?: number;
  /** Sd of the Normal prior on regressor and holiday coefficients (prior_scale, 10). */
  readonly regressorPriorScale?: number;
  /** Fourier order per period in steps (default `defaultFourierOrder`). */
  readonly fourierOrder?: (period: number) => number;
  /** Sample paths for the intervals (uncertainty_samples, 1000). */
  readonly uncertaintySamples?: number;
  /**
   * Add the estimate's own error to the intervals (the fitted curve's variance at the MAP and a
   * degrees-of-freedom-corrected sigma; parameter-uncertainty.ts). Default true: Prophet's MAP intervals
   * leave it out and cover 1.5 to 2 points short of nominal at a few hundred points. False gives
   * Prophet's intervals exactly.
   */
  readonly parameterUncertainty?: boolean;
  /** Seed used when the options carry none. */
  readonly seed?: number;
}

/** The Prophet-style ForecastModel with the given settings (Prophet's defaults where not given). */
export function prophetModel(config: ProphetConfig = {}): ForecastModel {
  const settings = {
    changepoints: config.changepoints ?? 25,
    changepointRange: config.changepointRange ?? 0.8,
    changepointPriorScale: config.changepointPriorScale ?? 0.05,
    seasonalityPriorScale: config.seasonalityPriorScale ?? 10,
    regressorPriorScale: config.regressorPriorScale ?? 10,
  };
  const orderOf = config.fourierOrder ?? defaultFourierOrder;
  const samples = config.uncertaintySamples ?? 1000;
  const withEstimate = config.parameterUncertainty ?? true;
  return (y, options) =>
    fitProphet(y, options, settings, orderOf, samples, withEstimate, options.seed ?? config.seed ?? 1);
}

function fitProphet(
  y: Float64Array,
  options: ForecastOptions,
  settings: Parameters<typeof buildDesign>[3],
  orderOf: (period: number) => number,
  samples: number,
  withEstimate: boolean,
  seed: number,
): ModelForecast {
  const n = y.length;
  const h = options.horizon;
  const warnings: ForecastWarning[] = [];

  const periods = [...new Set(options.seasonPeriods)].filter((p) => p >= 2).sort((a, b) => a - b);
  const short = periods.filter((p) => n < 2 * p);
  if (short.length > 0) {
    warnings.push({
      code: 'SL_FORECAST_SHORT_SERIES',
      message: `${n} points hold fewer than two full cycles of period ${short.join(', ')}, so that seasonality is left out`,
    });
  }
  const seasons: SeasonSpec[] = periods
    .filter((p) => n >= 2 * p)
    .map((period) => ({
      period,
      order: Math.max(1, Math.min(Math.floor(period / 2), Math.round(orderOf(period)))),
    }));

  const { regressors, future } = checkedRegressors(options, n, h, warnings);

  if (isConstant(y)) {
    warnings.push({
      code: 'SL_FORECAST_CONSTANT_SERIES',
      message: `the series is constant at ${y[0]}, so the forecast is that value with intervals of no width`,
    });
    return constantForecast(y[0]!, n, options, warnings, seasons, regressors.length);
  }

  const design = buildDesign(n, seasons, regressors, settings);
  const { x, p } = design;
  let keep: Uint8Array | null = null;
  let yScale = maxAbs(y, keep);
  let ys = y.map((v) => v / yScale);
  let fit = fitMap(x, ys, n, p, design.priors);
  const outliers = findOutliers(x, p, ys, fit.theta);
  if (outliers.length > 0 && outliers.length <= OUTLIER_SHARE * n) {
    // Prophet's documentation advises removing outliers and fitting without them (it takes missing
    // points in its stride); one such point otherwise bends the trend through its changepoints.
    keep = new Uint8Array(n).fill(1);
    for (const i of outliers) keep[i] = 0;
    yScale = maxAbs(y, keep);
    ys = y.map((v) => v / yScale);
    fit = fitMap(x, ys, n, p, design.priors, keep);
    warnings.push({
      code: 'SL_FORECAST_OUTLIERS_SKIPPED',
      message: `${outliers.length} point(s) lay more than ${OUTLIER_SDS} robust sd from the fitted curve (at ${outliers.slice(0, 5).join(', ')}${outliers.length > 5 ? ', ...' : ''}) and were left out of the fit`,
    });
  }
  if (!fit.converged) {
    warnings.push({
      code: 'SL_FORECAST_FIT_FAILED',
      message: `the MAP search stopped after ${fit.sweeps} coordinate-descent passes before converging; the estimate is the last one`,
    });
  }
  const theta = fit.theta;

  const fitted = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let v = 0;
    for (let c = 0; c < p; c++) v += x[r * p + c]! * theta[c]!;
    fitted[r] = v * yScale;
  }
  const xf = buildRows(n, h, n, design.changepointT, seasons, future, design.regressorScaling, p);
  const point = new Float64Array(h);
  const futureT = new Float64Array(h);
  for (let j = 0; j < h; j++) {
    let v = 0;
    for (let c = 0; c < p; c++) v += xf[j * p + c]! * theta[c]!;
    point[j] = v;
    futureT[j] = scaledTime(n + j, n);
  }
  const ncp = design.changepointIndex.length;
  let meanAbsDelta = 0;
  for (let j = 0; j < ncp; j++) meanAbsDelta += Math.abs(theta[2 + j]!);
  meanAbsDelta = ncp > 0 ? meanAbsDelta / ncp : 0;
  const noiseSd = new Float64Array(h).fill(fit.sigma);
  const estimate = withEstimate
    ? estimateVariance(fit.gram, p, design.priors, theta, fit.sigma, fit.n, xf, h)
    : null;
  if (estimate !== null) {
    for (let j = 0; j < h; j++) noiseSd[j] = Math.sqrt(estimate.noiseVariance + estimate.fittedVariance[j]!);
  }
  const bands = simulateIntervals(
    point,
    futureT,
    noiseSd,
    { changepoints: ncp, meanAbsDelta },
    options.levels,
    samples,
    createRng(seed),
  );
  const scale = (a: Float64Array) => a.map((v) => v * yScale);

  const sigma = fit.sigma * yScale;
  const rss = fit.rss * yScale * yScale;
  const logLik =
    sigma > 0 ? -0.5 * n * Math.log(2 * Math.PI * sigma * sigma) - rss / (2 * sigma * sigma) : null;

  return {
    model: modelName(ncp, seasons, regressors.length),
    mean: scale(point),
    intervals: options.levels.map((level, l) => ({
      level,
      lower: scale(bands[l]!.lower),
      upper: scale(bands[l]!.upper),
    })),
    intervalMethod: 'simulation',
    // Prophet's in-sample yhat: the fitted curve at each point, not a one-step-ahead forecast.
    fitted,
    params: params(design, theta, yScale, n, sigma),
    logLik: logLik !== null && Number.isFinite(logLik) ? logLik : null,
    // A penalised fit has no honest parameter count, so no AICc; selection is by backtest.
    aicc: null,
    warnings,
  };
}

/**
 * The parameters in the series' units: `k` the initial slope per step, `m` the level at the first
 * step, `delta_i` and `changepoint_i` each potential changepoint's slope change per step and index,
 * `sigma`, the Fourier coefficients and each regressor's effect per unit of the regressor.
 */
function params(
  design: ReturnType<typeof buildDesign>,
  theta: Float64Array,
  yScale: number,
  n: number,
  sigma: number,
): Record<string, number> {
  const perStep = n > 1 ? 1 / (n - 1) : 1;
  const out: Record<string, number> = {
    m: theta[0]! * yScale,
    k: theta[1]! * yScale * perStep,
    sigma,
  };
  for (let j = 0; j < design.changepointIndex.length; j++) {
    out[`changepoint${j + 1}`] = design.changepointIndex[j]!;
    out[`delta${j + 1}`] = theta[2 + j]! * yScale * perStep;
  }
  for (let c = design.seasonStart; c < design.regressorStart; c++) out[design.names[c]!] = theta[c]! * yScale;
  for (let c = design.regressorStart; c < design.p; c++) {
    const sc = design.regressorScaling[c - design.regressorStart]!;
    out[design.names[c]!] = (theta[c]! * yScale) / sc.std;
  }
  return out;
}

function modelName(changepoints: number, seasons: readonly SeasonSpec[], regressors: number): string {
  const parts = [`changepoints=${changepoints}`];
  if (seasons.length > 0) parts.push(`fourier=${seasons.map((s) => `${s.period}:${s.order}`).join('+')}`);
  if (regressors > 0) parts.push(`xreg=${regressors}`);
  return `Prophet(${parts.join(',')})`;
}

/**
 * The regressors over the history and the horizon when they are usable: as many future columns as
 * past ones, each of the right length and finite. Otherwise none, with a coded warning (the model
 * then forecasts without them rather than failing).
 */
function checkedRegressors(options: ForecastOptions, n: number, h: number, warnings: ForecastWarning[]) {
  const past = options.xreg ?? [];
  const future = options.futureXreg ?? [];
  if (past.length === 0 && future.length === 0) return { regressors: [], future: [] };
  const ok =
    past.length === future.length &&
    past.every((c) => c.length === n && c.every(Number.isFinite)) &&
    future.every((c) => c.length === h && c.every(Number.isFinite));
  if (!ok) {
    warnings.push({
      code: 'SL_FORECAST_OPTION_INVALID',
      message: `the regressors were left out: ${past.length} history column(s) of length ${n} need as many future columns of length ${h}, all finite`,
    });
    return { regressors: [], future: [] };
  }
  return { regressors: [...past], future: [...future] };
}

/** Points beyond this many robust sd (1.4826 MAD) of the first fit's residuals count as outliers... */
const OUTLIER_SDS = 6;
/** ...unless they are more than this share of the series: then the model, not the points, is off. */
const OUTLIER_SHARE = 0.05;

/** Indices whose residual from the fitted curve exceeds OUTLIER_SDS robust sd. */
function findOutliers(x: Float64Array, p: number, ys: Float64Array, theta: Float64Array): number[] {
  const n = ys.length;
  const residual = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let v = 0;
    for (let c = 0; c < p; c++) v += x[r * p + c]! * theta[c]!;
    residual[r] = ys[r]! - v;
  }
  const sorted = Float64Array.from(residual).sort();
  const median = sorted[n >> 1]!;
  const deviations = residual.map((v) => Math.abs(v - median)).sort();
  // A MAD of zero (an exact fit of most points) still leaves room for rounding: 1e-9 of the unit scale.
  const scale = Math.max(1.4826 * deviations[n >> 1]!, 1e-9);
  const out: number[] = [];
  for (let r = 0; r < n; r++) if (Math.abs(residual[r]! - median) > OUTLIER_SDS * scale) out.push(r);
  return out;
}

function maxAbs(y: Float64Array, keep: Uint8Array | null): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) if (keep === null || keep[i] !== 0) m = Math.max(m, Math.abs(y[i]!));
  return m > 0 ? m : 1;
}

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

function constantForecast(
  value: number,
  n: number,
  options: ForecastOptions,
  warnings: ForecastWarning[],
  seasons: readonly SeasonSpec[],
  regressors: number,
): ModelForecast {
  const flat = () => new Float64Array(options.horizon).fill(value);
  return {
    model: modelName(0, seasons, regressors),
    mean: flat(),
    intervals: options.levels.map((level) => ({ level, lower: flat(), upper: flat() })),
    intervalMethod: 'simulation',
    fitted: new Float64Array(n).fill(value),
    params: { m: value, k: 0, sigma: 0 },
    logLik: null,
    aicc: null,
    warnings,
  };
}

/**
 * The structural time-series model as a `ForecastModel` (Harvey 1989; Durbin & Koopman 2012): local level
 * or local linear trend, an optional season (the first of `options.seasonPeriods`), optional regressors,
 * variances by maximum likelihood, forecasts and analytic Gaussian intervals from the filter's predictive
 * variance. Unlike the other models it accepts NaN in y: the filter skips missing points.
 *
 * Fallbacks (each with a coded warning, never a throw or a NaN): fewer than 3 observed points → the last
 * value; a constant series → that constant with zero-width intervals; a season longer than half the
 * observed points → no season; regressors without matching future values → no regressors; a
 * non-finite fit or states the data cannot identify → the next simpler structure.
 */
import { normalQuantile } from '../../stats/distributions.ts';
import type { ForecastModel, ForecastOptions, ForecastWarning, ModelForecast } from '../types.ts';
import { fitSts, type StsFit } from './fit.ts';
import { forecastMoments } from './forecast.ts';
import { type SeasonalForm, type StsStructure, structureName, type TrendKind } from './system.ts';

export interface StsSpec {
  readonly trend: TrendKind;
  /** Model the first of `options.seasonPeriods` (default true when one is given). */
  readonly seasonal?: boolean;
  /** `auto` (default): dummy up to period 24, trigonometric with `harmonics` above (fewer states). */
  readonly seasonalForm?: SeasonalForm | 'auto';
  /** Harmonics of the trigonometric form (default min(floor(m/2), 6)). */
  readonly harmonics?: number;
}

/** Longest period given the dummy form by default: 23 states is where the filter's O(k²) step still fits the budget. */
const DUMMY_MAX_PERIOD = 24;

/** The structural model with this trend and season, fitted by maximum likelihood on each call. */
export function stsModel(spec: StsSpec): ForecastModel {
  return (y, options) => forecastSts(spec, y, options);
}

function forecastSts(spec: StsSpec, y: Float64Array, options: ForecastOptions): ModelForecast {
  const warnings: ForecastWarning[] = [];
  let observed = 0;
  let last = Number.NaN;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of y) {
    if (Number.isNaN(v)) continue;
    observed++;
    last = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (observed < 3) {
    warnings.push({
      code: 'SL_FORECAST_SHORT_SERIES',
      message: `The series has ${observed} observed points; the structural model needs 3, so the last value is repeated.`,
    });
    return flat(Number.isNaN(last) ? 0 : last, y.length, options, 'STS(last value)', warnings);
  }
  if (min === max) {
    warnings.push({
      code: 'SL_FORECAST_CONSTANT_SERIES',
      message: `The series is constant at ${min}; the forecast is that constant.`,
    });
    return flat(min, y.length, options, 'STS(constant)', warnings);
  }

  let regressors = options.xreg?.length ?? 0;
  if (
    regressors > 0 &&
    (options.futureXreg?.length !== regressors ||
      options.futureXreg.some((x) => x.length < options.horizon) ||
      options.xreg!.some((x) => x.length !== y.length))
  ) {
    warnings.push({
      code: 'SL_FORECAST_OPTION_INVALID',
      message:
        'Regressors need one history array as long as the series and one future array of the horizon each; they were left out.',
    });
    regressors = 0;
  }
  const xreg = regressors > 0 ? options.xreg! : [];
  const futureXreg = regressors > 0 ? options.futureXreg! : [];

  let period = spec.seasonal === false ? 0 : Math.round(options.seasonPeriods[0] ?? 0);
  if (period >= 2 && observed < 2 * period) {
    warnings.push({
      code: 'SL_FORECAST_SHORT_SERIES',
      message: `${observed} observed points are fewer than two seasons of ${period}; the season was left out.`,
    });
    period = 0;
  }
  const form = spec.seasonalForm ?? 'auto';
  const seasonalForm: SeasonalForm =
    form === 'auto' ? (period <= DUMMY_MAX_PERIOD ? 'dummy' : 'trigonometric') : form;
  const harmonics = spec.harmonics ?? Math.min(Math.floor(period / 2), 6);

  // From the structure asked for down to the local level, the first that fits.
  const candidates: StsStructure[] = [{ trend: spec.trend, period, seasonalForm, harmonics, regressors }];
  if (period >= 2) candidates.push({ trend: spec.trend, period: 0, seasonalForm, harmonics, regressors });
  if (spec.trend === 'local-linear') {
    candidates.push({ trend: 'level', period: 0, seasonalForm, harmonics, regressors });
  }
  let fit: StsFit | null = null;
  for (const structure of candidates) {
    const attempt = fitSts(y, structure, xreg);
    if (Number.isFinite(attempt.logLik) && !attempt.filter.stillDiffuse) {
      fit = attempt;
      break;
    }
    warnings.push({
      code: 'SL_FORECAST_FIT_FAILED',
      message: `${structureName(structure)} could not be fitted (the likelihood was not finite or the data do not identify every state); a simpler structure was tried.`,
    });
  }
  if (fit === null) return flat(last, y.length, options, 'STS(last value)', warnings);
  const cleaned = outliersAsMissing(y, fit.filter.fitted);
  if (cleaned !== null) {
    const refit = fitSts(cleaned.y, fit.structure, xreg);
    if (Number.isFinite(refit.logLik) && !refit.filter.stillDiffuse) {
      fit = refit;
      warnings.push({
        code: 'SL_FORECAST_OUTLIERS_SKIPPED',
        message: `${cleaned.rows.length} point(s) far outside the one-step predictions were treated as missing (rows ${cleaned.rows.slice(0, 10).join(', ')}${cleaned.rows.length > 10 ? ', ...' : ''}).`,
      });
    }
  }

  const moments = forecastMoments(fit.layout, fit.filter, fit.variances, futureXreg, options.horizon);
  const intervals = options.levels.map((level) => {
    const z = normalQuantile(0.5 + level / 200);
    const lower = new Float64Array(options.horizon);
    const upper = new Float64Array(options.horizon);
    for (let j = 0; j < options.horizon; j++) {
      const half = z * Math.sqrt(moments.variance[j]!);
      lower[j] = moments.mean[j]! - half;
      upper[j] = moments.mean[j]! + half;
    }
    return { level, lower, upper };
  });

  const params: Record<string, number> = {
    'sigma2.irregular': fit.variances.irregular,
    'sigma2.level': fit.variances.level,
  };
  if (fit.structure.trend === 'local-linear') params['sigma2.slope'] = fit.variances.slope;
  if (fit.structure.period >= 2) params['sigma2.seasonal'] = fit.variances.seasonal;
  for (let i = 0; i < fit.structure.regressors; i++) {
    params[`beta.${i + 1}`] = fit.filter.aEnd[fit.layout.betaStart + i]!;
  }
  // Parameters for AICc: the variances plus the diffuse initial states (D&K 2012 §7.4: AIC counts
  // the w diffuse elements of α_1 as estimated).
  const q = Object.keys(params).length - fit.structure.regressors + fit.layout.k;
  const n = fit.filter.observed;
  const aicc = n - q - 1 > 0 ? -2 * fit.logLik + 2 * q + (2 * q * (q + 1)) / (n - q - 1) : null;
  if (!fit.converged) {
    warnings.push({
      code: 'SL_FORECAST_FIT_FAILED',
      message: 'The likelihood search stopped at its evaluation limit; the variances are the best found.',
    });
  }
  return {
    model: structureName(fit.structure),
    mean: moments.mean,
    intervals,
    intervalMethod: 'analytic',
    fitted: fit.filter.fitted,
    params,
    logLik: fit.logLik,
    aicc,
    warnings,
  };
}

/** Innovations beyond this many robust standard deviations (1.4826 MAD) count as outliers. */
const OUTLIER_LIMIT = 6;

/**
 * y with NaN where the one-step innovation y_t − ŷ_t lies beyond OUTLIER_LIMIT robust standard deviations
 * of all innovations, or null when none does. The scale is the MAD, not the filter's F_t: a Gaussian fit
 * inflates the irregular variance to absorb a gross outlier, which would hide it (Harvey 1989 §5.4 uses
 * the auxiliary residuals for the same reason). Treating the point as missing is what the filter does
 * natively, so the rest of the series keeps its full weight.
 */
function outliersAsMissing(
  y: Float64Array,
  fitted: Float64Array,
): { y: Float64Array; rows: number[] } | null {
  const innovations: number[] = [];
  for (let t = 0; t < y.length; t++) {
    const e = y[t]! - fitted[t]!;
    if (Number.isFinite(e)) innovations.push(e);
  }
  if (innovations.length < 10) return null;
  const median = (xs: number[]): number => {
    const sorted = xs.slice().sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const centre = median(innovations);
  const scale = 1.4826 * median(innovations.map((e) => Math.abs(e - centre)));
  if (!(scale > 0)) return null;
  const rows: number[] = [];
  const out = y.slice();
  for (let t = 0; t < y.length; t++) {
    const e = y[t]! - fitted[t]!;
    if (Number.isFinite(e) && Math.abs(e - centre) > OUTLIER_LIMIT * scale) {
      rows.push(t);
      out[t] = Number.NaN;
    }
  }
  return rows.length > 0 ? { y: out, rows } : null;
}

/** A flat forecast at `value` with zero-width intervals (the fallback when nothing can be fitted). */
function flat(
  value: number,
  n: number,
  options: ForecastOptions,
  model: string,
  warnings: ForecastWarning[],
): ModelForecast {
  const mean = new Float64Array(options.horizon).fill(value);
  return {
    model,
    mean,
    intervals: options.levels.map((level) => ({ level, lower: mean.slice(), upper: mean.slice() })),
    intervalMethod: 'none',
    fitted: new Float64Array(n).fill(Number.NaN),
    params: {},
    logLik: null,
    aicc: null,
    warnings,
  };
}

/**
 * The MSTL forecaster, as R's `forecast(mstl(x), ...)` (`forecast.stl`; Hyndman & Athanasopoulos,
 * FPP3 section 3.6 and FPP2 section 6.8 "Forecasting with decomposition"): decompose y with MSTL over
 * `options.seasonPeriods`, forecast the seasonally adjusted series (trend + remainder) with a
 * non-seasonal model, and add back each seasonal component's last cycle repeated (its seasonal naive
 * forecast). The intervals are the adjusted model's, shifted by the same seasonal terms: like R, they
 * take the seasonal components as known, which is what makes them narrow when a season drifts.
 */
import type {
  ForecastModel,
  ForecastOptions,
  ForecastPlan,
  ForecastWarning,
  ModelForecast,
  PlannedModel,
} from '../types.ts';
import { type MstlOptions, mstl } from './mstl.ts';

/**
 * A ForecastModel that runs `adjusted` (called with the same options and seasonPeriods []) on the
 * MSTL-adjusted series. Named `MSTL(24,168)+<adjusted's name>`. Periods with fewer than two full
 * cycles in y are dropped with SL_FORECAST_SHORT_SERIES; when none is left, or y is constant, the
 * result is `adjusted` on y itself (with that warning where periods were dropped).
 */
export function mstlModel(adjusted: ForecastModel, decomposition: MstlOptions = {}): ForecastModel {
  return (y, options) => mstlForecast(y, options, decomposition, adjusted);
}

/**
 * `mstlModel` with a planned inner model: the whole history is forecast exactly as `mstlModel` does,
 * and a backtest window decomposes its own training part (MSTL is cheap: 0.6 ms at n = 730, m = 7)
 * and forecasts its adjusted series with the inner plan's window model (for AutoETS, the form chosen
 * on the whole adjusted series, refitted), instead of repeating the inner model's search.
 */
export function mstlPlan(adjusted: PlannedModel, decomposition: MstlOptions = {}): PlannedModel {
  return (y, options) => {
    const inner: { plan: ForecastPlan | null } = { plan: null };
    const forecast = mstlForecast(y, options, decomposition, (series, innerOptions) => {
      inner.plan = adjusted(series, innerOptions);
      return inner.plan.forecast;
    });
    const innerWindow: ForecastModel = inner.plan?.window ?? ((s, o) => adjusted(s, o).forecast);
    return { forecast, window: (train, o) => mstlForecast(train, o, decomposition, innerWindow) };
  };
}

function mstlForecast(
  y: Float64Array,
  options: ForecastOptions,
  decomposition: MstlOptions,
  adjusted: ForecastModel,
): ModelForecast {
  const n = y.length;
  const warnings: ForecastWarning[] = [];
  const requested = [...new Set(options.seasonPeriods.map((p) => Math.round(p)))]
    .filter((p) => p >= 2)
    .sort((a, b) => a - b);
  const periods = requested.filter((p) => p < n / 2);
  const dropped = requested.filter((p) => p >= n / 2);
  if (dropped.length > 0) {
    warnings.push({
      code: 'SL_FORECAST_SHORT_SERIES',
      message: `${n} points hold fewer than two full cycles of period ${dropped.join(', ')}, so MSTL leaves ${dropped.length === 1 ? 'it' : 'them'} out`,
    });
  }
  const innerOptions = { ...options, seasonPeriods: [] };
  if (periods.length === 0 || isConstant(y)) {
    const inner = adjusted(y, innerOptions);
    return { ...inner, warnings: [...warnings, ...innerWarnings(inner)] };
  }

  const dec = mstl(y, periods, decomposition);
  const inner = adjusted(dec.adjusted, innerOptions);
  const h = options.horizon;
  const lastSeason = new Float64Array(h);
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i]!;
    const seas = dec.seasonals[i]!;
    // R: rep(s[n - rev(seq_len(p)) + 1], ...) -- step j repeats s[n - p + (j mod p)].
    for (let j = 0; j < h; j++) lastSeason[j] = lastSeason[j]! + seas[n - p + (j % p)]!;
  }
  const shift = (a: Float64Array) => {
    const out = new Float64Array(h);
    for (let j = 0; j < h; j++) out[j] = a[j]! + lastSeason[j]!;
    return out;
  };
  let fitted: Float64Array | null = null;
  if (inner.fitted !== null) {
    fitted = new Float64Array(n);
    for (let t = 0; t < n; t++) fitted[t] = inner.fitted[t]! + (y[t]! - dec.adjusted[t]!);
  }
  const result: ModelForecast = {
    model: `MSTL(${periods.join(',')})+${inner.model}`,
    mean: shift(inner.mean),
    intervals: inner.intervals.map((iv) => ({
      level: iv.level,
      lower: shift(iv.lower),
      upper: shift(iv.upper),
    })),
    intervalMethod: inner.intervalMethod,
    fitted,
    params: { ...inner.params },
    // The inner likelihood is of the adjusted series, not of y, so an AICc compared with models of y
    // would mislead; selection among such models is by backtest.
    logLik: null,
    aicc: null,
    warnings: [...warnings, ...innerWarnings(inner)],
  };
  return result;
}

function isConstant(y: Float64Array): boolean {
  const first = y[0]!;
  for (let i = 1; i < y.length; i++) if (y[i] !== first) return false;
  return true;
}

/**
 * The inner model's warnings, less the one saying it was given no season: MSTL takes the seasons out
 * before the inner model runs, so that is by design, not news for the user.
 */
function innerWarnings(inner: ModelForecast): ForecastWarning[] {
  return inner.warnings.filter((w) => w.code !== 'SL_FORECAST_SEASON_UNSUPPORTED');
}

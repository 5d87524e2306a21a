/**
 * What an ETS fit may use of a series and its options, decided before any fitting: the season (R's
 * ets takes one period, from 2 to 24), whether there is enough data for a season or a trend, whether
 * multiplicative parts are allowed, and whether the series is constant. Each restriction is a coded
 * warning, never an exception.
 */
import type { ForecastOptions, ForecastWarning } from '../types.ts';
import type { EtsForm } from './form.ts';

/** R's ets ignores seasons above 24 ("Frequency too high"; its C code holds at most 24 seasons). */
export const MAX_PERIOD = 24;

export interface Prepared {
  /** The period to use, 1 when no season can be fitted. */
  readonly m: number;
  readonly positive: boolean;
  readonly constant: boolean;
  /** Whether a trend can be fitted (enough points for its two states and weight). */
  readonly trendAllowed: boolean;
  readonly warnings: ForecastWarning[];
}

/**
 * Looks at y and the options. `wantsSeason` is false when the caller asked for a non-seasonal form (no
 * warning then about a missing period).
 */
export function prepare(y: Float64Array, options: ForecastOptions, wantsSeason: boolean): Prepared {
  const n = y.length;
  const warnings: ForecastWarning[] = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, y[i]!);
    max = Math.max(max, y[i]!);
  }
  const constant = max - min <= 1e-12 * Math.max(1, Math.abs(max));
  const first = options.seasonPeriods[0];
  let m = 1;
  if (wantsSeason) {
    if (first === undefined || first < 2) {
      warnings.push({
        code: 'SL_FORECAST_SEASON_UNSUPPORTED',
        message: 'no seasonal period was given, so ETS was fitted without a season',
      });
    } else if (first > MAX_PERIOD || !Number.isInteger(first)) {
      warnings.push({
        code: 'SL_FORECAST_SEASON_UNSUPPORTED',
        message: `ETS handles integer seasonal periods up to ${MAX_PERIOD} (as R's ets); period ${first} was left out, so it was fitted without a season`,
      });
    } else if (n < 2 * first + 3) {
      // Two full seasons and a few points; R's own floor (n > its parameter count + 4, m + 6 for ANA)
      // is lower, but a season estimated from one cycle is mostly that cycle's noise.
      warnings.push({
        code: 'SL_FORECAST_SHORT_SERIES',
        message: `${n} points are fewer than two seasons of ${first} plus 3, so ETS was fitted without a season`,
      });
    } else m = first;
  }
  return {
    m,
    positive: min > 0,
    constant,
    // R's rule for a trend: n > 2 + 2 (+1 damped) + 4 points; the damped count is checked per form.
    trendAllowed: n > 9,
    warnings,
  };
}

/** The form actually fitted when `form` asks for more than the data allow, with the warnings that say so. */
export function restrictForm(
  form: EtsForm,
  prepared: Prepared,
  n: number,
): { form: EtsForm; warnings: ForecastWarning[] } {
  const warnings: ForecastWarning[] = [];
  let { error, trend, season } = form;
  if (!prepared.positive && (error === 'M' || season === 'M')) {
    warnings.push({
      code: 'SL_FORECAST_NON_POSITIVE',
      message: `the series has values <= 0, so ${error === 'M' ? 'the error' : 'the season'}${error === 'M' && season === 'M' ? ' and the season were' : ' was'} made additive`,
    });
    error = 'A';
    if (season === 'M') season = 'A';
  }
  if (prepared.m === 1) season = 'N';
  if (trend !== 'N' && (!prepared.trendAllowed || (trend === 'Ad' && n <= 10))) {
    warnings.push({
      code: 'SL_FORECAST_SHORT_SERIES',
      message: `${n} points are too few to estimate a trend, so ETS was fitted without one`,
    });
    trend = 'N';
  }
  return { form: { error, trend, season }, warnings };
}

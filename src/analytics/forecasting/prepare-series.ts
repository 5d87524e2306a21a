/**
 * Turns a series as read into what a model takes: a regular grid with gaps filled, the seasonal
 * periods (the user's, else those the step implies), and the times of the forecast steps.
 */

import { SightlineError } from '../../errors/index.ts';
import {
  describeStep,
  fillGaps,
  type GridStep,
  regularize,
  stepTime,
} from '../../math/forecast/regularize.ts';
import { inferSeasonPeriods } from '../../math/forecast/season.ts';
import type { ForecastWarning } from '../../math/forecast/types.ts';
import type { RawSeries } from './series-input.ts';

export interface PreparedSeries {
  readonly id: string | null;
  /** Finite values on a regular grid. */
  readonly y: Float64Array;
  /** The same with NaN where the input had no value (for models that handle gaps themselves). */
  readonly observed: Float64Array;
  /** The grid, when the input had times. */
  readonly grid: { readonly start: number; readonly step: GridStep } | null;
  readonly seasonPeriods: readonly number[];
  readonly warnings: readonly ForecastWarning[];
}

/** At fewer points no model has anything to fit. */
export const MIN_POINTS = 3;

/**
 * `seasonPeriods` null infers them from the step (none for a series without times); an explicit list is
 * kept as given, and a period the history does not cover twice is dropped with a warning.
 */
export function prepareSeries(
  raw: RawSeries,
  seasonPeriods: readonly number[] | null,
  label: string,
): PreparedSeries {
  const name = raw.id === null ? label : `${label} series ${JSON.stringify(raw.id)}`;
  const finite = raw.values.reduce((n, v) => n + (Number.isFinite(v) ? 1 : 0), 0);
  if (finite < MIN_POINTS) {
    throw new SightlineError(
      'SL_FORECAST_INPUT_INVALID',
      `${name} has ${finite} numeric value(s); at least ${MIN_POINTS} are needed`,
    );
  }
  const warnings: ForecastWarning[] = [];
  let y: Float64Array;
  let observed: Float64Array;
  let grid: PreparedSeries['grid'] = null;
  if (raw.times === null) {
    observed = raw.values;
    const filled = fillGaps(raw.values);
    y = filled.y;
    if (filled.filled > 0) {
      warnings.push({
        code: 'SL_FORECAST_MISSING_FILLED',
        message: `${filled.filled} of ${y.length} values were missing and were filled by linear interpolation`,
      });
    }
  } else {
    const regular = regularize(raw.times, raw.values);
    if (regular.step.kind === 'fixed' && regular.step.us === 0) {
      throw new SightlineError('SL_FORECAST_INPUT_INVALID', `${name}: every row has the same timestamp`);
    }
    y = regular.y;
    observed = regular.observed;
    grid = { start: regular.start, step: regular.step };
    warnings.push(...regular.warnings);
  }
  let periods: number[];
  if (seasonPeriods === null) {
    periods = grid === null ? [] : inferSeasonPeriods(grid.step, y.length);
  } else {
    periods = seasonPeriods.filter((m) => y.length >= 2 * m);
    const dropped = seasonPeriods.filter((m) => y.length < 2 * m);
    if (dropped.length > 0) {
      warnings.push({
        code: 'SL_FORECAST_SHORT_SERIES',
        message: `the history (${y.length} points) covers season ${dropped.join(', ')} less than twice, so it was left out`,
      });
    }
  }
  return { id: raw.id, y, observed, grid, seasonPeriods: periods, warnings };
}

/** ISO 8601 times of the `horizon` steps after the series ends, or null without a grid. */
export function forecastTimes(series: PreparedSeries, horizon: number): string[] | null {
  if (series.grid === null) return null;
  const { start, step } = series.grid;
  return Array.from({ length: horizon }, (_, k) => isoTime(stepTime(start, step, series.y.length + k), step));
}

/** ISO 8601 times of the history's steps, or null without a grid. */
export function historyTimes(series: PreparedSeries): string[] | null {
  if (series.grid === null) return null;
  const { start, step } = series.grid;
  return Array.from({ length: series.y.length }, (_, k) => isoTime(stepTime(start, step, k), step));
}

/** A date for daily and longer steps at midnight, a date-time otherwise. */
function isoTime(us: number, step: GridStep): string {
  const iso = new Date(Math.round(us / 1000)).toISOString();
  const daily =
    step.kind === 'months' || describeStep(step).endsWith('d') || describeStep(step).endsWith('w');
  return daily && iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

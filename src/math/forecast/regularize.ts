/**
 * Puts observations at arbitrary times onto a regular grid, the form every model needs.
 *
 * The step is the most common gap between consecutive distinct times (the mode, so a few missing or
 * doubled points do not change it); gaps of 28 to 31 days are a calendar month, 89 to 92 days a quarter
 * and 365 or 366 days a year, counted on the calendar so that months of different lengths line up.
 * Points that fall in the same step are averaged; a point off the grid goes to the nearest step. Steps
 * with no point are NaN in `observed` and filled by linear interpolation in `y` (the nearest value at
 * the ends), each with a coded warning, so a model sees finite numbers and can still tell which were
 * filled.
 */
import type { ForecastWarning } from './types.ts';

const US_PER_DAY = 86_400_000_000;

/** A step of the grid: a fixed number of microseconds, or a number of calendar months. */
export type GridStep =
  | { readonly kind: 'fixed'; readonly us: number }
  | { readonly kind: 'months'; readonly months: number };

export interface RegularSeries {
  /** Epoch microseconds of the first step. */
  readonly start: number;
  readonly step: GridStep;
  /** Values on the grid, gaps filled. */
  readonly y: Float64Array;
  /** Values on the grid with NaN where no point fell. */
  readonly observed: Float64Array;
  readonly warnings: readonly ForecastWarning[];
}

/**
 * The regular series of `values` observed at `times` (epoch microseconds, any order). Non-finite values
 * count as missing. Needs at least two distinct times (the caller checks the point count).
 */
export function regularize(times: ArrayLike<number>, values: ArrayLike<number>): RegularSeries {
  const order = Array.from({ length: times.length }, (_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const sortedTimes = order.map((i) => times[i]!);
  const step = modalStep(sortedTimes);
  const start = sortedTimes[0]!;
  const positions = sortedTimes.map((t) => stepIndex(start, t, step));
  const length = positions[positions.length - 1]! + 1;
  const sums = new Float64Array(length);
  const counts = new Uint32Array(length);
  let offGrid = 0;
  let shared = 0;
  for (let k = 0; k < order.length; k++) {
    const position = positions[k]!;
    if (Math.abs(position - stepIndexExact(start, sortedTimes[k]!, step)) > 1e-6) offGrid++;
    const v = values[order[k]!]!;
    if (!Number.isFinite(v)) continue;
    if (counts[position]! > 0) shared++;
    sums[position]! += v;
    counts[position]!++;
  }
  const observed = new Float64Array(length);
  for (let i = 0; i < length; i++) observed[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : Number.NaN;
  const warnings: ForecastWarning[] = [];
  if (offGrid > 0 || shared > 0) {
    warnings.push({
      code: 'SL_FORECAST_IRREGULAR',
      message: `the timestamps are not equally spaced: ${offGrid} point(s) were moved to the nearest ${describeStep(step)} step and ${shared} shared a step with another and were averaged`,
    });
  }
  const { y, filled } = fillGaps(observed);
  if (filled > 0) {
    warnings.push({
      code: 'SL_FORECAST_MISSING_FILLED',
      message: `${filled} of ${length} ${describeStep(step)} steps had no value and were filled by linear interpolation`,
    });
  }
  return { start, step, y, observed, warnings };
}

/** The epoch microseconds of grid step `index` (which may lie past the end, for forecast times). */
export function stepTime(start: number, step: GridStep, index: number): number {
  if (step.kind === 'fixed') return start + index * step.us;
  const date = new Date(Math.floor(start / 1000));
  const micros = start - Math.floor(start / 1000) * 1000;
  const shifted = Date.UTC(
    date.getUTCFullYear(),
    date.getUTCMonth() + index * step.months,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
  return shifted * 1000 + micros;
}

/** A short name for the step: `1h`, `1d`, `15m`, `1mo`. */
export function describeStep(step: GridStep): string {
  if (step.kind === 'months')
    return step.months === 12 ? '1y' : step.months === 3 ? '1q' : `${step.months}mo`;
  const units: [number, string][] = [
    [7 * US_PER_DAY, 'w'],
    [US_PER_DAY, 'd'],
    [3_600_000_000, 'h'],
    [60_000_000, 'm'],
    [1_000_000, 's'],
  ];
  for (const [us, unit] of units) if (step.us % us === 0) return `${step.us / us}${unit}`;
  return `${step.us}us`;
}

/** Linear interpolation over NaN runs; the nearest value before the first and after the last point. */
export function fillGaps(observed: Float64Array): { y: Float64Array; filled: number } {
  const y = Float64Array.from(observed);
  let filled = 0;
  let previous = -1;
  for (let i = 0; i <= y.length; i++) {
    if (i < y.length && Number.isNaN(y[i]!)) continue;
    const gap = i - previous - 1;
    if (gap > 0) {
      filled += gap;
      for (let j = previous + 1; j < i; j++) {
        if (previous < 0) y[j] = y[i]!;
        else if (i === y.length) y[j] = y[previous]!;
        else y[j] = y[previous]! + ((y[i]! - y[previous]!) * (j - previous)) / (i - previous);
      }
    }
    previous = i;
  }
  return { y, filled };
}

function modalStep(sortedTimes: readonly number[]): GridStep {
  const gaps = new Map<number, number>();
  for (let i = 1; i < sortedTimes.length; i++) {
    const gap = sortedTimes[i]! - sortedTimes[i - 1]!;
    if (gap > 0) gaps.set(gap, (gaps.get(gap) ?? 0) + 1);
  }
  let fixed = 0;
  let best = 0;
  for (const [gap, count] of gaps) {
    if (count > best || (count === best && gap < fixed)) {
      fixed = gap;
      best = count;
    }
  }
  // Calendar steps: all the common gaps of a monthly (quarterly, yearly) series fall in one band.
  const days = fixed / US_PER_DAY;
  const bands: [number, number, number][] = [
    [28, 31, 1],
    [89, 92, 3],
    [365, 366, 12],
  ];
  for (const [lo, hi, months] of bands) {
    if (days >= lo && days <= hi) {
      let inBand = 0;
      for (const [gap, count] of gaps) if (gap / US_PER_DAY >= lo && gap / US_PER_DAY <= hi) inBand += count;
      if (inBand >= best) return { kind: 'months', months };
    }
  }
  return { kind: 'fixed', us: fixed };
}

function stepIndexExact(start: number, t: number, step: GridStep): number {
  if (step.kind === 'fixed') return (t - start) / step.us;
  const a = new Date(Math.floor(start / 1000));
  const b = new Date(Math.floor(t / 1000));
  const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  const anchor = stepTime(start, { kind: 'months', months: 1 }, months);
  const next = stepTime(start, { kind: 'months', months: 1 }, months + 1);
  return (months + (t - anchor) / (next - anchor)) / step.months;
}

function stepIndex(start: number, t: number, step: GridStep): number {
  return Math.max(0, Math.round(stepIndexExact(start, t, step)));
}

import { SightlineError } from '../../../errors/index.ts';
import { addDays } from '../date-range.ts';

/**
 * Calendar periods on local dates (`YYYY-MM-DD`), shared by retention, stickiness and lifecycle: a
 * period is named by its first day; weeks start on Monday (ISO 8601), months on the 1st. The arithmetic is
 * on dates alone, so it needs no time zone: the SQL turns each event's UTC time into a local date first.
 */
export type PeriodUnit = 'day' | 'week' | 'month';

export const PERIOD_UNITS = ['day', 'week', 'month'] as const;

/** More periods than this in one query's range is refused (SL_INSIGHT_TOO_LARGE). */
export const MAX_PERIODS = 1000;

/** The first day of the period that contains `date`. */
export function periodStart(unit: PeriodUnit, date: string): string {
  switch (unit) {
    case 'day':
      return date;
    case 'week': {
      // getUTCDay: 0 is Sunday; ISO weeks start on Monday.
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      return addDays(date, -((weekday + 6) % 7));
    }
    case 'month':
      return `${date.slice(0, 7)}-01`;
  }
}

/** The first day of the period `count` periods after the one that starts on `start` (count may be < 0). */
export function addPeriods(unit: PeriodUnit, start: string, count: number): string {
  switch (unit) {
    case 'day':
      return addDays(start, count);
    case 'week':
      return addDays(start, 7 * count);
    case 'month': {
      const year = Number(start.slice(0, 4));
      const month = Number(start.slice(5, 7)) - 1 + count;
      const y = year + Math.floor(month / 12);
      const m = ((month % 12) + 12) % 12;
      return `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
    }
  }
}

/** Whole periods from the period of `from` to the period of `to`. */
export function periodsBetween(unit: PeriodUnit, from: string, to: string): number {
  const a = periodStart(unit, from);
  const b = periodStart(unit, to);
  if (unit === 'month')
    return (
      (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7))
    );
  const days = Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
  return unit === 'week' ? days / 7 : days;
}

/**
 * The periods that a range of local dates touches: `origin` is the first day of the first one (it may be
 * before `from`), `labels[i]` the first day of period i.
 */
export interface PeriodAxis {
  unit: PeriodUnit;
  origin: string;
  labels: string[];
}

export function periodAxis(unit: PeriodUnit, from: string, to: string): PeriodAxis {
  const count = periodsBetween(unit, from, to) + 1;
  if (count > MAX_PERIODS)
    throw new SightlineError(
      'SL_INSIGHT_TOO_LARGE',
      `${from}..${to} spans ${count} ${unit}s; at most ${MAX_PERIODS} are allowed`,
      { hint: 'narrow the date range or use a longer period' },
    );
  const origin = periodStart(unit, from);
  return { unit, origin, labels: Array.from({ length: count }, (_, i) => addPeriods(unit, origin, i)) };
}

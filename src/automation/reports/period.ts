/**
 * The period a report covers: the local day, or the ISO week (Monday to Sunday), before the run's time in
 * the report's time zone, and the periods it is compared with. A report run at 09:00 on Monday
 * 28 September in Europe/Moscow covers Sunday 27 September there (a daily report) or 21–27 September (a
 * weekly one), whatever the machine's zone.
 */
import { addDays } from '../../analytics/insights/date-range.ts';

export type PeriodUnit = 'day' | 'week';

export interface ReportPeriod {
  readonly unit: PeriodUnit;
  readonly timezone: string;
  /** Inclusive local dates. */
  readonly from: string;
  readonly to: string;
  /** The period before (the day before, the week before). */
  readonly previous: { readonly from: string; readonly to: string };
  /** The same weekday a week before; for a weekly report, the same as `previous`. */
  readonly weekBefore: { readonly from: string; readonly to: string };
  /** `Sunday 27 September 2026`, `21–27 September 2026`. */
  readonly label: string;
}

/** The local calendar date of an instant in a time zone (`YYYY-MM-DD`). */
export function localDate(at: number, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** ISO weekday of a date: 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function parts(date: string): { year: string; month: string; day: number } {
  const [year, month, day] = date.split('-') as [string, string, string];
  return { year, month: MONTHS[Number(month) - 1]!, day: Number(day) };
}

/** `Sunday 27 September 2026`. */
export function dayLabel(date: string): string {
  const p = parts(date);
  return `${WEEKDAYS[isoWeekday(date) - 1]} ${p.day} ${p.month} ${p.year}`;
}

/** `21–27 September 2026`, `28 September – 4 October 2026`, `28 December 2026 – 3 January 2027`. */
export function rangeLabel(from: string, to: string): string {
  const a = parts(from);
  const b = parts(to);
  if (a.year !== b.year) return `${a.day} ${a.month} ${a.year} – ${b.day} ${b.month} ${b.year}`;
  if (a.month !== b.month) return `${a.day} ${a.month} – ${b.day} ${b.month} ${b.year}`;
  return `${a.day}–${b.day} ${b.month} ${b.year}`;
}

/** The period before `at` (epoch ms) in `timezone`: the previous local day, or the previous ISO week. */
export function reportPeriod(at: number, unit: PeriodUnit, timezone: string): ReportPeriod {
  const today = localDate(at, timezone);
  if (unit === 'day') {
    const day = addDays(today, -1);
    return {
      unit,
      timezone,
      from: day,
      to: day,
      previous: { from: addDays(day, -1), to: addDays(day, -1) },
      weekBefore: { from: addDays(day, -7), to: addDays(day, -7) },
      label: dayLabel(day),
    };
  }
  const monday = addDays(today, 1 - isoWeekday(today));
  const from = addDays(monday, -7);
  const to = addDays(monday, -1);
  const previous = { from: addDays(from, -7), to: addDays(to, -7) };
  return { unit, timezone, from, to, previous, weekBefore: previous, label: rangeLabel(from, to) };
}

/** The zone's offset from UTC at an instant, in ms (Moscow: +3 h). */
function zoneOffset(at: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The instant (epoch ms) a local date begins in the zone. Two passes settle the offset on a DST day;
 * a midnight skipped by a change (rare, e.g. America/Santiago) resolves to the first instant after it.
 */
export function localDayStart(date: string, timezone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let t = wall - zoneOffset(wall, timezone);
  t = wall - zoneOffset(t, timezone);
  return t;
}

/** The period's [start, end) as epoch ms. */
export function periodBounds(period: { from: string; to: string; timezone: string }): [number, number] {
  const next = new Date(Date.parse(`${period.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return [localDayStart(period.from, period.timezone), localDayStart(next, period.timezone)];
}

/**
 * Local dates and midnights for the naive reference implementations, written with Intl alone (no code
 * shared with src/, which turns UTC into wall-clock time in SQL).
 */

const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();
const CLOCK_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date (YYYY-MM-DD) of a UTC instant in a zone (`en-CA` formats as YYYY-MM-DD). */
export function localDate(ms: number, timeZone: string): string {
  let format = DATE_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    DATE_FORMATS.set(timeZone, format);
  }
  return format.format(ms);
}

/** The UTC instant of local midnight starting `date` in a zone (found by correcting the UTC guess). */
export function localMidnight(date: string, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let t = wall;
  for (let i = 0; i < 3; i++) t += wall - wallClockAsUtc(t, timeZone);
  return t;
}

/** The wall-clock time of an instant in a zone, read as if it were UTC (epoch milliseconds). */
function wallClockAsUtc(ms: number, timeZone: string): number {
  let format = CLOCK_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    CLOCK_FORMATS.set(timeZone, format);
  }
  const parts = format.formatToParts(ms);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** A YYYY-MM-DD date plus `days` calendar days. */
export function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

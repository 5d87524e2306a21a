import { SightlineError } from '../../../errors/index.ts';
import { addDays, daysBetween } from '../date-range.ts';
import type { Interval } from './trends-spec.ts';

/** One bucket of a trend, in local time. */
export interface Bucket {
  /** The label: `YYYY-MM-DD` (the start date) for day, week and month, `YYYY-MM-DDTHH:00` for hours. */
  t: string;
  /**
   * The bucket's last local day, clipped to the range's last day: trailing-window maths (WAU, MAU) are
   * counted as of this day. Weeks start on Monday, so a week's last day is a Sunday.
   */
  lastDay: string;
}

/** An hour trend may span this many days (744 buckets); coarser intervals at most MAX_BUCKETS buckets. */
export const MAX_HOUR_DAYS = 31;
/** A quarter-hour trend may span this many days (1,056 buckets). */
export const MAX_QUARTER_DAYS = 11;
export const MAX_BUCKETS = 1100;

/**
 * The buckets of `from` … `to` (inclusive local dates) in order. Weeks and months that start before
 * `from` are labelled with their own first day; only the range's part of them is counted. Hours are the
 * local hours that exist in the zone: a day when clocks go forward has 23, and the repeated hour of a day
 * when they go back is one bucket covering both.
 */
export function bucketsFor(interval: Interval, from: string, to: string, timeZone: string): Bucket[] {
  const days = daysBetween(from, to) + 1;
  if (interval === 'hour' && days > MAX_HOUR_DAYS)
    throw new SightlineError(
      'SL_INSIGHT_TOO_LARGE',
      `trends: an hourly trend over ${days} days would have more than ${MAX_HOUR_DAYS * 24} buckets`,
      { hint: `use --interval day, or a range of at most ${MAX_HOUR_DAYS} days` },
    );
  if (interval === '15m' && days > MAX_QUARTER_DAYS)
    throw new SightlineError(
      'SL_INSIGHT_TOO_LARGE',
      `trends: a 15-minute trend over ${days} days would have more than ${MAX_QUARTER_DAYS * 96} buckets`,
      { hint: `use --interval hour, or a range of at most ${MAX_QUARTER_DAYS} days` },
    );
  const buckets =
    interval === 'hour' || interval === '15m'
      ? localClock(interval, from, to, timeZone)
      : calendarBuckets(interval, from, to);
  if (buckets.length > MAX_BUCKETS)
    throw new SightlineError(
      'SL_INSIGHT_TOO_LARGE',
      `trends: ${buckets.length} ${interval} buckets is more than ${MAX_BUCKETS}`,
      { hint: 'use a coarser --interval or a shorter range' },
    );
  return buckets;
}

function calendarBuckets(interval: 'day' | 'week' | 'month', from: string, to: string): Bucket[] {
  const buckets: Bucket[] = [];
  let start = startOf(interval, from);
  while (start <= to) {
    const next =
      interval === 'day' ? addDays(start, 1) : interval === 'week' ? addDays(start, 7) : nextMonth(start);
    const last = addDays(next, -1);
    buckets.push({ t: start, lastDay: last < to ? last : to });
    start = next;
  }
  return buckets;
}

/** The first day of the day, week (Monday) or month containing `date`. */
export function startOf(interval: 'day' | 'week' | 'month', date: string): string {
  if (interval === 'day') return date;
  if (interval === 'month') return `${date.slice(0, 8)}01`;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

function nextMonth(first: string): string {
  const year = Number(first.slice(0, 4));
  const month = Number(first.slice(5, 7));
  return month === 12 ? `${year + 1}-01-01` : `${first.slice(0, 4)}-${String(month + 1).padStart(2, '0')}-01`;
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
/** No zone is more than 14 hours from UTC. */
const MAX_OFFSET_MS = 15 * 3600 * 1000;

/**
 * The local hours (or quarters of an hour) of the range that exist in the zone, found by reading the
 * wall clock every quarter of an hour (offsets are whole quarters in every zone), so no table of
 * transitions is needed.
 */
function localClock(interval: 'hour' | '15m', from: string, to: string, timeZone: string): Bucket[] {
  const format = interval === 'hour' ? hourFormat(timeZone) : quarterFormat(timeZone);
  const begin = Date.parse(`${from}T00:00:00Z`) - MAX_OFFSET_MS;
  const end = Date.parse(`${addDays(to, 1)}T00:00:00Z`) + MAX_OFFSET_MS;
  const seen = new Set<string>();
  for (let t = begin; t < end; t += QUARTER_HOUR_MS) {
    const label = format(t);
    const day = label.slice(0, 10);
    if (day >= from && day <= to) seen.add(label);
  }
  return [...seen].sort().map((t) => ({ t, lastDay: t.slice(0, 10) }));
}

const CLOCK_FORMATS = new Map<string, (utcMs: number) => string>();

/** `YYYY-MM-DDTHH:00`, the local hour of a UTC instant in a zone. */
export function hourFormat(timeZone: string): (utcMs: number) => string {
  return clockFormat(timeZone, false);
}

/** `YYYY-MM-DDTHH:MM` with MM one of 00, 15, 30, 45: the local quarter hour of a UTC instant in a zone. */
export function quarterFormat(timeZone: string): (utcMs: number) => string {
  return clockFormat(timeZone, true);
}

function clockFormat(timeZone: string, quarters: boolean): (utcMs: number) => string {
  const id = `${quarters ? 'q' : 'h'}:${timeZone}`;
  let format = CLOCK_FORMATS.get(id);
  if (!format) {
    const intl = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      ...(quarters ? { minute: '2-digit' as const } : {}),
    });
    format = (utcMs) => {
      const parts: Record<string, string> = {};
      for (const part of intl.formatToParts(utcMs)) parts[part.type] = part.value;
      const minute = quarters ? String(Math.floor(Number(parts.minute) / 15) * 15).padStart(2, '0') : '00';
      return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${minute}`;
    };
    CLOCK_FORMATS.set(id, format);
  }
  return format;
}

/** A bucket's label from the local start timestamp the database returns (`2026-09-01T13:15:00…`). */
export function bucketLabel(interval: Interval, localStart: string): string {
  if (interval === '15m') return localStart.slice(0, 16).replace(' ', 'T');
  return interval === 'hour' ? `${localStart.slice(0, 13)}:00` : localStart.slice(0, 10);
}

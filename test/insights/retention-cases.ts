/**
 * Shared by the retention, stickiness and lifecycle property tests: random event sets and options, and
 * the naive building blocks of their references (local dates through Intl, calendar periods by hand,
 * filters as TypeScript predicates). Nothing here imports the SQL compiler.
 */
import type { MetricsLayerSource } from '../../src/analytics/metrics/definitions.ts';
import type { Rng } from '../../src/math/random.ts';
import { createRng, randomEvents, type TestEvent } from './fixtures.ts';
import { localDate } from './local-time.ts';

/** An event of a set, with its position (the loader's event ids follow it, so ties in time keep it). */
export interface NaiveEvent extends TestEvent {
  index: number;
  /** Local date in the query's time zone. */
  date: string;
  /** Milliseconds since the epoch. */
  ms: number;
  /** The user's row of the users table (first-touch source). */
  user: { source: string | null };
}

export const LAYER: MetricsLayerSource = {
  cohorts: {
    a_doers: { where: "event = 'a'" },
    b_twice_lately: { behavior: { event: 'b', atLeast: 2, days: 3 } },
  },
};

export interface Filter {
  where: string;
  /** True when the rollup answers it exactly (user-level). */
  userLevel: boolean;
  test(e: NaiveEvent, all: readonly NaiveEvent[], rangeEndMs: number): boolean;
}

export const FILTERS: Filter[] = [
  { where: "os = 'iOS'", userLevel: false, test: (e) => e.os === 'iOS' },
  { where: "country != 'DE'", userLevel: false, test: (e) => e.country !== 'DE' },
  { where: "user.source = 'ads'", userLevel: true, test: (e) => e.user.source === 'ads' },
  { where: 'user.source is null', userLevel: true, test: (e) => e.user.source === null },
  { where: 'age >= 30', userLevel: false, test: (e) => e.age != null && e.age >= 30 },
  {
    where: "os in ('iOS', 'Android') and user.source != 'organic'",
    userLevel: false,
    test: (e) => (e.os === 'iOS' || e.os === 'Android') && e.user.source !== 'organic',
  },
  { where: "not (country = 'US')", userLevel: false, test: (e) => e.country !== 'US' },
  {
    where: "cohort = 'a_doers'",
    userLevel: true,
    test: (e, all) => all.some((x) => x.user_id === e.user_id && x.event === 'a'),
  },
  {
    where: "cohort = 'b_twice_lately' or user.source = 'organic'",
    userLevel: true,
    test: (e, all, end) =>
      e.user.source === 'organic' ||
      all.filter(
        (x) => x.user_id === e.user_id && x.event === 'b' && x.ms >= end - 3 * 86_400_000 && x.ms < end,
      ).length >= 2,
  },
];

export const TIME_ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Adelaide'] as const;

export { localMidnight } from './local-time.ts';

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export type Unit = 'day' | 'week' | 'month';

/** A calendar-period index relative to the period holding `origin`: days, Monday weeks or months. */
export function periodIndex(unit: Unit, origin: string, date: string): number {
  if (unit === 'month')
    return (
      (Number(date.slice(0, 4)) - Number(origin.slice(0, 4))) * 12 +
      Number(date.slice(5, 7)) -
      Number(origin.slice(5, 7))
    );
  const mondayOf = (d: string): number => {
    const n = dayNumber(d);
    // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday = 0.
    return n - ((((n + 3) % 7) + 7) % 7);
  };
  if (unit === 'week') return (mondayOf(date) - mondayOf(origin)) / 7;
  return dayNumber(date) - dayNumber(origin);
}

/** The first day of period `index` counted from the period holding `origin`. */
export function periodLabel(unit: Unit, origin: string, index: number): string {
  if (unit === 'month') {
    const months = Number(origin.slice(0, 4)) * 12 + Number(origin.slice(5, 7)) - 1 + index;
    return `${Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}-01`;
  }
  if (unit === 'week') {
    const n = dayNumber(origin);
    return dateOfDay(n - ((((n + 3) % 7) + 7) % 7) + 7 * index);
  }
  return dateOfDay(dayNumber(origin) + index);
}

/** Events with their local dates and user rows; the users table takes the first non-null source. */
export function prepare(events: readonly TestEvent[], timeZone: string): NaiveEvent[] {
  const ordered = events
    .map((e, index) => ({ e, index, ms: Date.parse(e.ts) }))
    .sort((a, b) => a.ms - b.ms || a.index - b.index);
  const sources = new Map<string, string | null>();
  for (const { e } of ordered)
    if (!sources.has(e.user_id) || sources.get(e.user_id) === null) sources.set(e.user_id, e.source ?? null);
  return ordered.map(({ e, index, ms }) => ({
    ...e,
    index,
    ms,
    date: localDate(ms, timeZone),
    user: { source: sources.get(e.user_id) ?? null },
  }));
}

/** A breakdown's value at an event, as the SQL gives it (text, NULL for missing). */
export function breakdownValue(e: NaiveEvent, ref: string): string | null {
  if (ref === 'user.source') return e.user.source;
  const value = (e as unknown as Record<string, unknown>)[ref];
  return value === undefined || value === null ? null : String(value);
}

export const BREAKDOWNS = ['os', 'country', 'age', 'user.source'] as const;

/** Orders groups as the insights do: most users first, then by value, NULL last. */
export function compareGroups(
  a: { total: number; value: string | null },
  b: { total: number; value: string | null },
) {
  if (a.total !== b.total) return b.total - a.total;
  if (a.value === b.value) return 0;
  if (a.value === null) return 1;
  if (b.value === null) return -1;
  return a.value < b.value ? -1 : 1;
}

/**
 * A random event set over a window that suits the period: days, weeks or months, across DST changes.
 * `long` spreads day-period data over 70-130 days, so that ranges exceed the 64 periods of DuckDB's
 * per-user bit sets and the fallbacks run too.
 */
export function randomSet(
  rng: Rng,
  unit: Unit,
  long = false,
): { events: TestEvent[]; startDay: string; days: number } {
  const startDay = rng.pick(['2026-03-25', '2026-10-21', '2026-10-29', '2026-09-01', '2026-12-30']);
  const days = long
    ? rng.int(70, 130)
    : unit === 'day'
      ? rng.int(2, 7)
      : unit === 'week'
        ? rng.int(8, 30)
        : rng.int(30, 100);
  const stepSeconds = long
    ? 6 * 3600
    : unit === 'day'
      ? rng.pick([1800, 3600])
      : unit === 'week'
        ? 3 * 3600
        : 6 * 3600;
  const events = randomEvents(rng, {
    startDay,
    days,
    stepSeconds,
    maxUsers: 6,
    maxEventsPerUser: unit === 'day' ? 8 : 14,
    names: ['a', 'b', 'c'],
  });
  return { events, startDay, days };
}

/**
 * A random inclusive range that starts before, at or after the data, and may end before it ends; with
 * `long`, at least 65 days.
 */
export function randomRange(
  rng: Rng,
  startDay: string,
  days: number,
  long = false,
): { from: string; to: string } {
  const from = dateOfDay(dayNumber(startDay) + rng.int(-1, long ? 5 : Math.max(1, Math.floor(days / 2))));
  const to = dateOfDay(dayNumber(from) + (long ? rng.int(65, days + 5) : rng.int(0, days)));
  return { from, to };
}

/** The query fields lifecycle and stickiness cases share. */
export interface PeriodQuery {
  event: string;
  interval: Unit;
  from: string;
  to: string;
  timeZone: string;
  filter: Filter | undefined;
}

/**
 * A seeded random event set and the shared part of a lifecycle or stickiness query over it; every 12th
 * seed spans more than 64 days, past DuckDB's per-user bit sets. The generator is returned so that a
 * caller can draw its own fields after these.
 */
export function randomPeriodCase(seed: number): { rng: Rng; events: TestEvent[]; query: PeriodQuery } {
  const rng = createRng(seed);
  const long = seed % 12 === 0;
  const interval = long ? 'day' : rng.pick<Unit>(['day', 'day', 'week', 'month']);
  const { events, startDay, days } = randomSet(rng, interval, long);
  const query: PeriodQuery = {
    event: rng.pick(['a', 'b', '$any', '$any']),
    interval,
    ...randomRange(rng, startDay, days, long),
    timeZone: rng.bernoulli(0.45) ? 'UTC' : rng.pick(TIME_ZONES),
    filter: rng.bernoulli(0.45) ? rng.pick(FILTERS) : undefined,
  };
  return { rng, events, query };
}

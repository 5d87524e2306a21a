/**
 * A naive trends implementation, written from the definitions in the issue and the trends README and
 * sharing no code with the SQL compiler: every event is looked at in JavaScript, local times come from
 * Intl, and every bucket, window and group is counted by brute force.
 */
import type { TestEvent } from './fixtures.ts';

export type RefStatistic = 'sum' | 'avg' | 'min' | 'max' | { p: number };

export type RefMath =
  | { kind: 'total' }
  | { kind: 'unique' }
  | { kind: 'window'; days: number }
  | { kind: 'first_time' }
  | { kind: 'property'; statistic: RefStatistic; read: (e: RefEvent) => number | null }
  | { kind: 'per_user'; statistic: RefStatistic };

/** An event with what filters and breakdowns read: its own columns and its user's. */
export interface RefEvent extends TestEvent {
  ms: number;
  /** users.source: the user's earliest non-null source. */
  userSource: string | null;
  /** Every event of the user (for cohorts, which look at all time). */
  userEvents: readonly TestEvent[];
}

export interface RefLeaf {
  event: string;
  math: RefMath;
  filter: (e: RefEvent) => boolean;
}

/** A series: its leaves and how they combine (a single leaf returns its value). */
export interface RefSeries {
  leaves: RefLeaf[];
  combine: (values: (number | null)[]) => number | null;
}

export interface RefQuery {
  series: RefSeries[];
  /** Combines the series (by index) into the one series shown. */
  formula?: (values: (number | null)[]) => number | null;
  interval: 'hour' | 'day' | 'week' | 'month';
  from: string;
  to: string;
  timeZone: string;
  breakdown: ((e: RefEvent) => string | null)[];
  limit: number;
  compare: boolean;
  movingAverage?: number;
}

export interface RefSeriesResult {
  breakdown?: (string | null) | (string | null)[];
  other?: true;
  compare?: true;
  points: { t: string; value: number | null; movingAverage?: number | null }[];
}

const DAY = 86_400_000;

export function refEvents(events: readonly TestEvent[]): RefEvent[] {
  const byUser = new Map<string, TestEvent[]>();
  for (const e of events) byUser.set(e.user_id, [...(byUser.get(e.user_id) ?? []), e]);
  const sourceOf = new Map<string, string | null>();
  for (const [user, list] of byUser) {
    const withSource = list
      .filter((e) => e.source != null)
      .sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
    sourceOf.set(user, withSource[0]?.source ?? null);
  }
  return events.map((e) => ({
    ...e,
    ms: Date.parse(e.ts),
    userSource: sourceOf.get(e.user_id) ?? null,
    userEvents: byUser.get(e.user_id) ?? [],
  }));
}

const formats = new Map<string, Intl.DateTimeFormat>();
const clocks = new Map<string, { date: string; hour: string; offsetMs: number }>();
/** Local wall clock of a UTC instant (`YYYY-MM-DD`, `YYYY-MM-DDTHH:00`) and the zone's offset then. */
function wallClock(ms: number, timeZone: string): { date: string; hour: string; offsetMs: number } {
  const key = `${timeZone}|${ms}`;
  const cached = clocks.get(key);
  if (cached) return cached;
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  const offsetMs = Date.parse(`${date}T${p.hour}:${p.minute}:00Z`) - Math.floor(ms / 60_000) * 60_000;
  const clock = { date, hour: `${date}T${p.hour}:00`, offsetMs };
  clocks.set(key, clock);
  return clock;
}

function plusDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

function monday(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return plusDays(date, dow === 0 ? -6 : 1 - dow);
}

function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

function nextMonthStart(date: string): string {
  const d = new Date(`${monthStart(date)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

interface RefBucket {
  t: string;
  lastDay: string;
}

export function refBuckets(
  interval: RefQuery['interval'],
  from: string,
  to: string,
  tz: string,
): RefBucket[] {
  const out: RefBucket[] = [];
  if (interval === 'hour') {
    // A local hour exists when an instant shows it: try the zone's offsets of the day before and after.
    for (let date = from; date <= to; date = plusDays(date, 1))
      for (let h = 0; h < 24; h++) {
        const label = `${date}T${String(h).padStart(2, '0')}:00`;
        const base = Date.parse(`${label}:00Z`);
        const offsets = new Set([wallClock(base - DAY, tz).offsetMs, wallClock(base + DAY, tz).offsetMs]);
        let exists = false;
        for (const offset of offsets)
          for (let minute = 0; minute < 60 && !exists; minute += 15)
            exists = wallClock(base - offset + minute * 60_000, tz).hour === label;
        if (exists) out.push({ t: label, lastDay: date });
      }
    return out;
  }
  let start = interval === 'day' ? from : interval === 'week' ? monday(from) : monthStart(from);
  while (start <= to) {
    const next =
      interval === 'day'
        ? plusDays(start, 1)
        : interval === 'week'
          ? plusDays(start, 7)
          : nextMonthStart(start);
    const last = plusDays(next, -1);
    out.push({ t: start, lastDay: last < to ? last : to });
    start = next;
  }
  return out;
}

function bucketOf(interval: RefQuery['interval'], ms: number, tz: string): string {
  const { date, hour } = wallClock(ms, tz);
  if (interval === 'hour') return hour;
  if (interval === 'day') return date;
  return interval === 'week' ? monday(date) : monthStart(date);
}

function statistic(s: RefStatistic, values: number[]): number | null {
  if (s === 'sum') return values.reduce((a, b) => a + b, 0);
  if (values.length === 0) return null;
  if (s === 'avg') return values.reduce((a, b) => a + b, 0) / values.length;
  if (s === 'min') return Math.min(...values);
  if (s === 'max') return Math.max(...values);
  const sorted = [...values].sort((a, b) => a - b);
  // Linear interpolation between the order statistics around (n − 1)·p, written as the weighted mean
  // lo·(1 − d) + hi·d: the same number as numpy's default up to the last bit, and this form is the one
  // whose rounding DuckDB's quantile_cont reproduces exactly (checked on 1,200 random lists).
  const position = (sorted.length - 1) * s.p;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  const d = position - lo;
  return (sorted[lo] as number) * (1 - d) + (sorted[hi] as number) * d;
}

function zeroWhenEmpty(math: RefMath): boolean {
  if (math.kind === 'property') return math.statistic === 'sum';
  return math.kind !== 'per_user';
}

interface LeafResult {
  /** Values per group key, one per bucket. */
  groups: Map<string, (number | null)[]>;
  empty: number | null;
}

/** One leaf over a period, events grouped by `keyOf`. */
function computeLeaf(
  events: readonly RefEvent[],
  leaf: RefLeaf,
  q: RefQuery,
  from: string,
  to: string,
  keyOf: (e: RefEvent) => string,
): LeafResult {
  const tz = q.timeZone;
  const buckets = refBuckets(q.interval, from, to, tz);
  const empty = zeroWhenEmpty(leaf.math) ? 0 : null;
  const matching = events.filter((e) => (leaf.event === '$any' || e.event === leaf.event) && leaf.filter(e));
  const day = (e: RefEvent) => wallClock(e.ms, tz).date;
  const groups = new Map<string, (number | null)[]>();

  if (leaf.math.kind === 'window') {
    const w = leaf.math.days;
    const present = new Set(
      matching.filter((e) => day(e) >= plusDays(from, -(w - 1)) && day(e) <= to).map(keyOf),
    );
    for (const key of present)
      groups.set(
        key,
        buckets.map((b) => {
          const users = new Set(
            matching
              .filter(
                (e) => keyOf(e) === key && day(e) >= plusDays(b.lastDay, -(w - 1)) && day(e) <= b.lastDay,
              )
              .map((e) => e.user_id),
          );
          return users.size;
        }),
      );
    return { groups, empty };
  }

  let rows = matching.filter((e) => day(e) >= from && day(e) <= to);
  if (leaf.math.kind === 'first_time') {
    const first = new Map<string, number>();
    for (const e of matching) first.set(e.user_id, Math.min(first.get(e.user_id) ?? Infinity, e.ms));
    rows = rows.filter((e) => first.get(e.user_id) === e.ms);
  }
  const math = leaf.math;
  for (const key of new Set(rows.map(keyOf))) {
    groups.set(
      key,
      buckets.map((b) => {
        const inBucket = rows.filter((e) => keyOf(e) === key && bucketOf(q.interval, e.ms, tz) === b.t);
        if (inBucket.length === 0) return empty;
        switch (math.kind) {
          case 'total':
            return inBucket.length;
          case 'unique':
          case 'first_time':
            return new Set(inBucket.map((e) => e.user_id)).size;
          case 'property':
            return statistic(
              math.statistic,
              inBucket.map(math.read).filter((v): v is number => v !== null),
            );
          case 'per_user': {
            const counts = new Map<string, number>();
            for (const e of inBucket) counts.set(e.user_id, (counts.get(e.user_id) ?? 0) + 1);
            return statistic(math.statistic, [...counts.values()]);
          }
          default:
            throw new Error(`trailing windows are counted above, not per bucket`);
        }
      }),
    );
  }
  return { groups, empty };
}

function compareValues(a: (string | null)[], b: (string | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | null;
    const y = b[i] as string | null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The top `limit` breakdown combinations by the sum of the leaf's values over the buckets. */
function rank(
  events: readonly RefEvent[],
  leaf: RefLeaf,
  q: RefQuery,
): { kept: (string | null)[][]; merged: number } {
  const values = (e: RefEvent) => q.breakdown.map((read) => read(e));
  const result = computeLeaf(events, leaf, q, q.from, q.to, (e) => JSON.stringify(values(e)));
  const totals = [...result.groups].map(([key, points]) => {
    const present = points.filter((v): v is number => v !== null);
    return {
      combination: JSON.parse(key) as (string | null)[],
      total: present.length === 0 ? null : present.reduce((a, b) => a + b, 0),
    };
  });
  totals.sort((a, b) => {
    if (a.total !== b.total) {
      if (a.total === null) return 1;
      if (b.total === null) return -1;
      return b.total - a.total;
    }
    return compareValues(a.combination, b.combination);
  });
  const kept = totals.slice(0, q.limit).map((t) => t.combination);
  return { kept, merged: totals.length - kept.length };
}

/** The trend as the issue defines it: the series (or the formula), per breakdown group and period. */
export function referenceTrends(
  events: readonly RefEvent[],
  q: RefQuery,
): { series: RefSeriesResult[]; merged: number[] } {
  const units: { series: RefSeries[]; combine: (v: (number | null)[]) => number | null }[] = q.formula
    ? [{ series: q.series, combine: q.formula }]
    : q.series.map((s) => ({ series: [s], combine: (v) => v[0] ?? null }));
  const periods = [{ from: q.from, to: q.to, compare: false }];
  if (q.compare) {
    const length = Math.round((Date.parse(q.to) - Date.parse(q.from)) / DAY) + 1;
    periods.push({ from: plusDays(q.from, -length), to: plusDays(q.from, -1), compare: true });
  }
  const out: RefSeriesResult[] = [];
  const mergedCounts: number[] = [];
  for (const unit of units) {
    const firstLeaf = unit.series[0]?.leaves[0] as RefLeaf;
    const { kept, merged } =
      q.breakdown.length > 0 ? rank(events, firstLeaf, q) : { kept: [[]] as (string | null)[][], merged: 0 };
    mergedCounts.push(merged);
    const keyOf = (e: RefEvent): string => {
      if (q.breakdown.length === 0) return '0';
      const values = q.breakdown.map((read) => read(e));
      const index = kept.findIndex((k) => k.every((v, i) => v === values[i]));
      return String(index);
    };
    const results = periods.map((p) =>
      unit.series.map((s) => s.leaves.map((leaf) => computeLeaf(events, leaf, q, p.from, p.to, keyOf))),
    );
    const hasOther =
      q.breakdown.length > 0 && (merged > 0 || results.flat(2).some((r) => r.groups.has('-1')));
    const groups = kept.map((_, i) => String(i));
    if (hasOther) groups.push('-1');
    periods.forEach((p, pi) => {
      const buckets = refBuckets(q.interval, p.from, p.to, q.timeZone);
      for (const g of groups) {
        const points = buckets.map((b, bi) => {
          const seriesValues = unit.series.map((s, si) =>
            s.combine(
              s.leaves.map((_, li) => {
                const r = results[pi]?.[si]?.[li] as LeafResult;
                return r.groups.get(g)?.[bi] ?? r.empty;
              }),
            ),
          );
          const value = unit.combine(seriesValues);
          return { t: b.t, value } as { t: string; value: number | null; movingAverage?: number | null };
        });
        if (q.movingAverage) {
          const n = q.movingAverage;
          points.forEach((point, i) => {
            let sum = 0;
            let count = 0;
            for (let j = Math.max(0, i - n + 1); j <= i; j++) {
              const v = points[j]?.value;
              if (v !== null && v !== undefined) {
                sum += v;
                count++;
              }
            }
            point.movingAverage = count === 0 ? null : sum / count;
          });
        }
        const series: RefSeriesResult = { points };
        if (q.breakdown.length > 0) {
          if (g === '-1') series.other = true;
          else {
            const values = kept[Number(g)] as (string | null)[];
            series.breakdown = values.length === 1 ? (values[0] as string | null) : values;
          }
        }
        if (p.compare) series.compare = true;
        out.push(series);
      }
    });
  }
  return { series: out, merged: mergedCounts };
}

/**
 * The series a detector watches, on a regular grid with missing points as NaN (detectors skip them):
 * a warehouse metric per hour or day, read through the trends insight so its numbers are the ones the
 * dashboard shows, or a `timestamp,value` file put on its modal step by `regularize`. Seasonal periods
 * come from the step (`inferSeasonPeriods`), as for forecasts.
 */

import { raw, sql } from '../../data/sql/sql.ts';
import { SightlineError } from '../../errors/index.ts';
import { describeStep, type GridStep, regularize } from '../../math/forecast/regularize.ts';
import { inferSeasonPeriods } from '../../math/forecast/season.ts';
import type { RawSeries } from '../forecasting/series-input.ts';
import { addDays, daysBetween } from '../insights/date-range.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import type { InsightWarning } from '../insights/insight-type.ts';
import { runInsight } from '../insights/registry.ts';
import { MAX_HOUR_DAYS, MAX_QUARTER_DAYS } from '../insights/trends/buckets.ts';
import type { TrendsResult, TrendsSeries } from '../insights/trends/run-trends.ts';

/** The evaluation intervals of detection and alert rules. */
export const DETECT_INTERVALS = ['15m', 'hour', 'day'] as const;
export type DetectInterval = (typeof DETECT_INTERVALS)[number];

export const INTERVAL_MS: Readonly<Record<DetectInterval, number>> = {
  '15m': 900_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** One series to judge, on a regular grid. */
export interface DetectInput {
  /** What the series is: a metric name (with its group, `dau · Android`), or a file (and series id). */
  readonly label: string;
  /** The group's breakdown values, for a metric read with grouping keys. */
  readonly group?: readonly (string | null)[];
  /** Epoch ms of each step, regular (`stepMs` apart), or the row number for a file without times. */
  readonly times: Float64Array;
  /** NaN where the step has no value. */
  readonly values: Float64Array;
  /** The step in ms; 1 for a file without times (points are rows, `times` their numbers). */
  readonly stepMs: number;
  readonly seasonPeriods: readonly number[];
  /** `2026-09-01T13:00:00Z` for sub-daily steps, `2026-09-01` for daily and longer, the row number without times. */
  readonly labels: readonly string[];
  readonly warnings: readonly InsightWarning[];
  /**
   * The first point to report: points before it are history the detector learns from (read before
   * `--from` so the first reported point is judged like any other), 0 when every point is reported.
   */
  readonly reportFrom?: number;
  /**
   * `counts` when the values are counts of events or users per bucket: detection judges them on the
   * square-root scale (see `detect.ts`).
   */
  readonly scale?: 'counts';
}

/**
 * History read before a metric's `from`, so the detector has learnt the level and the seasons by then:
 * four weeks of hours (four weekly cycles), sixteen weeks of days.
 */
export const WARMUP_DAYS: Readonly<Record<DetectInterval, number>> = { '15m': 28, hour: 28, day: 112 };

/**
 * A series read from a file as a detector input. With times, the values go on the modal step's grid
 * (points moved to the nearest step, several in one step averaged, empty steps NaN, with the same
 * warnings as forecasts); without times, each row is a step. Calendar-month steps are refused: a
 * detector's step is a fixed length.
 */
export function fileDetectInput(raw: RawSeries, label: string): DetectInput {
  const name = raw.id === null ? label : `${label} series ${JSON.stringify(raw.id)}`;
  const finite = raw.values.reduce((n, v) => n + (Number.isFinite(v) ? 1 : 0), 0);
  if (finite < 2)
    throw new SightlineError(
      'SL_DETECT_INPUT_INVALID',
      `${name} has ${finite} numeric value(s); at least 2 are needed`,
    );
  if (raw.times === null) {
    const times = Float64Array.from(raw.values, (_, i) => i);
    return {
      label: name,
      times,
      values: Float64Array.from(raw.values, (v) => (Number.isFinite(v) ? v : Number.NaN)),
      stepMs: 1,
      seasonPeriods: [],
      labels: Array.from(raw.values, (_, i) => String(i + 1)),
      warnings: [],
    };
  }
  const regular = regularize(raw.times, raw.values);
  if (regular.step.kind !== 'fixed' || regular.step.us === 0) {
    throw new SightlineError(
      'SL_DETECT_INPUT_INVALID',
      regular.step.kind === 'fixed'
        ? `${name}: every row has the same timestamp`
        : `${name}: a step of ${describeStep(regular.step)} is a calendar step; detection needs a fixed one (15 minutes, an hour, a day)`,
    );
  }
  const stepMs = regular.step.us / 1000;
  const startMs = regular.start / 1000;
  const n = regular.observed.length;
  const times = Float64Array.from({ length: n }, (_, i) => startMs + i * stepMs);
  return {
    label: name,
    times,
    values: regular.observed,
    stepMs,
    seasonPeriods: inferSeasonPeriods(regular.step, n),
    labels: Array.from(times, (t) => timeLabel(t, stepMs)),
    warnings: regular.warnings.filter((w) => w.code !== 'SL_FORECAST_MISSING_FILLED'),
  };
}

export interface MetricDetectSpec {
  /** A metric of the metrics layer, or an event counted per bucket (`{ event: 'app_open' }`). */
  readonly metric: string | { readonly event: string };
  readonly interval: DetectInterval;
  /** Inclusive dates; by default from the first day with events to the day of the latest event. */
  readonly from?: string;
  readonly to?: string;
  /** Dimensions whose values each get their own series (the trends breakdown). */
  readonly groupBy?: readonly string[];
  /** At most this many groups, the largest (default 50); the rest are one "other" series. */
  readonly groupLimit?: number;
  /**
   * The clock (epoch ms): a bucket that ends after it is still filling up (the current hour or day) and
   * is left out, since its partial count would read as a drop.
   */
  readonly now: number;
}

export interface MetricDetectInputs {
  readonly series: DetectInput[];
  /** Buckets left out because they end after `now`. */
  readonly partialBuckets: number;
  /** The SQL that ran. */
  readonly sql: string;
}

/**
 * A warehouse metric per quarter hour, hour or day as detector inputs (one per group with `groupBy`),
 * through the trends insight in UTC. Sub-daily trends are limited in days per query (31 for hours, 11
 * for quarters), so longer ranges are read in pieces and joined (every bucket belongs to one piece, so
 * the values are the same).
 */
export async function metricDetectInputs(
  ctx: InsightContext,
  spec: MetricDetectSpec,
): Promise<MetricDetectInputs> {
  const what =
    typeof spec.metric === 'string'
      ? { metric: [spec.metric] }
      : { event: spec.metric.event, math: 'total' as const };
  const counts = typeof spec.metric !== 'string' || COUNT_METRICS.has(ctx.layer.metric(spec.metric).type);
  const first = await firstEventDay(ctx);
  const to = spec.to ?? (await lastEventDay(ctx));
  if (first === null || to === null) return { series: [], partialBuckets: 0, sql: ctx.sqlText() };
  const reportFromDay = spec.from ?? first;
  if (reportFromDay > to)
    throw new SightlineError('SL_DETECT_OPTION_INVALID', `--from ${reportFromDay} is after --to ${to}`, {
      hint: 'both dates are inclusive; swap them',
    });
  const warm = addDays(reportFromDay, -WARMUP_DAYS[spec.interval]);
  // Warm up on what history there is, never reading before the first event nor after `from`.
  const from = spec.from === undefined ? first : minDay(reportFromDay, warm > first ? warm : first);
  const reportFromMs = Date.parse(`${reportFromDay}T00:00:00Z`);
  const pieceDays = PIECE_DAYS[spec.interval] ?? daysBetween(from, to) + 1;
  const groups = new Map<string, { group?: (string | null)[]; label: string; byT: Map<string, number> }>();
  const order: string[] = [];
  const allT: string[] = [];
  const warnings: InsightWarning[] = [];
  for (let start = from; start <= to; start = addDays(start, pieceDays)) {
    const end = addDays(start, pieceDays - 1) < to ? addDays(start, pieceDays - 1) : to;
    const result = (await runInsight(ctx, 'trends', {
      ...what,
      interval: spec.interval,
      from: start,
      to: end,
      ...(spec.groupBy && spec.groupBy.length > 0
        ? { breakdown: [...spec.groupBy], breakdownLimit: spec.groupLimit ?? 50 }
        : {}),
    })) as TrendsResult;
    for (const w of result.warnings) if (!warnings.some((x) => x.message === w.message)) warnings.push(w);
    const first = result.series[0];
    if (first) allT.push(...first.points.map((p) => p.t));
    for (const s of result.series) {
      const key = JSON.stringify(groupOf(s));
      let entry = groups.get(key);
      if (!entry) {
        entry = { label: s.label, byT: new Map(), ...(spec.groupBy?.length ? { group: groupOf(s) } : {}) };
        groups.set(key, entry);
        order.push(key);
      }
      for (const p of s.points) entry.byT.set(p.t, p.value ?? Number.NaN);
    }
  }
  const stepMs = INTERVAL_MS[spec.interval];
  const times: number[] = [];
  let partialBuckets = 0;
  for (const t of allT) {
    const ms = Date.parse(t.length === 10 ? `${t}T00:00:00Z` : `${t}:00Z`);
    if (ms + stepMs > spec.now) partialBuckets++;
    else times.push(ms);
  }
  const n = times.length;
  const grid = Float64Array.from(times);
  const step: GridStep = { kind: 'fixed', us: stepMs * 1000 };
  const seasonPeriods = inferSeasonPeriods(step, n);
  const labels = times.map((t) => timeLabel(t, stepMs));
  let reportFrom = 0;
  while (reportFrom < n && times[reportFrom]! < reportFromMs) reportFrom++;
  const series = order.map((key): DetectInput => {
    const entry = groups.get(key)!;
    const values = Float64Array.from(allT.slice(0, n), (t) => entry.byT.get(t) ?? Number.NaN);
    return {
      label: entry.label,
      ...(entry.group ? { group: entry.group } : {}),
      times: grid,
      values,
      stepMs,
      seasonPeriods,
      labels,
      warnings,
      reportFrom,
      ...(counts ? { scale: 'counts' as const } : {}),
    };
  });
  return { series, partialBuckets, sql: ctx.sqlText() };
}

/** Sub-daily trends are limited in days per query, so longer ranges are read in pieces of this many days. */
const PIECE_DAYS: Partial<Record<DetectInterval, number>> = { '15m': MAX_QUARTER_DAYS, hour: MAX_HOUR_DAYS };

/** Metric types whose value in a bucket is a count of events or users. */
const COUNT_METRICS: ReadonlySet<string> = new Set(['count', 'unique_users', 'new_users']);

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}

/** A trends series' breakdown values as a list ([] without a breakdown, ['other'] for the rest). */
function groupOf(s: TrendsSeries): (string | null)[] {
  if (s.other) return ['(other)'];
  if (s.breakdown === undefined) return [];
  return Array.isArray(s.breakdown) ? s.breakdown : [s.breakdown];
}

/** `2026-09-01` for daily steps at midnight, `2026-09-01T13:00:00Z` otherwise. */
export function timeLabel(ms: number, stepMs: number): string {
  const iso = new Date(ms).toISOString();
  if (stepMs % 86_400_000 === 0 && iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.replace('.000Z', 'Z');
}

async function firstEventDay(ctx: InsightContext): Promise<string | null> {
  return eventDay(ctx, 'min');
}

async function lastEventDay(ctx: InsightContext): Promise<string | null> {
  return eventDay(ctx, 'max');
}

async function eventDay(ctx: InsightContext, fn: 'min' | 'max'): Promise<string | null> {
  const rows = await ctx.query<{ day: string | null }>(
    sql`SELECT CAST(CAST(${raw(fn)}(ts) AS DATE) AS VARCHAR) AS day FROM events WHERE project_id = ${ctx.project}`,
  );
  return rows[0]?.day ?? null;
}

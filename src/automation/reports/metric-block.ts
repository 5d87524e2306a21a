/**
 * A `metrics` block: each metric's value over the report's period, through the trends insight (so the
 * number is the dashboard's), with its change against the period before and the same weekday a week
 * before, and for estimates the sample size and 95% intervals (`change.ts` says how each is judged).
 */
import { addDays } from '../../analytics/insights/date-range.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { runInsight } from '../../analytics/insights/registry.ts';
import type { TrendsResult } from '../../analytics/insights/trends/run-trends.ts';
import {
  countChange,
  HISTORY_CHANGES,
  plainChange,
  ratioChange,
  ratioInterval,
  usualRange,
} from './change.ts';
import type { MetricItem } from './definitions.ts';
import type { Change, MetricValue } from './document.ts';
import { type MetricKind, metricKind } from './metric-kind.ts';
import type { ReportPeriod } from './period.ts';
import { ratioSums } from './ratio-sums.ts';

/** Daily values read before the period: 28 day-over-day changes and 28 at a week's lag need 35 days. */
const DAY_HISTORY = HISTORY_CHANGES.day + 7;

/** The metrics' values over the period with their changes, in the order given. */
export async function metricValues(
  ctx: InsightContext,
  period: ReportPeriod,
  items: readonly MetricItem[],
): Promise<MetricValue[]> {
  const kinds = items.map((item) => metricKind(ctx.layer, item));
  const from =
    period.unit === 'day'
      ? addDays(period.from, -DAY_HISTORY)
      : addDays(period.from, -7 * (HISTORY_CHANGES.week + 1));
  const trends = (await runInsight(ctx, 'trends', {
    series: kinds.map((k) => ({ metric: k.metric })),
    interval: period.unit,
    from,
    to: period.to,
    timeZone: period.timezone,
  })) as TrendsResult;
  // A daily count of distinct users (DAU) over a week is the mean of its days, as people read "DAU last
  // week"; the week's distinct users would be WAU under DAU's name (2,941 against days of about 800 on
  // the demo).
  const daily = kinds.map((k) => period.unit === 'week' && isDailyDistinct(ctx, k.metric));
  const days = daily.some(Boolean)
    ? ((await runInsight(ctx, 'trends', {
        series: kinds.filter((_, i) => daily[i]).map((k) => ({ metric: k.metric })),
        interval: 'day',
        from,
        to: period.to,
        timeZone: period.timezone,
      })) as TrendsResult)
    : undefined;
  const values: MetricValue[] = [];
  let d = 0;
  for (const [i, kind] of kinds.entries()) {
    const points = daily[i]
      ? weeklyMeans(days?.series[d++]?.points ?? [], period.from)
      : (trends.series[i]?.points ?? []);
    const value = await metricValue(ctx, period, kind, points);
    values.push(daily[i] ? { ...value, label: `${value.label} (average per day)` } : value);
  }
  return values;
}

/** A metric counting distinct users per day (a `unique_users` metric without a trailing window). */
function isDailyDistinct(ctx: InsightContext, name: string): boolean {
  const definition = ctx.layer.metric(name);
  return definition.type === 'unique_users' && definition.window === 1;
}

/**
 * Daily points as one point per week, dated by the week's first day, weeks aligned on `weekStart`: the
 * mean of the days that have a value (a week with none has none).
 */
function weeklyMeans(
  points: readonly { t: string; value: number | null }[],
  weekStart: string,
): { t: string; value: number | null }[] {
  const weeks = new Map<string, { sum: number; n: number }>();
  const origin = Date.parse(`${weekStart}T00:00:00Z`);
  for (const p of points) {
    const day = p.t.slice(0, 10);
    const offset = Math.floor((Date.parse(`${day}T00:00:00Z`) - origin) / 86_400_000);
    const start = addDays(weekStart, Math.floor(offset / 7) * 7);
    const week = weeks.get(start) ?? { sum: 0, n: 0 };
    if (p.value !== null) {
      week.sum += p.value;
      week.n++;
    }
    weeks.set(start, week);
  }
  return [...weeks].map(([t, w]) => ({ t, value: w.n > 0 ? w.sum / w.n : null }));
}

async function metricValue(
  ctx: InsightContext,
  period: ReportPeriod,
  kind: MetricKind,
  points: readonly { t: string; value: number | null }[],
): Promise<MetricValue> {
  const at = (date: string) => points.find((p) => p.t.slice(0, 10) === date)?.value ?? null;
  const index = points.findIndex((p) => p.t.slice(0, 10) === period.from);
  const history = (index < 0 ? points : points.slice(0, index)).map((p) => p.value);
  const value = at(period.from);
  const previous = at(period.previous.from);
  const weekBefore = period.unit === 'day' ? at(period.weekBefore.from) : null;
  const base: MetricValue = {
    metric: kind.metric,
    label: kind.label,
    value,
    format: kind.format,
    polarity: kind.polarity,
    ...(kind.noun ? { unit: kind.noun } : {}),
  };
  if (value === null) return base;

  if (!kind.sampled) {
    const count = HISTORY_CHANGES[period.unit];
    const changes: { previousPeriod?: Change; previousWeek?: Change } = {};
    if (previous !== null)
      changes.previousPeriod = countChange(value, previous, usualRange(history, 1, count));
    if (weekBefore !== null)
      changes.previousWeek = countChange(value, weekBefore, usualRange(history, 7, count));
    return { ...base, ...changes };
  }

  const spans = [period, period.previous, ...(period.unit === 'day' ? [period.weekBefore] : [])];
  const sums = await ratioSums(ctx, kind.sampled, spans, period.timezone);
  const current = sums[0]!;
  const interval = ratioInterval(current);
  // The printed change starts from the trends values (the numbers people see); its interval and verdict
  // come from the per-user sums, whose ratio is the same number.
  const judged = (earlier: number | null, i: number): Change | undefined => {
    if (earlier === null) return undefined;
    const estimate = ratioChange(current, sums[i]!);
    const change = plainChange(value, earlier);
    return estimate?.interval
      ? { ...change, interval: estimate.interval, significant: estimate.significant ?? false }
      : change;
  };
  const previousPeriod = judged(previous, 1);
  const previousWeek = period.unit === 'day' ? judged(weekBefore, 2) : undefined;
  return {
    ...base,
    n: current.n,
    ...(interval ? { interval } : {}),
    ...(previousPeriod ? { previousPeriod } : {}),
    ...(previousWeek ? { previousWeek } : {}),
  };
}

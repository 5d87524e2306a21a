import { join, or, raw, type Sql, sql } from '../../../data/sql/sql.ts';
import { addDays, type DateRange, resolveRange } from '../date-range.ts';
import { parseWhere } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import {
  defineInsight,
  type InsightResultBase,
  type InsightWarning,
  type TextTable,
} from '../insight-type.ts';
import { type ActivityPath, type ActivityRow, ActivitySource } from '../retention/activity-source.ts';
import { periodAxis } from '../retention/local-periods.ts';
import type { BreakdownTag } from '../retention/retention-result.ts';
import { type StickinessSpec, stickinessFlags, stickinessSpecSchema } from './stickiness-spec.ts';

export interface StickinessPoint {
  /** Intervals (days, weeks or months of the range) a user was active on. */
  days: number;
  users: number;
  /** users / the series' active users; null when the series has none. */
  share: number | null;
}

export interface StickinessSeries extends BreakdownTag {
  label: string;
  points: StickinessPoint[];
}

export interface StickinessResult extends InsightResultBase {
  series: StickinessSeries[];
}

type CountRow = { breakdown: string | null; other: number; days: number; users: number };

/**
 * Stickiness, as PostHog defines it: for each user active in the range (an event that passes the filter,
 * in the range's own days), the number of intervals of the range they were active on; the result is the
 * histogram, k = 1 … the number of intervals the range touches. With a breakdown by an event dimension a
 * user counts in the series of each value they had, with the intervals active with that value.
 */
export async function runStickiness(
  ctx: InsightContext,
  spec: StickinessSpec,
  options: { path?: ActivityPath } = {},
): Promise<StickinessResult> {
  if (spec.timeZone !== 'UTC') ctx.dialect.require('timeZones', 'stickiness in a time zone other than UTC');
  const where = parseWhere(ctx, spec.where);
  if (spec.breakdown !== undefined) ctx.layer.dimension(spec.breakdown);
  const range = await resolveRange(ctx, spec);
  const axis = periodAxis(spec.interval, range.from, range.to);
  const source = ActivitySource.choose(ctx, range, axis, {
    where,
    breakdown: spec.breakdown,
    ...(options.path ? { force: options.path } : {}),
  });
  const warnings: InsightWarning[] = [];
  let rows = await ctx.query<CountRow>(stickinessSql(ctx, source, spec, range));
  if (spec.breakdown !== undefined) {
    const ranked = rank(rows);
    if (ranked.length > spec.breakdownLimit) {
      // A user with several merged values counts once in "other", so it is counted again, not summed.
      const kept = ranked.slice(0, spec.breakdownLimit);
      rows = await ctx.query<CountRow>(stickinessSql(ctx, source, spec, range, kept));
      const merged = ranked.length - kept.length;
      warnings.push({
        code: 'SL_BREAKDOWN_OTHER',
        message: `${merged} breakdown value${merged === 1 ? '' : 's'} beyond the ${spec.breakdownLimit} with most users merged into "other"`,
      });
    }
  }
  const series = buildSeries(rows, spec, axis.labels.length, warnings);
  return { series, sql: ctx.sqlText(), warnings };
}

function stickinessSql(
  ctx: InsightContext,
  source: ActivitySource,
  spec: StickinessSpec,
  range: DateRange,
  kept?: readonly (string | null)[],
): Sql {
  const { breakdown } = spec;
  const group = (row: ActivityRow): { value: Sql; other: Sql } | undefined => {
    if (breakdown === undefined) return undefined;
    const value = row.breakdown(breakdown);
    if (!kept) return { value, other: raw('0') };
    const values = kept.filter((v): v is string => v !== null);
    const isKept = or([
      ...(values.length > 0 ? [sql`${value} IN (${join(values)})`] : []),
      ...(kept.includes(null) ? [sql`${value} IS NULL`] : []),
    ]);
    return {
      value: sql`CASE WHEN ${isKept} THEN ${value} END`,
      other: sql`CASE WHEN ${isKept} THEN 0 ELSE 1 END`,
    };
  };
  const perUser = source.scan({
    event: spec.event,
    since: range.from,
    until: addDays(range.to, 1),
    select: (row) => {
      const g = group(row);
      return [
        sql`${row.userId} AS user_id`,
        g ? sql`${g.value} AS breakdown` : sql`NULL AS breakdown`,
        g ? sql`${g.other} AS other` : sql`0 AS other`,
        sql`${ctx.dialect.countDistinctPeriods(row.period, source.axis.labels.length)} AS days`,
      ];
    },
    groupBy: (row) => {
      // Constants stay out of GROUP BY (a bare number there is a column position).
      const g = group(row);
      return g ? [row.userId, g.value, ...(kept ? [g.other] : [])] : [row.userId];
    },
  });
  return sql`SELECT breakdown, other, days, count(*) AS users FROM (${perUser}) AS s GROUP BY breakdown, other, days`;
}

/** Breakdown values by active users, most first; ties by value, NULL last. */
function rank(rows: readonly CountRow[]): (string | null)[] {
  const totals = new Map<string | null, number>();
  for (const row of rows) totals.set(row.breakdown, (totals.get(row.breakdown) ?? 0) + row.users);
  return [...totals]
    .sort(([a, x], [b, y]) => y - x || (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
    .map(([value]) => value);
}

function buildSeries(
  rows: readonly CountRow[],
  spec: StickinessSpec,
  intervals: number,
  warnings: InsightWarning[],
): StickinessSeries[] {
  const groups = new Map<string, { tag: BreakdownTag; counts: number[]; total: number }>();
  const keyOf = (row: CountRow): string => (row.other ? 'other' : JSON.stringify(row.breakdown));
  const blank = (tag: BreakdownTag) => ({ tag, counts: new Array<number>(intervals + 1).fill(0), total: 0 });
  if (spec.breakdown === undefined)
    groups.set(keyOf({ breakdown: null, other: 0, days: 0, users: 0 }), blank({}));
  for (const row of rows) {
    const key = keyOf(row);
    let group = groups.get(key);
    if (!group) {
      group = blank(row.other ? { other: true } : { breakdown: row.breakdown });
      groups.set(key, group);
    }
    if (row.days < 1 || row.days > intervals)
      throw new Error(`stickiness row outside the range: ${JSON.stringify(row)}`);
    group.counts[row.days] = (group.counts[row.days] ?? 0) + row.users;
    group.total += row.users;
  }
  const ordered = [...groups.values()].sort((a, b) => {
    if (a.tag.other !== b.tag.other) return a.tag.other ? 1 : -1;
    const x = a.tag.breakdown ?? null;
    const y = b.tag.breakdown ?? null;
    return b.total - a.total || (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1);
  });
  let empty = 0;
  const series = ordered.map((group) => {
    if (group.total === 0) empty++;
    const label =
      spec.breakdown === undefined
        ? spec.event
        : `${spec.event} · ${group.tag.other ? 'other' : (group.tag.breakdown ?? '(none)')}`;
    return {
      label,
      ...group.tag,
      points: Array.from({ length: intervals }, (_, i) => ({
        days: i + 1,
        users: group.counts[i + 1] ?? 0,
        share: group.total > 0 ? (group.counts[i + 1] ?? 0) / group.total : null,
      })),
    };
  });
  if (empty > 0)
    warnings.push({
      code: 'SL_EMPTY_DENOMINATOR',
      message: 'no user was active in the range, so every share is null',
    });
  return series;
}

export const stickinessInsight = defineInsight<StickinessSpec, StickinessResult>({
  name: 'stickiness',
  summary: 'how many users were active on exactly 1, 2, … days (weeks, months) of the range',
  schema: stickinessSpecSchema,
  flags: stickinessFlags,
  run: (ctx, spec) => runStickiness(ctx, spec),
  tables: (result) =>
    result.series.map(
      (s): TextTable => ({
        title: s.label,
        rows: s.points.map((p) => ({
          active: p.days,
          users: p.users,
          share: p.share === null ? '' : `${(p.share * 100).toFixed(1)}%`,
        })),
      }),
    ),
});

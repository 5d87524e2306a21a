import { ident, join, or, type Sql, sql } from '../../../data/sql/sql.ts';
import { compileFilter, dimensionSql } from '../../metrics/compile-filter.ts';
import type { FilterNode } from '../../metrics/filter-expression.ts';
import type { QueryScope } from '../../metrics/query-scope.ts';
import type { DateRange } from '../date-range.ts';
import { ANY_EVENT, eventScan } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import type { FunnelInterval } from './funnel-buckets.ts';

/** A step or an exclusion with its filter parsed and checked. */
export interface MatchDefinition {
  event: string;
  where: FilterNode | undefined;
}

/** The breakdown values kept as they are; the others merge into one group (`g_other` = 1). */
export interface BreakdownKeep {
  values: readonly string[];
  keepNull: boolean;
}

export interface FunnelEventsQuery {
  range: DateRange;
  windowSeconds: number;
  steps: readonly MatchDefinition[];
  exclusions: readonly MatchDefinition[];
  where: FilterNode | undefined;
  /** Every event of the users, not only those that match (strict funnels). */
  allEvents: boolean;
  /** An attempt may start at any step (any-order funnels), not only at step 1. */
  anyStart: boolean;
  breakdown: string | undefined;
  keep: BreakdownKeep | undefined;
  interval: FunnelInterval | undefined;
}

/** Group columns of the attempts, in this order when present. */
export const BREAKDOWN_COLUMN = 'g_breakdown';
export const OTHER_COLUMN = 'g_other';
export const BUCKET_COLUMN = 'g_bucket';

export function groupColumnNames(q: FunnelEventsQuery): string[] {
  return [
    ...(q.breakdown !== undefined ? [BREAKDOWN_COLUMN] : []),
    ...(q.keep ? [OTHER_COLUMN] : []),
    ...(q.interval ? [BUCKET_COLUMN] : []),
  ];
}

/** Whether an event matches a step or an exclusion: its name (any name for `$any`) and its filter. */
export function matchCondition(scope: QueryScope, m: MatchDefinition): Sql {
  const name = m.event === ANY_EVENT ? sql`TRUE` : sql`${scope.column('event')} = ${m.event}`;
  return m.where ? sql`(${name} AND ${compileFilter(scope, m.where)})` : name;
}

/**
 * The events relation of `Dialect.funnelAttempts`: the user's events from the start of the range to
 * one window after its end (a conversion window may run past the last day, as in PostHog; only the first
 * step must fall in the range), with a column per step and exclusion saying whether the event matches
 * it, `entry` on events inside the range where an attempt may start (step 1; any step for any order),
 * and the group columns: the breakdown value of the event (the value on the attempt's first event is
 * what counts), and the local day, week or month of entry.
 */
export function funnelEventsSql(ctx: InsightContext, scope: QueryScope, q: FunnelEventsQuery): Sql {
  const d = ctx.dialect;
  const steps = q.steps.map((s) => matchCondition(scope, s));
  const exclusions = q.exclusions.map((x) => matchCondition(scope, x));
  const columns: Sql[] = [
    sql`${scope.column('user_id')} AS user_id`,
    sql`${scope.column('ts')} AS ts`,
    sql`${scope.column('event_id')} AS event_id`,
    sql`(${q.anyStart ? or(steps) : (steps[0] as Sql)} AND ${scope.column('ts')} < ${q.range.end}) AS entry`,
    ...steps.map((s, i) => sql`${s} AS ${ident(`s${i + 1}`)}`),
    ...exclusions.map((x, i) => sql`${x} AS ${ident(`x${i + 1}`)}`),
  ];
  if (q.breakdown !== undefined) {
    const value = dimensionSql(scope, q.breakdown);
    if (q.keep) {
      const kept = q.keep.values.length > 0 ? sql`${value} IN (${join(q.keep.values)})` : sql`FALSE`;
      const keptOrNull = q.keep.keepNull ? sql`(${kept} OR ${value} IS NULL)` : kept;
      columns.push(sql`CASE WHEN ${kept} THEN ${value} END AS ${ident(BREAKDOWN_COLUMN)}`);
      columns.push(sql`CASE WHEN ${keptOrNull} THEN 0 ELSE 1 END AS ${ident(OTHER_COLUMN)}`);
    } else columns.push(sql`${value} AS ${ident(BREAKDOWN_COLUMN)}`);
  }
  if (q.interval) {
    const local = d.localTime(scope.column('ts'), q.range.timeZone);
    columns.push(sql`CAST(${d.truncate(q.interval, local)} AS DATE) AS ${ident(BUCKET_COLUMN)}`);
  }
  const all = [...q.steps, ...q.exclusions];
  const names = [...new Set(all.map((m) => m.event))];
  const conditions: Sql[] = [];
  if (!q.allEvents) {
    if (!names.includes(ANY_EVENT)) conditions.push(d.oneOf(scope.column('event'), names));
    // Filtered steps: keep only the events that match something.
    if (all.some((m) => m.where !== undefined)) conditions.push(or([...steps, ...exclusions]));
  }
  return eventScan(
    ctx,
    scope,
    { ...q.range, end: d.addSeconds(q.range.end, q.windowSeconds) },
    { columns, filters: [q.where], conditions },
  );
}

/** The events in the range where attempts may start, with their breakdown value, to rank the values. */
export function entryValuesSql(ctx: InsightContext, scope: QueryScope, q: FunnelEventsQuery): Sql {
  if (q.breakdown === undefined) throw new Error('entryValuesSql needs a breakdown');
  const value = dimensionSql(scope, q.breakdown);
  const condition = q.anyStart
    ? or(q.steps.map((s) => matchCondition(scope, s)))
    : matchCondition(scope, q.steps[0] as MatchDefinition);
  const scan = eventScan(ctx, scope, q.range, {
    columns: [sql`${value} AS breakdown`, sql`${scope.column('user_id')} AS user_id`],
    filters: [q.where],
    conditions: [condition],
  });
  return sql`SELECT breakdown, count(DISTINCT user_id) AS users FROM (${scan}) AS entries GROUP BY breakdown`;
}

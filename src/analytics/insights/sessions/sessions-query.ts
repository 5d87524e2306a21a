import { join, or, raw, type Sql, sql } from '../../../data/sql/sql.ts';
import { dimensionSql } from '../../metrics/compile-filter.ts';
import type { FilterNode } from '../../metrics/filter-expression.ts';
import type { DateRange } from '../date-range.ts';
import { eventScan, scopeFor } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import type { SessionInterval } from './buckets.ts';

/** Lower edges of the duration histogram's bins, in seconds; the last bin has no upper edge. */
export const DURATION_EDGES = [0, 10, 30, 60, 180, 600, 1800, 3600, 10_800] as const;

/** Sessions with at least this many events share the events histogram's last bin. */
export const EVENTS_CAP = 100;

export interface SessionsQuery {
  range: DateRange;
  gapSeconds: number;
  interval: SessionInterval;
  filter: FilterNode | undefined;
  breakdown: string | undefined;
  /** The breakdown values kept as they are; the others merge into one group (`is_other` = 1). */
  kept: readonly (string | null)[] | undefined;
}

/** One row of the grouping sets: which set it belongs to says `byTime`, `byDuration` and `byEvents`. */
export type SessionsRow = {
  by_time: number;
  by_duration: number;
  by_events: number;
  t: string | null;
  b: string | null;
  is_other: number | null;
  duration_bin: number | null;
  events_bin: number | null;
  sessions: number;
  users: number;
  duration_sum: number | null;
  events_sum: number | null;
  bounces: number | null;
  cut: number | null;
  median_duration: number | null;
};

/**
 * The whole sessions insight in one statement, one pass over the sessions:
 *
 * 1. the events that pass the filter, from one gap before the range to one gap after it, so that the first
 *    event in the range knows whether it continues a session and the last one whether its session goes on;
 * 2. the dialect's `sessionRows`: one row per session whose first event is in the range (more than the
 *    gap between consecutive events starts one), counting only its events before the range end (`cut`
 *    marks a session that continues past it), with the breakdown value of its first event;
 * 3. GROUPING SETS: per bucket (and breakdown value), overall, per duration bin, per events count.
 */
export function sessionsSql(ctx: InsightContext, q: SessionsQuery): Sql {
  const d = ctx.dialect;
  d.require('groupingSets', 'the sessions insight');
  const scope = scopeFor(ctx, q.range);
  const breakdown = q.breakdown ? dimensionSql(scope, q.breakdown) : raw('CAST(NULL AS VARCHAR)');
  const scan = eventScan(
    ctx,
    scope,
    {
      ...q.range,
      start: d.addSeconds(q.range.start, -q.gapSeconds),
      end: d.addSeconds(q.range.end, q.gapSeconds),
    },
    {
      columns: [
        sql`${scope.column('user_id')} AS user_id`,
        sql`${scope.column('ts')} AS ts`,
        // Without a breakdown nothing depends on the order of events at the same instant, so they need
        // no tie-breaker (sorting by the event id as well doubles the cost of the per-user sort).
        q.breakdown ? sql`${scope.column('event_id')} AS ord` : sql`0 AS ord`,
        sql`${breakdown} AS breakdown`,
      ],
      filters: [q.filter],
    },
  );
  const perSession = d.sessionRows({
    events: scan,
    gapSeconds: q.gapSeconds,
    start: q.range.start,
    end: q.range.end,
    carry: ['breakdown'],
  });
  const bucket = sql`CAST(${d.truncate(q.interval, d.localTime(raw('first_ts'), q.range.timeZone))} AS DATE)`;
  const duration = sql`${d.epochSeconds(raw('last_ts'))} - ${d.epochSeconds(raw('first_ts'))}`;
  const measured = sql`SELECT user_id, ${bucket} AS t, ${breakdownValue(q)} AS b, ${otherFlag(q)} AS is_other, ${duration} AS duration, events, cut FROM (${perSession}) AS sessions`;
  const binned = sql`SELECT *, ${durationBin()} AS duration_bin, CASE WHEN events >= ${raw(String(EVENTS_CAP))} THEN ${raw(String(EVENTS_CAP))} ELSE events END AS events_bin, CASE WHEN events = 1 THEN 1 ELSE 0 END AS bounce FROM (${measured}) AS measured`;
  const byTime = q.breakdown ? raw('(t, b, is_other)') : raw('(t)');
  return sql`SELECT GROUPING(t) AS by_time, GROUPING(duration_bin) AS by_duration, GROUPING(events_bin) AS by_events, t, ${q.breakdown ? raw('b, is_other') : raw('CAST(NULL AS VARCHAR) AS b, 0 AS is_other')}, duration_bin, events_bin, count(*) AS sessions, count(DISTINCT user_id) AS users, sum(duration) AS duration_sum, sum(events) AS events_sum, sum(bounce) AS bounces, sum(cut) AS cut, ${d.percentile(raw('duration'), 0.5)} AS median_duration FROM (${binned}) AS binned GROUP BY GROUPING SETS (${byTime}, (), (duration_bin), (events_bin))`;
}

/** True for a kept breakdown value (every value when none are merged). */
function kept(q: SessionsQuery): Sql | undefined {
  if (!q.breakdown || !q.kept) return undefined;
  const values = q.kept.filter((v): v is string => v !== null);
  return or([
    ...(q.kept.includes(null) ? [raw('breakdown IS NULL')] : []),
    ...(values.length > 0 ? [sql`breakdown IN (${join(values)})`] : []),
  ]);
}

/** The session's breakdown value; NULL for the merged values, which `otherFlag` marks. */
function breakdownValue(q: SessionsQuery): Sql {
  const keep = kept(q);
  return keep ? sql`CASE WHEN ${keep} THEN breakdown END` : raw('breakdown');
}

function otherFlag(q: SessionsQuery): Sql {
  const keep = kept(q);
  return keep ? sql`CASE WHEN ${keep} THEN 0 ELSE 1 END` : raw('0');
}

/** The index of a session's duration bin (0 for the first edge). */
function durationBin(): Sql {
  const cases = DURATION_EDGES.slice(1).map(
    (edge, i) => sql`WHEN duration < ${raw(String(edge))} THEN ${raw(String(i))}`,
  );
  return sql`CASE ${join(cases, ' ')} ELSE ${raw(String(DURATION_EDGES.length - 1))} END`;
}

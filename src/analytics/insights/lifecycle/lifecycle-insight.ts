import { type Sql, sql } from '../../../data/sql/sql.ts';
import { resolveRange } from '../date-range.ts';
import { ANY_EVENT, parseWhere } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { defineInsight, type InsightResultBase } from '../insight-type.ts';
import { type ActivityPath, ActivitySource } from '../retention/activity-source.ts';
import { addPeriods, periodAxis } from '../retention/local-periods.ts';
import { type LifecycleSpec, lifecycleFlags, lifecycleSpecSchema } from './lifecycle-spec.ts';

export interface LifecyclePoint {
  /** The first day of the bucket. */
  t: string;
  new: number;
  returning: number;
  resurrecting: number;
  /** Users active in the bucket before and not in this one, as a negative count (PostHog's convention). */
  dormant: number;
}

export interface LifecycleResult extends InsightResultBase {
  points: LifecyclePoint[];
}

type CountRow = { period: number; status: 'new' | 'returning' | 'resurrecting' | 'dormant'; users: number };

/**
 * Lifecycle, with PostHog's definitions. Activity is an event that passes the filter. For each bucket,
 * among the users active in it: `new` when their first matching event ever is in it, else `returning`
 * when they were active in the bucket before, else `resurrecting`; `dormant` counts the users active in
 * the bucket before but not in this one. Buckets are whole (the first and last may reach outside
 * `from`..`to`, as PostHog's do), and the first one's statuses read the bucket before it and all history.
 */
export async function runLifecycle(
  ctx: InsightContext,
  spec: LifecycleSpec,
  options: { path?: ActivityPath } = {},
): Promise<LifecycleResult> {
  if (spec.timeZone !== 'UTC') ctx.dialect.require('timeZones', 'lifecycle in a time zone other than UTC');
  const where = parseWhere(ctx, spec.where);
  const range = await resolveRange(ctx, spec);
  const axis = periodAxis(spec.interval, range.from, range.to);
  const source = ActivitySource.choose(ctx, range, axis, {
    where,
    ...(options.path ? { force: options.path } : {}),
  });
  const periods = axis.labels.length;
  const until = addPeriods(axis.unit, axis.origin, periods);
  const activity = source.scan({
    event: spec.event,
    since: addPeriods(axis.unit, axis.origin, -1),
    until,
    select: (row) => [sql`${row.userId} AS user_id`, sql`${row.period} AS period`],
  });
  let firsts: Sql;
  if (source.userLevel && spec.event === ANY_EVENT)
    firsts = source.firstSeen({
      until,
      select: (row) => [sql`${row.userId} AS user_id`, sql`${row.period} AS period`],
    });
  else
    firsts = source.scan({
      event: spec.event,
      until,
      select: (row) => [
        sql`${row.userId} AS user_id`,
        sql`${source.periodOf(sql`min(${row.time})`)} AS period`,
      ],
      groupBy: (row) => [row.userId],
    });
  const rows = await ctx.query<CountRow>(ctx.dialect.lifecycleCounts({ activity, firsts, periods }));
  const points: LifecyclePoint[] = axis.labels.map((t) => ({
    t,
    new: 0,
    returning: 0,
    resurrecting: 0,
    dormant: 0,
  }));
  for (const row of rows) {
    const point = points[row.period];
    if (!point) throw new Error(`lifecycle row outside the range: ${JSON.stringify(row)}`);
    point[row.status] += row.status === 'dormant' ? -row.users : row.users;
  }
  return { points, sql: ctx.sqlText(), warnings: [] };
}

export const lifecycleInsight = defineInsight<LifecycleSpec, LifecycleResult>({
  name: 'lifecycle',
  summary: 'active users per bucket as new, returning and resurrecting, and those who went dormant',
  schema: lifecycleSpecSchema,
  flags: lifecycleFlags,
  run: (ctx, spec) => runLifecycle(ctx, spec),
  tables: (result) => [{ rows: result.points.map((p) => ({ ...p })) }],
});

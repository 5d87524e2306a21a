import { ident, type Sql, sql } from '../../../data/sql/sql.ts';
import { addDays, type DateRange } from '../date-range.ts';
import { ANY_EVENT } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import type { ActivityRow, ActivitySource } from './activity-source.ts';
import { addPeriods } from './local-periods.ts';
import type { RetentionSpec } from './retention-spec.ts';

/** One row of the retention counts: `k` = 0 is the cohort's size. */
export type RetentionCountRow = {
  cohort: number;
  breakdown: string | null;
  k: number;
  users: number;
};

/**
 * The one query of a retention insight: the cohorts (`starts`) and the return activity (`returns`) on the
 * period axis of the range, counted by the dialect's retention core.
 *
 * Cohorts: with first occurrence, each user's first start event ever that passes the filter, kept when it
 * falls in the range (history before `from` is read, so a user who started earlier is in no cohort); with
 * `recurring`, every period of the range in which the user did the start event. A breakdown takes the
 * value at the user's first start event of the cohort period (ties in time broken by event id).
 * Returns: the return event (filtered too) from the period after the first cohort to the end of `to`.
 */
export function retentionSql(
  ctx: InsightContext,
  source: ActivitySource,
  spec: RetentionSpec,
  range: DateRange,
): Sql {
  const d = ctx.dialect;
  const until = addDays(range.to, 1);
  const breakdown = (row: ActivityRow): Sql =>
    spec.breakdown === undefined
      ? sql`NULL AS breakdown`
      : sql`${d.argMin(row.breakdown(spec.breakdown), row.order)} AS breakdown`;

  let starts: Sql;
  if (spec.recurring) {
    starts = source.scan({
      event: spec.startEvent,
      since: range.from,
      until,
      select: (row) => [sql`${row.userId} AS user_id`, sql`${row.period} AS cohort`, breakdown(row)],
      groupBy: (row) => [row.userId, row.period],
    });
  } else if (source.userLevel && spec.startEvent === ANY_EVENT) {
    starts = source.firstSeen({
      since: range.from,
      until,
      select: (row) => [
        sql`${row.userId} AS user_id`,
        sql`${row.period} AS cohort`,
        spec.breakdown === undefined
          ? sql`NULL AS breakdown`
          : sql`${row.breakdown(spec.breakdown)} AS breakdown`,
      ],
    });
  } else {
    const firsts = source.scan({
      event: spec.startEvent,
      until,
      select: (row) => [sql`${row.userId} AS user_id`, sql`min(${row.time}) AS first_time`, breakdown(row)],
      groupBy: (row) => [row.userId],
      having: (row) => sql`min(${row.time}) >= ${source.bound(range.from)}`,
    });
    starts = sql`SELECT user_id, ${source.periodOf(sql`${ident('first_time')}`)} AS cohort, breakdown FROM (${firsts}) AS f`;
  }

  const returns = source.scan({
    event: spec.returnEvent,
    since: addPeriods(source.axis.unit, source.axis.origin, 1),
    until,
    select: (row) => [sql`${row.userId} AS user_id`, sql`${row.period} AS period`],
  });
  return d.retentionCounts({ starts, returns, periods: spec.periods, span: source.axis.labels.length });
}

import { type Sql, sql } from '../../data/sql/sql.ts';
import { SightlineError } from '../../errors/index.ts';
import type { InsightContext } from './insight-context.ts';

/** A query's range: inclusive local dates in a time zone, and the UTC bounds they cover. */
export interface DateRange {
  from: string;
  to: string;
  timeZone: string;
  /** The first instant of `from` in the zone, as a UTC timestamp expression. */
  start: Sql;
  /** The first instant after `to` in the zone (exclusive), as a UTC timestamp expression. */
  end: Sql;
}

/** The default range when none is given: the 30 days ending on the day of the latest event. */
export const DEFAULT_RANGE_DAYS = 30;

export async function resolveRange(
  ctx: InsightContext,
  spec: { from?: string | undefined; to?: string | undefined; timeZone: string },
): Promise<DateRange> {
  let { from, to } = spec;
  if (!to) to = await latestEventDay(ctx, spec.timeZone);
  if (!from) from = addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to)
    throw new SightlineError('SL_INSIGHT_INVALID', `--from ${from} is after --to ${to}`, {
      hint: 'both dates are inclusive; swap them',
    });
  return rangeOf(ctx, from, to, spec.timeZone);
}

export function rangeOf(ctx: InsightContext, from: string, to: string, timeZone: string): DateRange {
  const d = ctx.dialect;
  return {
    from,
    to,
    timeZone,
    start: d.utcFromLocal(d.timestamp(`${from} 00:00:00`), timeZone),
    end: d.utcFromLocal(d.timestamp(`${addDays(to, 1)} 00:00:00`), timeZone),
  };
}

async function latestEventDay(ctx: InsightContext, timeZone: string): Promise<string> {
  const local = ctx.dialect.localTime(sql`max(ts)`, timeZone);
  const rows = await ctx.query<{ day: string | null }>(
    sql`SELECT CAST(${local} AS DATE) AS day FROM events WHERE project_id = ${ctx.project}`,
  );
  return rows[0]?.day ?? new Date().toISOString().slice(0, 10);
}

/** Adds days to a YYYY-MM-DD date (calendar arithmetic in UTC, no time zone involved). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

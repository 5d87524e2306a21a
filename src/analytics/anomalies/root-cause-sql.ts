/**
 * The queries of a root-cause explanation. Each reads `events` once per dimension set over only the time
 * windows it needs (the bucket being explained and its same-slot history), so the whole search is one
 * statement for every single dimension and one for the pairs, whatever the number of segments.
 */
import type { Dialect } from '../../data/sql/dialect.ts';
import { and, join, or, raw, type Sql, sql } from '../../data/sql/sql.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import { dimensionSql } from '../metrics/compile-filter.ts';
import { QueryScope } from '../metrics/query-scope.ts';
import { type Measure, partAggregate, partCondition } from './root-cause-measure.ts';

/** A time window [start, end) in epoch ms; window 0 is the bucket explained, the others its history. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** `2026-10-26 06:00:00` (UTC) for a timestamp literal. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function scopeOf(ctx: InsightContext, end: number): QueryScope {
  return new QueryScope(ctx.dialect, ctx.layer, ctx.project, ctx.dialect.timestamp(isoUtc(end)));
}

function inWindow(d: Dialect, ts: Sql, w: TimeWindow): Sql {
  return sql`(${ts} >= ${d.timestamp(isoUtc(w.start))} AND ${ts} < ${d.timestamp(isoUtc(w.end))})`;
}

/** `n` and `d` (the denominator, 0 for an additive measure) and the condition any measured row meets. */
function measureColumns(scope: QueryScope, measure: Measure): { columns: Sql[]; condition: Sql } {
  const n = partCondition(scope, measure.numerator);
  const columns = [sql`${partAggregate(scope, measure.numerator, n)} AS n`];
  if (!measure.denominator) return { columns: [...columns, sql`0 AS d`], condition: n };
  const d = partCondition(scope, measure.denominator);
  columns.push(sql`${partAggregate(scope, measure.denominator, d)} AS d`);
  return { columns, condition: or([n, d]) };
}

/**
 * One row per dimension set, key and window: (`dim` the set's index, `k0`, `k1` its values as text, NULL
 * for a missing value or an unused column, `slot` the window's index, `n`, `d`). A set with no dimensions
 * gives the whole metric (keys NULL).
 */
export function segmentRowsSql(
  ctx: InsightContext,
  measure: Measure,
  sets: readonly (readonly string[])[],
  windows: readonly TimeWindow[],
): Sql {
  const d = ctx.dialect;
  const end = Math.max(...windows.map((w) => w.end));
  const parts = sets.map((set, index) => {
    const scope = scopeOf(ctx, end);
    const ts = scope.column('ts');
    const keys = [0, 1].map((i) => {
      const ref = set[i];
      return ref === undefined ? d.toText(raw('NULL')) : dimensionSql(scope, ref);
    });
    const slot = sql`CASE ${join(
      windows.map((w, i) => sql`WHEN ${inWindow(d, ts, w)} THEN ${raw(String(i))}`),
      ' ',
    )} END`;
    const { columns, condition } = measureColumns(scope, measure);
    const where = and([
      sql`${scope.column('project_id')} = ${ctx.project}`,
      or(windows.map((w) => inWindow(d, ts, w))),
      condition,
    ]);
    const k0 = keys[0] as Sql;
    const k1 = keys[1] as Sql;
    return sql`SELECT ${raw(String(index))} AS dim, ${k0} AS k0, ${k1} AS k1, ${slot} AS slot, ${join(columns)} FROM events e${scope.usersJoin()} WHERE ${where} GROUP BY ${k0}, ${k1}, ${slot}`;
  });
  return join(parts, ' UNION ALL ');
}

/**
 * Distinct `properties` objects (as text) of the measured events in a window, at most `limit`: the
 * property keys found there become dimensions (the push's `via`, an experiment's `variant`).
 */
export function propertyObjectsSql(
  ctx: InsightContext,
  measure: Measure,
  window: TimeWindow,
  limit: number,
): Sql {
  const d = ctx.dialect;
  const scope = scopeOf(ctx, window.end);
  const properties = scope.column('properties');
  const condition = measureColumns(scope, measure).condition;
  const where = and([
    sql`${scope.column('project_id')} = ${ctx.project}`,
    inWindow(d, scope.column('ts'), window),
    sql`${properties} IS NOT NULL`,
    condition,
  ]);
  return sql`SELECT DISTINCT ${d.toText(properties)} AS p FROM events e${scope.usersJoin()} WHERE ${where} LIMIT ${raw(String(limit))}`;
}

/** The first event's time (epoch seconds) of the project, or null without events. */
export function firstEventSql(ctx: InsightContext): Sql {
  return sql`SELECT ${ctx.dialect.epochSeconds(sql`min(ts)`)} AS first FROM events WHERE project_id = ${ctx.project}`;
}

/**
 * The per-user sums of a sampled ratio (`metric-kind.ts`) over several periods, in one statement: for
 * each period, over the users with a matching event in it, n, Σx, Σx², Σy, Σy² and Σxy, which is all the
 * delta method needs (`ratioMoments` in `src/math/stats/ratio.ts`). Σx/Σy is the ratio the trends
 * insight shows for the period, so the interval is around the very number the report prints.
 */

import type { UserMeasure } from '../../analytics/experiments/metric-plan.ts';
import { rangeOf } from '../../analytics/insights/date-range.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { compileFilter, numericDimensionSql } from '../../analytics/metrics/compile-filter.ts';
import { QueryScope } from '../../analytics/metrics/query-scope.ts';
import { and, join, type Sql, sql } from '../../data/sql/sql.ts';
import type { RatioSums } from '../../math/stats/ratio.ts';
import type { SampledRatio } from './metric-kind.ts';

/** Inclusive local dates. */
export interface DateSpan {
  readonly from: string;
  readonly to: string;
}

/** One `RatioSums` per span, in the order given (n = 0 for a span without users). */
export async function ratioSums(
  ctx: InsightContext,
  ratio: SampledRatio,
  spans: readonly DateSpan[],
  timeZone: string,
): Promise<RatioSums[]> {
  const bounds = spans.map((s) => rangeOf(ctx, s.from, s.to, timeZone));
  const latest = spans.reduce((best, s, i) => (s.to > spans[best]!.to ? i : best), 0);
  const earliest = spans.reduce((best, s, i) => (s.from < spans[best]!.from ? i : best), 0);
  const scope = new QueryScope(ctx.dialect, ctx.layer, ctx.project, bounds[latest]!.end, 'e', 'u');
  const ts = scope.column('ts');
  const span = sql`(CASE ${join(
    bounds.map((b, i) => sql`WHEN ${ts} >= ${b.start} AND ${ts} < ${b.end} THEN ${i}`),
    ' ',
  )} END)`;
  const x = measureSql(scope, ratio.numerator);
  const y = measureSql(scope, ratio.denominator);
  const measures = [ratio.numerator, ratio.denominator];
  const names = measures.some((m) => m.event === '$any')
    ? undefined
    : [...new Set(measures.map((m) => m.event))];
  const where = and([
    sql`${scope.column('project_id')} = ${ctx.project}`,
    sql`${ts} >= ${bounds[earliest]!.start}`,
    sql`${ts} < ${bounds[latest]!.end}`,
    names ? ctx.dialect.oneOf(scope.column('event'), names) : sql``,
  ]);
  const user = scope.column('user_id');
  const perUser = sql`SELECT ${span} AS span, CAST(${x} AS DOUBLE) AS x, CAST(${y} AS DOUBLE) AS y FROM events e${scope.usersJoin()} WHERE ${where} GROUP BY ${user}, ${span}`;
  const rows = await ctx.query<Record<string, number | null>>(
    sql`SELECT span, count(*) AS n, sum(x) AS sx, sum(x * x) AS sxx, sum(y) AS sy, sum(y * y) AS syy, sum(x * y) AS sxy FROM (${perUser}) p WHERE span IS NOT NULL AND (x <> 0 OR y <> 0) GROUP BY span`,
  );
  const bySpan = new Map(rows.map((r) => [Number(r['span']), r]));
  return spans.map((_, i) => {
    const r = bySpan.get(i);
    const num = (key: string) => Number(r?.[key] ?? 0);
    return {
      n: num('n'),
      numerator: { sum: num('sx'), sumSquares: num('sxx') },
      denominator: { sum: num('sy'), sumSquares: num('syy') },
      sumProducts: num('sxy'),
    };
  });
}

/** One user's measure over their matching events of the span (0 when none match). */
function measureSql(scope: QueryScope, measure: UserMeasure): Sql {
  const match = and([
    measure.event === '$any' ? sql`` : sql`${scope.column('event')} = ${measure.event}`,
    measure.where ? compileFilter(scope, measure.where) : sql``,
  ]);
  const when = match;
  switch (measure.aggregate) {
    case 'count':
      return sql`sum(CASE WHEN ${when} THEN 1 ELSE 0 END)`;
    case 'sum':
      return sql`coalesce(sum(CASE WHEN ${when} THEN ${numericDimensionSql(scope, measure.property!)} END), 0)`;
    case 'present':
      return sql`sum(CASE WHEN ${when} AND ${numericDimensionSql(scope, measure.property!)} IS NOT NULL THEN 1 ELSE 0 END)`;
    case 'any':
      return sql`max(CASE WHEN ${when} THEN 1 ELSE 0 END)`;
    case 'first':
      throw new Error('ratioSums: a first-time measure is not a per-span sum (metric-kind.ts leaves it out)');
  }
}

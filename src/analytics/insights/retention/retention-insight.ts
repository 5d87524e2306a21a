import { SightlineError } from '../../../errors/index.ts';
import { resolveRange } from '../date-range.ts';
import { parseWhere } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { defineInsight, type TextTable } from '../insight-type.ts';
import { type ActivityPath, ActivitySource } from './activity-source.ts';
import { periodAxis } from './local-periods.ts';
import { type BreakdownTag, buildRetention, type RetentionResult } from './retention-result.ts';
import {
  MAX_MATRIX_CELLS,
  type RetentionSpec,
  retentionFlags,
  retentionSpecSchema,
} from './retention-spec.ts';
import { type RetentionCountRow, retentionSql } from './retention-sql.ts';

/**
 * Runs a retention query. `path` forces where activity is read from (tests compare the rollup with
 * `events`); by default the rollup is used whenever it is exact.
 */
export async function runRetention(
  ctx: InsightContext,
  spec: RetentionSpec,
  options: { path?: ActivityPath } = {},
): Promise<RetentionResult> {
  if (spec.timeZone !== 'UTC') ctx.dialect.require('timeZones', 'retention in a time zone other than UTC');
  const where = parseWhere(ctx, spec.where);
  if (spec.breakdown !== undefined) ctx.layer.dimension(spec.breakdown);
  const range = await resolveRange(ctx, spec);
  const axis = periodAxis(spec.period, range.from, range.to);
  const cells = axis.labels.length * (spec.periods + 1);
  if (cells > MAX_MATRIX_CELLS)
    throw new SightlineError(
      'SL_INSIGHT_TOO_LARGE',
      `${axis.labels.length} cohorts x ${spec.periods + 1} periods is ${cells} cells; at most ${MAX_MATRIX_CELLS} are allowed`,
      { hint: 'narrow the date range, use a longer period or fewer --periods' },
    );
  const source = ActivitySource.choose(ctx, range, axis, {
    where,
    breakdown: spec.breakdown,
    ...(options.path ? { force: options.path } : {}),
  });
  const rows = await ctx.query<RetentionCountRow>(retentionSql(ctx, source, spec, range));
  const result = buildRetention(rows, {
    axis,
    to: range.to,
    periods: spec.periods,
    breakdown: spec.breakdown !== undefined,
    breakdownLimit: spec.breakdownLimit,
    trendPeriod: spec.trendPeriod,
  });
  return { ...result, sql: ctx.sqlText() };
}

export const retentionInsight = defineInsight<RetentionSpec, RetentionResult>({
  name: 'retention',
  summary: 'cohorts by a start event, and how many of each come back in the periods after',
  schema: retentionSpecSchema,
  flags: retentionFlags,
  run: (ctx, spec) => runRetention(ctx, spec),
  tables: retentionTables,
});

function retentionTables(result: RetentionResult): TextTable[] {
  const periods = Math.max(0, ...result.average.map((a) => a.period));
  const tables: TextTable[] = [
    {
      title: 'Cohorts (users back k periods later)',
      rows: result.cohorts.map((c) => {
        const row: Record<string, unknown> = { cohort: c.cohort, ...breakdownColumn(c), size: c.size };
        for (let k = 1; k <= periods; k++) row[`+${k}`] = c.retained[k] ?? '';
        return row;
      }),
    },
    {
      title: 'Average (weighted by cohort size)',
      rows: result.average.map((a) => ({
        ...breakdownColumn(a),
        period: a.period,
        retained: a.retained,
        rate: percent(a.rate),
        cohorts: a.cohorts,
      })),
    },
  ];
  if (result.trend)
    tables.push({
      title: 'Trend',
      rows: result.trend.map((t) => ({
        cohort: t.cohort,
        ...breakdownColumn(t),
        size: t.size,
        rate: percent(t.rate),
      })),
    });
  return tables;
}

function breakdownColumn(tag: BreakdownTag): Record<string, unknown> {
  if (tag.other) return { breakdown: 'other' };
  if (tag.breakdown === undefined) return {};
  return { breakdown: tag.breakdown ?? '(none)' };
}

function percent(rate: number | null): string {
  return rate === null ? '' : `${(rate * 100).toFixed(1)}%`;
}

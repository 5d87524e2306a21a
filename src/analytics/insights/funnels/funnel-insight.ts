import { raw } from '../../../data/sql/sql.ts';
import { resolveRange } from '../date-range.ts';
import { formatDuration } from '../duration.ts';
import { parseWhere, scopeFor } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { defineInsight, type TextTable } from '../insight-type.ts';
import { bucketLabels } from './funnel-buckets.ts';
import {
  type BreakdownKeep,
  entryValuesSql,
  type FunnelEventsQuery,
  funnelEventsSql,
  groupColumnNames,
} from './funnel-events.ts';
import { histogramBins } from './funnel-histogram.ts';
import { planFunnel } from './funnel-plan.ts';
import { type FunnelAggregateRow, funnelAggregateSql } from './funnel-query.ts';
import { buildFunnelResult, type FunnelResult, type FunnelStepResult } from './funnel-result.ts';
import { type FunnelSpec, funnelFlags, funnelSpecSchema } from './funnel-spec.ts';

/** Runs a funnel: plan, rank the breakdown values if any, then one statement for the whole result. */
export async function runFunnel(ctx: InsightContext, spec: FunnelSpec): Promise<FunnelResult> {
  if (spec.timeZone !== 'UTC') ctx.dialect.require('timeZones', 'a funnel in a time zone other than UTC');
  const plan = planFunnel(ctx, spec);
  const where = parseWhere(ctx, spec.where);
  if (spec.breakdown !== undefined) ctx.layer.dimension(spec.breakdown);
  const range = await resolveRange(ctx, spec);
  const buckets = spec.interval ? bucketLabels(spec.interval, range.from, range.to) : undefined;
  const query: FunnelEventsQuery = {
    range,
    windowSeconds: spec.window,
    steps: plan.steps,
    exclusions: plan.exclusions,
    where,
    allEvents: spec.order === 'strict',
    anyStart: spec.order === 'any',
    breakdown: spec.breakdown,
    keep: undefined,
    interval: spec.interval,
  };

  let ranked: { values: (string | null)[]; other: boolean } | undefined;
  let merged = 0;
  if (spec.breakdown !== undefined) {
    const values = ctx.dialect.topRows(
      entryValuesSql(ctx, scopeFor(ctx, range), query),
      raw('users DESC, breakdown IS NULL, breakdown'),
      spec.breakdownLimit,
    );
    const rows = await ctx.query<{ breakdown: string | null; users: number; row_count: number }>(values);
    const total = Number(rows[0]?.row_count ?? 0);
    ranked = { values: rows.map((r) => r.breakdown), other: total > rows.length };
    merged = total - rows.length;
    if (ranked.other) {
      const keep: BreakdownKeep = {
        values: ranked.values.filter((v): v is string => v !== null),
        keepNull: ranked.values.includes(null),
      };
      query.keep = keep;
    }
  }

  const scope = scopeFor(ctx, range);
  const events = funnelEventsSql(ctx, scope, query);
  const attempts = ctx.dialect.funnelAttempts({
    events,
    steps: plan.steps.length,
    order: spec.order,
    windowSeconds: spec.window,
    groups: groupColumnNames(query),
    exclusions: plan.spans,
    disjointSteps: plan.disjointSteps,
    ...(plan.components ? { components: plan.components } : {}),
  });
  const bins = histogramBins(spec.window);
  const rows = await ctx.query<FunnelAggregateRow>(
    funnelAggregateSql(ctx.dialect, {
      attempts,
      steps: plan.steps.length,
      groups: groupColumnNames(query),
      bins,
      droppedAt: spec.droppedAt,
      limit: spec.limit,
    }),
  );
  const built = buildFunnelResult(rows, {
    steps: plan.labels,
    bins,
    breakdown: ranked,
    buckets,
    droppedAt: spec.droppedAt,
  });
  if (ranked?.other)
    built.warnings.unshift({
      code: 'SL_BREAKDOWN_OTHER',
      message: `${merged} ${spec.breakdown} value${merged === 1 ? '' : 's'} beyond the ${spec.breakdownLimit} largest merged into "other"`,
    });
  return {
    order: spec.order,
    windowSeconds: spec.window,
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    ...built,
    sql: ctx.sqlText(),
  };
}

export const funnelInsight = defineInsight<FunnelSpec, FunnelResult>({
  name: 'funnel',
  summary: 'how many users go through steps in order within a window, where they drop, how long it takes',
  schema: funnelSpecSchema,
  flags: funnelFlags,
  run: runFunnel,
  tables: funnelTables,
});

function funnelTables(result: FunnelResult): TextTable[] {
  const tables: TextTable[] = [
    {
      title: `Funnel (${result.order}, window ${formatDuration(result.windowSeconds)}, ${result.from} to ${result.to})`,
      rows: stepRows(result.steps),
    },
    {
      title: `Time to convert: median ${duration(result.timeToConvert.medianSeconds)}, mean ${duration(result.timeToConvert.meanSeconds)}`,
      rows: result.timeToConvert.histogram.map((b) => ({
        from: duration(b.fromSeconds),
        to: duration(b.toSeconds),
        users: b.users,
      })),
    },
  ];
  for (const b of result.breakdowns ?? [])
    tables.push({
      title: `Breakdown: ${b.other ? 'other' : (b.breakdown ?? '(none)')}`,
      rows: stepRows(b.steps),
    });
  if (result.overTime)
    tables.push({
      title: 'Conversion over time (by the bucket of entry)',
      rows: result.overTime.map((p) => ({ ...p, rate: percent(p.rate) })),
    });
  if (result.droppedUsers)
    tables.push({ title: 'Dropped users', rows: result.droppedUsers.map((user) => ({ user })) });
  return tables;
}

function stepRows(steps: readonly FunnelStepResult[]): Record<string, unknown>[] {
  return steps.map((s, i) => ({
    step: i + 1,
    event: s.label ?? s.event,
    users: s.count,
    conversion: percent(s.conversionRate),
    'from previous': percent(s.conversionFromPrevious),
    'median time': i === 0 ? '' : duration(s.medianSecondsFromPrevious ?? null),
  }));
}

function percent(rate: number | null): string {
  return rate === null ? '' : `${(rate * 100).toFixed(1)}%`;
}

function duration(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  if (seconds < 3600) return `${Number((seconds / 60).toFixed(1))}m`;
  if (seconds < 86_400) return `${Number((seconds / 3600).toFixed(1))}h`;
  return `${Number((seconds / 86_400).toFixed(1))}d`;
}

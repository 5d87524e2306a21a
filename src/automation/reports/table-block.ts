/**
 * A `table` block: metrics over the period broken down by a dimension, the top N values by the first
 * metric (the trends insight's breakdown, so the rest is one recounted "other" row, never a sum), with
 * the first metric's change against the period before.
 */
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { runInsight } from '../../analytics/insights/registry.ts';
import type { TrendsResult, TrendsSeries } from '../../analytics/insights/trends/run-trends.ts';
import type { ReportBlock, TableCell, TableColumn } from './document.ts';
import { metricKind } from './metric-kind.ts';
import type { ReportPeriod } from './period.ts';

export interface TableDefinition {
  readonly title?: string | undefined;
  readonly metrics: readonly string[];
  readonly by: string;
  readonly limit: number;
}

const OTHER = '(other)';
const MISSING = '(none)';

function keyOf(series: TrendsSeries): string {
  if (series.other) return OTHER;
  const b = series.breakdown;
  const value = Array.isArray(b) ? b[0] : b;
  return value === null || value === undefined ? MISSING : String(value);
}

/** The table, rows in the order of the first metric's ranking ("other" last). */
export async function tableBlock(
  ctx: InsightContext,
  period: ReportPeriod,
  definition: TableDefinition,
): Promise<ReportBlock> {
  const kinds = definition.metrics.map((m) => metricKind(ctx.layer, m));
  const results: TrendsResult[] = [];
  for (const kind of kinds)
    results.push(
      (await runInsight(ctx, 'trends', {
        metric: [kind.metric],
        interval: period.unit,
        from: period.previous.from,
        to: period.to,
        timeZone: period.timezone,
        breakdown: [definition.by],
        breakdownLimit: definition.limit,
      })) as TrendsResult,
    );
  const valueAt = (series: TrendsSeries | undefined, date: string): number | null =>
    series?.points.find((p) => p.t.slice(0, 10) === date)?.value ?? null;
  const first = results[0]!.series.filter((s) => !s.compare);
  const ordered = [...first].sort((a, b) => {
    if (a.other !== b.other) return a.other ? 1 : -1;
    return (valueAt(b, period.from) ?? -Infinity) - (valueAt(a, period.from) ?? -Infinity);
  });
  const columns: TableColumn[] = [
    { key: 'group', label: definition.by, align: 'left' },
    ...kinds.map((k) => ({ key: k.metric, label: k.label, format: k.format, align: 'right' as const })),
    { key: 'change', label: `${kinds[0]!.label}, change`, format: 'percent', align: 'right' },
  ];
  const byKey = results.map((r) => new Map(r.series.map((s) => [keyOf(s), s])));
  const rows = ordered.map((series) => {
    const key = keyOf(series);
    const row: Record<string, TableCell> = { group: key };
    kinds.forEach((k, i) => {
      row[k.metric] = valueAt(byKey[i]!.get(key), period.from);
    });
    const now = valueAt(series, period.from);
    const before = valueAt(series, period.previous.from);
    row['change'] = now === null || before === null || before === 0 ? null : now / before - 1;
    return row;
  });
  return {
    kind: 'table',
    title: definition.title ?? `${kinds.map((k) => k.label).join(', ')} by ${definition.by}`,
    columns,
    rows,
  };
}

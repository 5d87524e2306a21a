/**
 * A `chart` block of kind `line` or `bar`: metrics per day over the last N days of the period, one panel
 * per metric (DAU in thousands and CTR in percent cannot share an axis), all over one date axis.
 */
import { addDays } from '../../analytics/insights/date-range.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { runInsight } from '../../analytics/insights/registry.ts';
import type { TrendsResult } from '../../analytics/insights/trends/run-trends.ts';
import type { ChartSpec, PanelSpec } from '../charts/spec.ts';
import type { ReportBlock } from './document.ts';
import { formatValue } from './format.ts';
import { metricKind } from './metric-kind.ts';
import { type ReportPeriod, rangeLabel } from './period.ts';

export interface TrendChartDefinition {
  readonly title?: string | undefined;
  readonly kind: 'line' | 'bar';
  readonly metrics: readonly string[];
  readonly days: number;
}

/** The chart block: its spec, and an alt text that says the first, last, lowest and highest value. */
export async function trendChartBlock(
  ctx: InsightContext,
  period: ReportPeriod,
  definition: TrendChartDefinition,
): Promise<ReportBlock> {
  const kinds = definition.metrics.map((m) => metricKind(ctx.layer, m));
  const from = addDays(period.to, 1 - definition.days);
  const trends = (await runInsight(ctx, 'trends', {
    series: kinds.map((k) => ({ metric: k.metric })),
    interval: 'day',
    from,
    to: period.to,
    timeZone: period.timezone,
  })) as TrendsResult;
  const panels: PanelSpec[] = [];
  const alts: string[] = [];
  for (const [i, kind] of kinds.entries()) {
    const points = trends.series[i]?.points ?? [];
    // Percentages are drawn as numbers with a % unit: the axis labels read 21.4%, not 0.214.
    const scale = kind.format === 'percent' ? 100 : 1;
    const data = points.map((p) => [p.t, p.value === null ? null : p.value * scale] as const);
    panels.push({
      y: {
        label: kind.label,
        ...(kind.format === 'percent' ? { unit: '%' } : kind.format === 'duration_ms' ? { unit: 'ms' } : {}),
        ...(kind.format === 'integer' ? { includeZero: true } : {}),
      },
      series: [
        definition.kind === 'line'
          ? { kind: 'line', name: kind.label, data }
          : { kind: 'bar', name: kind.label, data },
      ],
    });
    alts.push(describe(kind.label, points, (v) => formatValue(v, kind.format)));
  }
  const title = definition.title ?? `${kinds.map((k) => k.label).join(', ')}, last ${definition.days} days`;
  const chart: ChartSpec = {
    title,
    subtitle: rangeLabel(from, period.to),
    x: { kind: 'time' },
    panels,
    legend: false,
  };
  return {
    kind: 'chart',
    title,
    chart,
    alt: alts.join(' '),
    height: Math.max(360, 60 + 220 * panels.length),
  };
}

/** `Daily active users from 12,000 (21 Sep) to 14,210 (27 Sep); low 11,800 (23 Sep), high 14,900 (26 Sep).` */
function describe(
  label: string,
  points: readonly { t: string; value: number | null }[],
  format: (v: number) => string,
): string {
  const known = points.filter((p): p is { t: string; value: number } => p.value !== null);
  const first = known[0];
  const last = known[known.length - 1];
  if (!first || !last) return `${label}: no data.`;
  let low = first;
  let high = first;
  for (const p of known) {
    if (p.value < low.value) low = p;
    if (p.value > high.value) high = p;
  }
  const at = (p: { t: string; value: number }) => `${format(p.value)} (${p.t.slice(0, 10)})`;
  return `${label} from ${at(first)} to ${at(last)}; low ${at(low)}, high ${at(high)}.`;
}

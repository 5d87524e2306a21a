/**
 * A funnel `chart` block: the funnel insight over the period (users entering on its days; later steps
 * may follow within the conversion window), drawn as horizontal bars with users and conversion.
 */

import type { FunnelResult } from '../../analytics/insights/funnels/funnel-result.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { runInsight } from '../../analytics/insights/registry.ts';
import { funnelChart } from '../charts/funnel-chart.ts';
import type { ReportBlock } from './document.ts';
import { formatPercent } from './format.ts';
import type { ReportPeriod } from './period.ts';

export interface FunnelDefinition {
  readonly title?: string | undefined;
  readonly steps?: readonly string[] | undefined;
  readonly window?: string | number | undefined;
}

export async function funnelBlock(
  ctx: InsightContext,
  period: ReportPeriod,
  definition: FunnelDefinition,
): Promise<ReportBlock> {
  const result = (await runInsight(ctx, 'funnel', {
    steps: definition.steps ?? [],
    from: period.from,
    to: period.to,
    timeZone: period.timezone,
    ...(definition.window === undefined ? {} : { window: definition.window }),
  })) as FunnelResult;
  const title = definition.title ?? `Funnel: ${result.steps.map((s) => s.label ?? s.event).join(' → ')}`;
  const chart = funnelChart({ title, subtitle: period.label, steps: result.steps });
  const alt = result.steps
    .map((s, i) =>
      i === 0
        ? `${s.event} ${s.count.toLocaleString('en-US')} users`
        : `${s.event} ${s.count.toLocaleString('en-US')} (${s.conversionRate === null ? '–' : formatPercent(s.conversionRate)})`,
    )
    .join(' → ');
  return {
    kind: 'chart',
    title,
    chart,
    alt: `${title}. ${alt}.`,
    height: Math.max(240, 100 + 56 * result.steps.length),
  };
}

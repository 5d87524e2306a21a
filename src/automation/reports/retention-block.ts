/**
 * A retention `chart` block: the retention insight's cohort matrix as a heatmap (cohorts down, periods
 * across, % of the cohort back), one per segment when the definition names segments (campaign users
 * against organic ones) or per breakdown value, each over the cohorts that start in the last `days` days
 * of the period. Cohorts without users are left out: a segment that signs up on one day would otherwise
 * be a column of blank rows.
 */
import { addDays } from '../../analytics/insights/date-range.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { runInsight } from '../../analytics/insights/registry.ts';
import type {
  RetentionCohort,
  RetentionResult,
} from '../../analytics/insights/retention/retention-result.ts';
import { retentionHeatmap } from '../charts/retention-heatmap.ts';
import type { ReportBlock } from './document.ts';
import { formatPercent } from './format.ts';
import { type ReportPeriod, rangeLabel } from './period.ts';

export interface RetentionDefinition {
  readonly title?: string | undefined;
  readonly days: number;
  readonly periods?: number | undefined;
  readonly period?: 'day' | 'week' | undefined;
  readonly breakdown?: string | undefined;
  readonly segments?: Readonly<Record<string, string>> | undefined;
}

/** At most this many breakdown values get a heatmap of their own; the rest are one "other". */
const BREAKDOWN_LIMIT = 3;

export async function retentionBlocks(
  ctx: InsightContext,
  period: ReportPeriod,
  definition: RetentionDefinition,
): Promise<ReportBlock[]> {
  const from = addDays(period.to, 1 - definition.days);
  const unit = definition.period ?? 'day';
  const spec = {
    period: unit,
    periods: definition.periods ?? 7,
    from,
    to: period.to,
    timeZone: period.timezone,
  };
  const title = definition.title ?? 'Retention';
  const subtitle = `${unit === 'day' ? 'Daily' : 'Weekly'} cohorts of ${rangeLabel(from, period.to)}`;
  const groups: { name: string | undefined; cohorts: RetentionCohort[]; result: RetentionResult }[] = [];
  if (definition.segments) {
    for (const [name, where] of Object.entries(definition.segments)) {
      const result = (await runInsight(ctx, 'retention', { ...spec, where })) as RetentionResult;
      groups.push({ name, cohorts: result.cohorts, result });
    }
  } else if (definition.breakdown) {
    const result = (await runInsight(ctx, 'retention', {
      ...spec,
      breakdown: definition.breakdown,
      breakdownLimit: BREAKDOWN_LIMIT,
    })) as RetentionResult;
    const names = [...new Set(result.cohorts.map((c) => groupName(definition.breakdown!, c)))];
    for (const name of names)
      groups.push({
        name,
        cohorts: result.cohorts.filter((c) => groupName(definition.breakdown!, c) === name),
        result,
      });
  } else {
    const result = (await runInsight(ctx, 'retention', spec)) as RetentionResult;
    groups.push({ name: undefined, cohorts: result.cohorts, result });
  }
  const periodName = unit === 'day' ? 'Day' : 'Week';
  return groups.map(({ name, cohorts, result }) => {
    const shown = cohorts.filter((c) => c.size > 0);
    const heading = name === undefined ? title : `${title}: ${name}`;
    const chart = retentionHeatmap({ title: heading, subtitle, cohorts: shown, periodName });
    const average = result.average.filter((a) =>
      name === undefined || definition.segments ? true : groupName(definition.breakdown!, a) === name,
    );
    return {
      kind: 'chart',
      title: heading,
      chart,
      alt: describe(heading, shown, average, periodName),
      height: Math.max(240, 110 + 28 * shown.length),
    } satisfies ReportBlock;
  });
}

function groupName(dimension: string, tag: { breakdown?: string | null; other?: true }): string {
  if (tag.other) return `${dimension}: other`;
  return `${dimension}=${tag.breakdown ?? '(none)'}`;
}

/** `Retention: campaign: 3 cohorts, 1,234 users; Day 1 38.2%, Day 7 19.1% on average.` */
function describe(
  heading: string,
  cohorts: readonly RetentionCohort[],
  average: readonly { period: number; rate: number | null }[],
  periodName: string,
): string {
  const users = cohorts.reduce((s, c) => s + c.size, 0);
  const rates = average
    .filter((a) => a.period > 0 && a.rate !== null)
    .map((a) => `${periodName} ${a.period} ${formatPercent(a.rate!)}`);
  return `${heading}: ${cohorts.length} cohorts, ${users.toLocaleString('en-US')} users${rates.length > 0 ? `; ${rates.join(', ')} on average` : ''}.`;
}

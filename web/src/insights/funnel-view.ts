import type { ChartSpec } from '../../../src/automation/charts/spec.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { cell, type InsightView, type Table } from './view.ts';

interface FunnelStep {
  event: string;
  count: number;
  conversionRate: number | null;
  conversionFromPrevious: number | null;
  medianSecondsFromPrevious?: number | null;
}

/** The part of `sightline insight funnel --json` the dashboard reads. */
export interface FunnelResult {
  from: string;
  to: string;
  steps: FunnelStep[];
  breakdowns?: { breakdown: unknown; steps: FunnelStep[] }[];
  timeToConvert: { medianSeconds: number | null };
  sql: string;
  warnings: { code: string; message: string }[];
}

/**
 * Returns the view of a funnel: users at each step as bars (one series per breakdown value when there
 * is a breakdown), the overall conversion as the headline with the users who entered as its n, and
 * the step table (users, conversion from the first step and from the previous one, median time).
 */
export function funnelView(result: FunnelResult): InsightView {
  const steps = result.steps;
  const first = steps[0]?.count ?? 0;
  const last = steps.at(-1);
  const groups = result.breakdowns?.length
    ? result.breakdowns.map((b) => ({ name: String(b.breakdown), steps: b.steps }))
    : [{ name: 'Users', steps }];
  const categories = steps.map((s, i) => `${i + 1}. ${s.event}`);
  const spec: ChartSpec = {
    title: '',
    x: { kind: 'category', categories },
    panels: [
      {
        y: { includeZero: true },
        series: groups.map((g) => ({
          kind: 'bar' as const,
          name: g.name,
          data: g.steps.map((s, i) => [categories[i]!, s.count] as const),
        })),
      },
    ],
    legend: groups.length > 1,
  };
  const tables: Table[] = groups.map((g) => ({
    ...(groups.length > 1 ? { title: g.name } : {}),
    columns: ['step', 'users', 'conversion', 'from previous', 'median time from previous'],
    rows: g.steps.map((s, i) => [
      cell(categories[i]!),
      cell(s.count, formatNumber(s.count)),
      cell(s.conversionRate, formatPercent(s.conversionRate)),
      cell(s.conversionFromPrevious, formatPercent(s.conversionFromPrevious)),
      cell(s.medianSecondsFromPrevious ?? null, seconds(s.medianSecondsFromPrevious ?? null)),
    ]),
  }));
  return {
    stats: [
      {
        key: 'conversion',
        label: `Conversion ${steps[0]?.event ?? ''} → ${last?.event ?? ''}`,
        value: last?.conversionRate ?? null,
        display: formatPercent(last?.conversionRate ?? null),
        sub: `${formatNumber(last?.count ?? null)} of ${formatNumber(first)} users · median ${seconds(result.timeToConvert.medianSeconds)}`,
      },
    ],
    chart: steps.length > 0 ? { spec } : null,
    tables,
    warnings: result.warnings,
    sql: result.sql,
    empty: first === 0,
  };
}

/** `12 s`, `4.5 min`, `3.2 h`, `2.1 d`: a duration at the unit that reads best. */
export function seconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 90) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  if (s < 129600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

import type { ChartSpec } from '../../../src/automation/charts/spec.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { type Cell, cell, type InsightView, type Stat } from './view.ts';

/** The part of `sightline insight retention --json` the dashboard reads. */
export interface RetentionResult {
  cohorts: { breakdown?: unknown; cohort: string; size: number; retained: number[] }[];
  average: { breakdown?: unknown; period: number; retained: number; rate: number | null; cohorts: number }[];
  sql: string;
  warnings: { code: string; message: string }[];
}

/**
 * Returns the view of a retention result: the heatmap (one row per cohort, the share of it back in
 * each period, shaded by that share), the average curve of each breakdown value (campaign against
 * organic cohorts when broken down by source), and period-1 retention of each as the headline with
 * the users it rests on.
 */
export function retentionView(result: RetentionResult): InsightView {
  const groups = [...new Set(result.average.map((a) => keyOf(a.breakdown)))];
  const periods = Math.max(0, ...result.cohorts.map((c) => c.retained.length));
  const broken = result.cohorts.some((c) => c.breakdown !== undefined);

  const stats: Stat[] = groups.map((g, i) => {
    const p1 = result.average.find((a) => keyOf(a.breakdown) === g && a.period === 1);
    const p0 = result.average.find((a) => keyOf(a.breakdown) === g && a.period === 0);
    return {
      key: `period1-${i}`,
      label: `${g === '' ? 'All users' : g}: back after 1 period`,
      value: p1?.rate ?? null,
      display: formatPercent(p1?.rate ?? null),
      sub: `${formatNumber(p1?.retained ?? null)} users back, of the ${p1?.cohorts ?? 0} cohorts old enough (${formatNumber(p0?.retained ?? null)} users in all)`,
    };
  });

  const spec: ChartSpec = {
    title: '',
    x: { kind: 'value', label: 'periods after the cohort' },
    panels: [
      {
        y: { unit: '%', includeZero: true, max: 100 },
        series: groups.map((g) => ({
          kind: 'line' as const,
          name: g === '' ? 'All users' : g,
          data: result.average
            .filter((a) => keyOf(a.breakdown) === g)
            .map((a) => [a.period, a.rate === null ? null : round(a.rate * 100)] as const),
        })),
      },
    ],
    legend: groups.length > 1,
  };

  const averageRows: Cell[][] = groups.map((g) => {
    const row = result.average.filter((a) => keyOf(a.breakdown) === g);
    const size = row.find((a) => a.period === 0)?.retained ?? null;
    return [
      cell('average', 'average'),
      ...(broken ? [cell(g)] : []),
      cell(size, formatNumber(size)),
      ...range(periods).map((p) => shaded(row.find((a) => a.period === p)?.rate ?? null)),
    ];
  });
  const cohortRows: Cell[][] = result.cohorts.map((c) => [
    cell(c.cohort),
    ...(broken ? [cell(keyOf(c.breakdown))] : []),
    cell(c.size, formatNumber(c.size)),
    ...range(periods).map((p) => {
      const n = c.retained[p];
      return n === undefined ? cell(null, '') : shaded(c.size > 0 ? n / c.size : null);
    }),
  ]);
  return {
    stats,
    chart: groups.length > 0 ? { spec } : null,
    tables: [
      {
        title: 'Retention by cohort (share of the cohort back in each period)',
        columns: ['cohort', ...(broken ? ['breakdown'] : []), 'users', ...range(periods).map((p) => `${p}`)],
        rows: [...averageRows, ...cohortRows],
      },
    ],
    warnings: result.warnings,
    sql: result.sql,
    empty: result.cohorts.length === 0,
  };
}

function shaded(rate: number | null): Cell {
  return { value: rate, display: formatPercent(rate), ...(rate === null ? {} : { shade: rate }) };
}

function keyOf(breakdown: unknown): string {
  return breakdown === undefined || breakdown === null ? '' : String(breakdown);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

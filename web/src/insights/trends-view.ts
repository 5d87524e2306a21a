import type { ChartSpec } from '../../../src/automation/charts/spec.ts';
import { formatNumber } from '../format.ts';
import { cell, type InsightView, type Stat } from './view.ts';

/** The part of `sightline insight trends --json` the dashboard reads. */
export interface TrendsResult {
  interval: string;
  from: string;
  to: string;
  series: { label: string; breakdown?: unknown; points: { t: string; value: number | null }[] }[];
  sql: string;
  warnings: { code: string; message: string }[];
}

/**
 * Returns the view of a trends result: one line per series over time (bars when there is a single
 * bucket), the latest bucket of each series as its headline with the range's mean beside it, and a
 * table of every bucket with a column per series.
 */
export function trendsView(result: TrendsResult): InsightView {
  const series = result.series;
  const times = series[0]?.points.map((p) => p.t) ?? [];
  const stats: Stat[] = series.map((s, i) => {
    const last = s.points.at(-1)?.value ?? null;
    const values = s.points.map((p) => p.value).filter((v): v is number => v !== null);
    const mean = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
    return {
      key: `latest-${i}`,
      label: s.label,
      value: last,
      display: formatNumber(last),
      sub: `${s.points.at(-1)?.t ?? ''} · mean ${formatNumber(mean)} per ${result.interval} over ${values.length}`,
    };
  });
  const spec: ChartSpec = {
    title: '',
    x: { kind: 'time' },
    panels: [
      {
        y: {},
        series: series.map((s) => ({
          kind: times.length === 1 ? ('bar' as const) : ('line' as const),
          name: s.label,
          data: s.points.map((p) => [hourOrDay(p.t), p.value] as const),
        })),
      },
    ],
    legend: series.length > 1,
  };
  return {
    stats,
    chart: times.length > 0 ? { spec } : null,
    tables: [
      {
        columns: [result.interval, ...series.map((s) => s.label)],
        rows: times.map((t, row) => [
          cell(t),
          ...series.map((s) => {
            const value = s.points[row]?.value ?? null;
            return cell(value, formatNumber(value));
          }),
        ]),
      },
    ],
    warnings: result.warnings,
    sql: result.sql,
    empty: series.length === 0 || times.length === 0,
  };
}

/** Day buckets are dates; the chart's time axis reads `YYYY-MM-DD` as midnight UTC. */
function hourOrDay(t: string): string {
  return t.length === 10 ? `${t}T00:00` : t;
}

import type { ChartSpec } from '../../../src/automation/charts/spec.ts';
import { formatNumber, formatPercent } from '../format.ts';
import { cell, type InsightView } from './view.ts';

/** The part of `sightline insight stickiness --json` the dashboard reads. */
export interface StickinessResult {
  series: { label: string; points: { days: number; users: number; share: number | null }[] }[];
  sql: string;
  warnings: { code: string; message: string }[];
}

/**
 * Returns the view of a stickiness result: users by the number of days (weeks, months) they were
 * active, as bars, and the share active on 7 or more of them as the headline, with the users counted.
 */
export function stickinessView(result: StickinessResult): InsightView {
  const first = result.series[0];
  const categories = (first?.points ?? []).map((p) => String(p.days));
  const spec: ChartSpec = {
    title: '',
    x: { kind: 'category', categories, label: 'active periods in the range' },
    panels: [
      {
        y: { includeZero: true },
        series: result.series.map((s) => ({
          kind: 'bar' as const,
          name: s.label,
          data: s.points.map((p) => [String(p.days), p.users] as const),
        })),
      },
    ],
    legend: result.series.length > 1,
  };
  const stats = result.series.map((s, i) => {
    const users = s.points.reduce((a, p) => a + p.users, 0);
    const engaged = s.points.filter((p) => p.days >= 7).reduce((a, p) => a + p.users, 0);
    const share = users > 0 ? engaged / users : null;
    return {
      key: `engaged-${i}`,
      label: `${s.label}: active 7+ periods`,
      value: share,
      display: formatPercent(share),
      sub: `${formatNumber(engaged)} of ${formatNumber(users)} users`,
    };
  });
  return {
    stats,
    chart: categories.length > 0 ? { spec } : null,
    tables: [
      {
        columns: ['active periods', ...result.series.flatMap((s) => [`${s.label} users`, 'share'])],
        rows: categories.map((c, row) => [
          cell(Number(c), c),
          ...result.series.flatMap((s) => {
            const p = s.points[row];
            return [
              cell(p?.users ?? null, formatNumber(p?.users)),
              cell(p?.share ?? null, formatPercent(p?.share)),
            ];
          }),
        ]),
      },
    ],
    warnings: result.warnings,
    sql: result.sql,
    empty: stats.every((s) => s.value === null),
  };
}

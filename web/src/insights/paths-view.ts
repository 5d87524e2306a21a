import type { EChartsOption } from 'echarts';
import { FONT_FAMILY, PALETTE, SERIES_COLORS } from '../../../src/automation/charts/theme.ts';
import { formatNumber } from '../format.ts';
import { cell, type InsightView } from './view.ts';

/** The part of `sightline insight paths --json` the dashboard reads. */
export interface PathsResult {
  transitions: { step: number; from: string; to: string; users: number }[];
  nodes: { step: number; event: string; users: number }[];
  topPaths: { path: string[]; users: number }[];
  sql: string;
  warnings: { code: string; message: string }[];
}

/**
 * Returns the view of a paths result: a Sankey diagram of the kept transitions (a node per event and
 * step, so a path that comes back to an event does not loop), the most common whole paths as a table,
 * and the users of the top path as the headline. The chart spec has no Sankey kind, so this option is
 * written here in the same colours and font.
 */
export function pathsView(result: PathsResult): InsightView {
  const name = (step: number, event: string) => `${step}. ${event}`;
  const option = (): EChartsOption => ({
    animation: false,
    textStyle: { fontFamily: FONT_FAMILY, color: PALETTE.text },
    color: [...SERIES_COLORS],
    tooltip: { trigger: 'item', confine: true },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 90,
        top: 12,
        bottom: 12,
        nodeGap: 10,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { fontSize: 11, color: PALETTE.text },
        data: result.nodes.map((n) => ({ name: name(n.step, n.event) })),
        links: result.transitions.map((t) => ({
          source: name(t.step, t.from),
          target: name(t.step + 1, t.to),
          value: t.users,
        })),
      },
    ],
  });
  const top = result.topPaths[0];
  return {
    stats: top
      ? [
          {
            key: 'top-path',
            label: `Most common path: ${top.path.join(' → ')}`,
            value: top.users,
            display: formatNumber(top.users),
            sub: `users; ${formatNumber(result.nodes.find((n) => n.step === 1)?.users ?? null)} started`,
          },
        ]
      : [],
    chart: result.transitions.length > 0 ? { option } : null,
    tables: [
      {
        title: 'Most common paths',
        columns: ['path', 'users'],
        rows: result.topPaths.map((p) => [cell(p.path.join(' → ')), cell(p.users, formatNumber(p.users))]),
      },
    ],
    warnings: result.warnings,
    sql: result.sql,
    empty: result.transitions.length === 0,
  };
}

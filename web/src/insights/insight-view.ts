import { type FunnelResult, funnelView } from './funnel-view.ts';
import { type PathsResult, pathsView } from './paths-view.ts';
import { type RetentionResult, retentionView } from './retention-view.ts';
import { type StickinessResult, stickinessView } from './stickiness-view.ts';
import { type TrendsResult, trendsView } from './trends-view.ts';
import { cell, type InsightView } from './view.ts';

/**
 * Returns how a result of insight `type` is shown. Types without a view of their own (lifecycle,
 * sessions, cohorts) show their top-level arrays as tables, so every type of `GET /insights/types`
 * can be explored even before it has a chart.
 */
export function insightView(type: string, result: unknown): InsightView {
  switch (type) {
    case 'trends':
      return trendsView(result as TrendsResult);
    case 'funnel':
    case 'funnels':
      return funnelView(result as FunnelResult);
    case 'retention':
      return retentionView(result as RetentionResult);
    case 'stickiness':
      return stickinessView(result as StickinessResult);
    case 'paths':
      return pathsView(result as PathsResult);
    default:
      return genericView(result as Record<string, unknown>);
  }
}

function genericView(result: Record<string, unknown>): InsightView {
  const tables = Object.entries(result)
    .filter(([, v]) => Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null)
    .map(([title, v]) => {
      const rows = v as Record<string, unknown>[];
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      return {
        title,
        columns,
        rows: rows.map((r) =>
          columns.map((c) => {
            const x = r[c];
            return typeof x === 'number' || typeof x === 'string'
              ? cell(x)
              : cell(x === undefined ? null : JSON.stringify(x));
          }),
        ),
      };
    });
  return {
    stats: [],
    chart: null,
    tables,
    warnings: (result['warnings'] as InsightView['warnings'] | undefined) ?? [],
    sql: typeof result['sql'] === 'string' ? result['sql'] : '',
    empty: tables.length === 0,
  };
}

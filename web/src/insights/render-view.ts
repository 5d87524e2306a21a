import { chartView } from '../charts/chart-view.ts';
import { h } from '../dom.ts';
import type { InsightView, Stat, Table } from './view.ts';

/** The headline numbers: each in `data-testid="stat-<key>"` with the exact value in `data-value`. */
export function statsRow(stats: readonly Stat[]): HTMLElement {
  return h(
    'div',
    { class: 'stats' },
    stats.map((s) =>
      h(
        'div',
        {
          class: 'stat',
          'data-testid': `stat-${s.key}`,
          'data-value': s.value === null ? '' : String(s.value),
        },
        h('div', { class: 'stat-value' }, s.display),
        h('div', { class: 'stat-label' }, s.label),
        s.sub ? h('div', { class: 'stat-sub' }, s.sub) : null,
      ),
    ),
  );
}

/** A table whose cells keep the API's values in `data-value`; shaded cells form a heatmap. */
export function tableView(table: Table, index: number): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    table.title ? h('h4', {}, table.title) : null,
    h(
      'table',
      { 'data-testid': `table-${index}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          table.columns.map((c) => h('th', {}, c)),
        ),
      ),
      h(
        'tbody',
        {},
        table.rows.map((row) =>
          h(
            'tr',
            {},
            row.map((c) =>
              h(
                'td',
                {
                  'data-value': c.value === null ? '' : String(c.value),
                  class: typeof c.value === 'number' ? 'num' : null,
                  style: c.shade === undefined ? null : heat(c.shade),
                },
                c.display,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A white-to-blue scale with dark text on light cells and white text on dark ones. */
function heat(share: number): string {
  const t = Math.max(0, Math.min(1, share));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `background:rgb(${mix(239, 37)},${mix(246, 99)},${mix(255, 235)});color:${t > 0.55 ? '#fff' : '#0f172a'}`;
}

/**
 * Returns the whole of an insight view: headline numbers, the chart, then the tables, warnings and
 * SQL under disclosure triangles (a tile stays compact; the explorer opens them).
 */
export function insightBody(
  view: InsightView,
  options: { open?: boolean; chartHeight?: number } = {},
): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (view.stats.length > 0) parts.push(statsRow(view.stats));
  if (view.chart) parts.push(chartView(view.chart, options.chartHeight ?? 240));
  if (view.warnings.length > 0)
    parts.push(
      h(
        'ul',
        { class: 'warnings', 'data-testid': 'warnings' },
        view.warnings.map((w) => h('li', { 'data-code': w.code }, h('strong', {}, w.code), ' ', w.message)),
      ),
    );
  parts.push(
    h(
      'details',
      { class: 'tables', open: options.open ?? false },
      h('summary', {}, 'Table'),
      view.tables.map((t, i) => tableView(t, i)),
    ),
  );
  if (view.sql)
    parts.push(
      h('details', { class: 'sql' }, h('summary', {}, 'SQL'), h('pre', { 'data-testid': 'sql' }, view.sql)),
    );
  return parts;
}

import type { ChartSpec, PanelSpec, YAxisSpec } from './spec.ts';
import { TEXT_SIZE } from './theme.ts';

/** Where the header and each panel's plotting rectangle go on a canvas, in pixels. */
export interface ChartLayout {
  /** Left edge of the title and legend. */
  marginLeft: number;
  titleTop: number;
  legendTop: number;
  panels: { left: number; right: number; top: number; height: number }[];
}

const MARGIN = 16;
/** Half of a centred date label such as "Mar 2024" overhangs the last tick at the right edge. */
const MARGIN_RIGHT = 28;
const TITLE_LINE = TEXT_SIZE.title + 4;
const SUBTITLE_LINE = TEXT_SIZE.subtitle + 9;
/** A wrapped legend row: 12 px text plus ECharts' 10 px gap between rows (the legend's itemGap is 16). */
const LEGEND_ROW = 22;
/** Legend entries: a 22 px icon, 5 px to the text, 16 px to the next entry (echarts-option.ts). */
const LEGEND_ENTRY_EXTRA = 22 + 5 + 16;
/** DejaVu Sans averages about 0.6 em over mixed-case labels; erring wide reserves a row too many, not too few. */
const TEXT_EM = 0.62;
/** Room for an axis name drawn above the plot (nameGap 10 plus one line of 11 px text). */
const Y_NAME_ROOM = 24;
const X_LABEL_ROOM = 26;
const X_NAME_ROOM = 20;
const PANEL_GAP = 18;
/** DejaVu Sans digits are 0.636 em wide (hmtx); a comma or point is 0.318, so this errs on the wide side. */
const DIGIT_EM = 0.64;

/**
 * Returns the layout of a chart at `size` (`legendNames` empty when no legend is shown): the header
 * (title, subtitle, legend rows) stacked at the top left, then the panels sharing the remaining height
 * by weight, all with one left edge wide enough for the widest panel's tick labels so their y axes
 * line up.
 */
export function layoutChart(
  spec: ChartSpec,
  size: { width: number; height: number },
  legendNames: readonly string[],
): ChartLayout {
  const titleTop = 14;
  const headerBottom = titleTop + TITLE_LINE + (spec.subtitle ? SUBTITLE_LINE : 0);
  const legendTop = headerBottom + 10;
  const rows = legendRows(legendNames, size.width - 2 * MARGIN);
  const contentTop = (rows > 0 ? legendTop + rows * LEGEND_ROW - 8 : headerBottom) + 8;

  // Category labels down the left (heatmap rows, a horizontal chart's categories) are text, not digits.
  const leftCategories = spec.horizontal && spec.x.kind === 'category' ? spec.x.categories : undefined;
  const labelWidth = Math.max(
    ...spec.panels.map((panel) => {
      const rows = leftCategories ?? panel.y.categories;
      return rows
        ? longest(rows) * TEXT_EM * TEXT_SIZE.axis
        : tickLabelChars(panel) * DIGIT_EM * TEXT_SIZE.axis;
    }),
  );
  const left = Math.round(MARGIN + labelWidth + 8);
  const acrossLabel = spec.horizontal ? spec.panels[0]?.y.label : spec.x.label;
  const bottom = X_LABEL_ROOM + (acrossLabel ? X_NAME_ROOM : 0) + 6;
  // Bar labels at the end of horizontal bars need room right of the longest bar.
  const right = spec.horizontal
    ? MARGIN_RIGHT + barLabelChars(spec) * TEXT_EM * TEXT_SIZE.axis
    : MARGIN_RIGHT;

  const named = (panel: PanelSpec) => (spec.horizontal ? spec.x.label : panel.y.label);
  const rooms = spec.panels.map((panel, p) => (named(panel) ? Y_NAME_ROOM : 10) + (p > 0 ? PANEL_GAP : 0));
  const free = Math.max(40, size.height - contentTop - bottom - rooms.reduce((a, b) => a + b, 0));
  const weights = spec.panels.map((panel) => panel.weight ?? 1);
  const totalWeight = weights.reduce((a, b) => a + b, 0);

  let top = contentTop;
  const panels = spec.panels.map((_, p) => {
    top += rooms[p]!;
    const height = Math.round((free * weights[p]!) / totalWeight);
    const rect = { left, right: Math.round(right), top, height };
    top += height;
    return rect;
  });
  return { marginLeft: MARGIN, titleTop, legendTop, panels };
}

function longest(texts: readonly string[]): number {
  return Math.max(0, ...texts.map((t) => t.length));
}

function barLabelChars(spec: ChartSpec): number {
  return longest(
    spec.panels.flatMap((panel) =>
      panel.series.flatMap((s) =>
        s.kind === 'bar' ? (s.labels ?? []).filter((l): l is string => l != null) : [],
      ),
    ),
  );
}

/** How many rows the legend wraps into at `width` (0 when there is no legend). */
function legendRows(names: readonly string[], width: number): number {
  if (names.length === 0) return 0;
  let rows = 1;
  let x = 0;
  for (const name of names) {
    const entry = LEGEND_ENTRY_EXTRA + name.length * TEXT_EM * TEXT_SIZE.legend;
    if (x > 0 && x + entry - 16 > width) {
      rows++;
      x = 0;
    }
    x += entry;
  }
  return rows;
}

/**
 * Estimates the characters of a panel's longest tick label: the larger magnitude of its range with
 * thousands separators, the decimals a step of a quarter of the range needs, and the unit.
 */
function tickLabelChars(panel: PanelSpec): number {
  let lo = Infinity;
  let hi = -Infinity;
  const see = (v: number | null) => {
    if (v === null || !Number.isFinite(v)) return;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const s of panel.series) {
    if (s.kind === 'heatmap') continue;
    for (const d of s.data) {
      see(d[1]);
      if (s.kind === 'band') see((d as readonly [unknown, number, number])[2]);
    }
  }
  if (panel.y.includeZero) see(0);
  if (panel.y.min !== undefined) see(panel.y.min);
  if (panel.y.max !== undefined) see(panel.y.max);
  if (!(lo <= hi)) return 3;
  const step = (hi - lo) / 4 || Math.abs(hi) || 1;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  const digits = Math.max(1, Math.floor(Math.log10(magnitude || 1)) + 1);
  const separators = Math.floor((digits - 1) / 3) * 0.5;
  const sign = lo < 0 ? 1 : 0;
  return digits + separators + sign + (decimals > 0 ? decimals + 0.5 : 0) + unitChars(panel.y);
}

function unitChars(y: YAxisSpec): number {
  if (!y.unit) return 0;
  return y.unit.length + (y.unitPosition === 'prefix' || y.unit === '%' ? 0 : 0.5);
}

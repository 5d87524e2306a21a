import type { EChartsOption } from 'echarts';
import { SightlineError } from '../../errors/index.ts';
import { heatmapSeries, heatmapVisualMap, literalLabel } from './echarts-heatmap.ts';
import { layoutChart } from './layout.ts';
import type { ChartSpec, MarkerSpec, PanelSpec, SeriesSpec, XAxisSpec, XValue, YAxisSpec } from './spec.ts';
import { FONT_FAMILY, PALETTE, SERIES_COLORS, TEXT_SIZE } from './theme.ts';

/**
 * Returns the ECharts option for a chart spec: the one object the server renders to SVG and the web
 * dashboard hands to ECharts in the browser. It is plain JSON (no formatter functions), so the API can
 * send it as is. `size` is the canvas the layout is computed for (panels and the header are placed in
 * pixels so a multi-panel chart keeps its axes aligned).
 *
 * Conventions: animation off and UTC time labels, so the same spec draws the same picture on every
 * machine whatever its time zone; time strings without an offset are read as UTC for the same reason.
 */
export function toEchartsOption(spec: ChartSpec, size: { width: number; height: number }): EChartsOption {
  if (spec.panels.length === 0) {
    throw new SightlineError('SL_CHART_SPEC_INVALID', `chart "${spec.title}" has no panel`);
  }
  checkShape(spec);
  const toX = xConverter(spec.x, spec.title);
  const extent = xExtent(spec, toX);
  const horizontal = spec.horizontal === true;
  const legendItems = legendData(spec.panels);
  const showLegend = spec.legend ?? legendItems.length > 1;
  const layout = layoutChart(spec, size, showLegend ? legendItems.map((item) => item.name) : []);

  const series: NonNullable<EChartsOption['series']> = [];
  let paletteIndex = 0;
  spec.panels.forEach((panel, p) => {
    panel.series.forEach((s, i) => {
      const color = s.color ?? SERIES_COLORS[paletteIndex++ % SERIES_COLORS.length]!;
      series.push(...seriesOption(s, color, p, `band-${p}-${i}`, toX, horizontal));
    });
    const markers = panel.markers ?? [];
    if (markers.length > 0) series.push(markerSeries(markers, p, toX, extent));
  });

  const last = spec.panels.length - 1;
  return {
    animation: false,
    useUTC: true,
    backgroundColor: PALETTE.background,
    color: [...SERIES_COLORS],
    textStyle: { fontFamily: FONT_FAMILY, color: PALETTE.text },
    title: {
      text: spec.title,
      subtext: spec.subtitle ?? '',
      left: layout.marginLeft,
      top: layout.titleTop,
      padding: 0,
      itemGap: 6,
      // A title longer than the canvas ends in an ellipsis rather than running off the image.
      textStyle: {
        fontSize: TEXT_SIZE.title,
        fontWeight: 'bold',
        color: PALETTE.text,
        width: size.width - 2 * layout.marginLeft,
        overflow: 'truncate',
      },
      subtextStyle: {
        fontSize: TEXT_SIZE.subtitle,
        color: PALETTE.mutedText,
        width: size.width - 2 * layout.marginLeft,
        overflow: 'truncate',
      },
    },
    legend: {
      show: showLegend,
      top: layout.legendTop,
      left: layout.marginLeft,
      padding: 0,
      itemGap: 16,
      itemWidth: 22,
      itemHeight: 10,
      textStyle: { fontSize: TEXT_SIZE.legend, color: PALETTE.text },
      data: legendItems.map(legendEntry),
    },
    grid: layout.panels.map((rect) => ({
      left: rect.left,
      right: rect.right,
      top: rect.top,
      height: rect.height,
      // Axes are placed by left/right above; ECharts shrinks a grid only if its labels would leave
      // the canvas, so panels stay aligned unless a label is far longer than estimated.
      outerBounds: { left: 2, right: 2, top: 2, bottom: 2 },
      outerBoundsContain: 'axisLabel',
    })),
    // A horizontal chart swaps the axes: the categories go down the left, the values across the bottom.
    xAxis: horizontal
      ? [{ ...yAxisOption(spec.panels[0]!.y, 0), ...valueAxisAcross(spec.panels[0]!.y) }]
      : spec.panels.map((_, p) => xAxisOption(spec.x, p, p === last, extent)),
    yAxis: horizontal
      ? [categoriesDown(xAxisOption(spec.x, 0, true, extent), spec.x.label)]
      : spec.panels.map((panel, p) => yAxisOption(panel.y, p)),
    series,
    ...heatmapVisualMap(series),
  } as EChartsOption;
}

type ToX = (x: XValue) => number | string;

/** ISO 8601 date-times without a zone are UTC here (JavaScript would read them as local time). */
const NO_ZONE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Rejects the combinations the option cannot draw: a heatmap needs category axes both ways and a panel
 * of its own, and a horizontal chart is one panel over categories.
 */
function checkShape(spec: ChartSpec): void {
  const fail = (why: string): never => {
    throw new SightlineError('SL_CHART_SPEC_INVALID', `chart "${spec.title}": ${why}`);
  };
  for (const panel of spec.panels) {
    const heatmaps = panel.series.filter((s) => s.kind === 'heatmap').length;
    if (panel.y.categories !== undefined && heatmaps !== panel.series.length) {
      fail('a panel with y categories holds heatmap series only');
    }
    if (heatmaps > 0 && (panel.y.categories === undefined || spec.x.kind !== 'category')) {
      fail('a heatmap needs a category x axis and y categories');
    }
  }
  if (spec.horizontal && (spec.x.kind !== 'category' || spec.panels.length !== 1)) {
    fail('a horizontal chart has a category x axis and one panel');
  }
  if (spec.horizontal && spec.panels[0]!.y.categories !== undefined) {
    fail('a horizontal chart cannot have y categories');
  }
}

function xConverter(axis: XAxisSpec, title: string): ToX {
  const fail = (x: XValue, why: string): never => {
    throw new SightlineError(
      'SL_CHART_SPEC_INVALID',
      `chart "${title}": x value ${JSON.stringify(x)} ${why}`,
    );
  };
  if (axis.kind === 'time') {
    return (x) => {
      if (typeof x === 'number') return Number.isFinite(x) ? x : fail(x, 'is not a finite time');
      const ms = Date.parse(NO_ZONE.test(x) ? `${x}Z` : x);
      return Number.isFinite(ms) ? ms : fail(x, 'is not an ISO 8601 time');
    };
  }
  if (axis.kind === 'value') {
    return (x) => (typeof x === 'number' && Number.isFinite(x) ? x : fail(x, 'is not a finite number'));
  }
  const known = new Set(axis.categories);
  return (x) => (typeof x === 'string' && known.has(x) ? x : fail(x, 'is not one of the categories'));
}

interface Extent {
  min: number;
  max: number;
}

/** The x range over every panel's series and markers, so stacked panels share one scale. */
function xExtent(spec: ChartSpec, toX: ToX): Extent | undefined {
  if (spec.x.kind === 'category') {
    // Converting still validates every x against the categories (and a heatmap's y against its rows).
    for (const panel of spec.panels) {
      const rows = new Set(panel.y.categories);
      for (const s of panel.series) {
        for (const d of s.data) {
          toX(d[0]);
          if (s.kind === 'heatmap' && !rows.has(d[1] as string)) {
            throw new SightlineError(
              'SL_CHART_SPEC_INVALID',
              `chart "${spec.title}": y value ${JSON.stringify(d[1])} is not one of the y categories`,
            );
          }
        }
      }
    }
    return undefined;
  }
  let min = Infinity;
  let max = -Infinity;
  const see = (x: XValue) => {
    const v = toX(x) as number;
    if (v < min) min = v;
    if (v > max) max = v;
  };
  for (const panel of spec.panels) {
    for (const s of panel.series) for (const d of s.data) see(d[0]);
    for (const m of panel.markers ?? []) see(m.x);
  }
  return min <= max ? { min, max } : undefined;
}

interface LegendItem {
  name: string;
  kind: SeriesSpec['kind'];
  color: string;
}

function legendData(panels: readonly PanelSpec[]): LegendItem[] {
  const items: LegendItem[] = [];
  const seen = new Set<string>();
  let paletteIndex = 0;
  for (const panel of panels) {
    for (const s of panel.series) {
      const color = s.color ?? SERIES_COLORS[paletteIndex++ % SERIES_COLORS.length]!;
      // A heatmap's colours are a scale, not a series: its cells carry their values as labels.
      if (s.hideInLegend || s.kind === 'heatmap' || seen.has(s.name)) continue;
      seen.add(s.name);
      items.push({ name: s.name, kind: s.kind, color });
    }
  }
  // Bands are drawn first (under the lines) but read as annotations of the lines, so they are listed
  // after them; the sort is stable, so each group keeps the spec's order.
  return items.sort((a, b) => Number(a.kind === 'band') - Number(b.kind === 'band'));
}

/**
 * A legend entry: bands as a filled square of their colour; lines without the point symbol ECharts
 * draws on a line's entry by default (it would suggest markers the line does not have).
 */
function legendEntry(item: LegendItem): object {
  if (item.kind === 'band') return { name: item.name, icon: 'rect', itemStyle: { color: item.color } };
  if (item.kind === 'line') return { name: item.name, itemStyle: { opacity: 0 } };
  return { name: item.name };
}

function axisIndex(p: number) {
  return { xAxisIndex: p, yAxisIndex: p };
}

/**
 * The ECharts series for one spec series. A band is two stacked lines (ECharts has no band series):
 * an invisible lower bound, and `upper - lower` stacked on it whose area fills down to the lower
 * line. `stackStrategy: 'all'` stacks whatever the signs; the default stacks only same-sign values
 * and would float a band that crosses zero.
 */
function seriesOption(
  s: SeriesSpec,
  color: string,
  p: number,
  stack: string,
  toX: ToX,
  horizontal: boolean,
): object[] {
  switch (s.kind) {
    case 'line':
      return [
        {
          type: 'line',
          name: s.name,
          ...axisIndex(p),
          data: s.data.map(([x, y]) => [toX(x), finiteOrNull(y)]),
          symbol: 'none',
          connectNulls: false,
          color,
          lineStyle: { color, width: s.width ?? 2, type: s.dashed ? 'dashed' : 'solid' },
          z: 3,
        },
      ];
    case 'bar':
      return [
        {
          type: 'bar',
          name: s.name,
          ...axisIndex(p),
          data: s.data.map(([x, y], i) => {
            const point = horizontal ? [finiteOrNull(y), toX(x)] : [toX(x), finiteOrNull(y)];
            const label = s.labels?.[i];
            return label == null ? point : { value: point, label: barLabel(label, horizontal) };
          }),
          color,
          itemStyle: { color },
          barMaxWidth: horizontal ? 32 : 24,
          z: 2,
        },
      ];
    case 'heatmap':
      return [heatmapSeries(s, axisIndex(p))];
    case 'scatter':
      return [
        {
          type: 'scatter',
          name: s.name,
          ...axisIndex(p),
          data: s.data.filter(([, y]) => Number.isFinite(y)).map(([x, y]) => [toX(x), y]),
          symbolSize: s.size ?? 6,
          color,
          itemStyle: { color },
          z: 4,
        },
      ];
    case 'band': {
      const hidden = { opacity: 0 };
      const common = {
        type: 'line',
        name: s.name,
        ...axisIndex(p),
        stack,
        stackStrategy: 'all',
        symbol: 'none',
        silent: true,
        color,
        lineStyle: hidden,
        z: 1,
      };
      // A step with a non-finite bound is a gap in the band (null in both stacked lines).
      const ok = ([, lower, upper]: readonly [XValue, number, number]) =>
        Number.isFinite(lower) && Number.isFinite(upper);
      return [
        { ...common, data: s.data.map((d) => [toX(d[0]), ok(d) ? d[1] : null]) },
        {
          ...common,
          data: s.data.map((d) => [toX(d[0]), ok(d) ? d[2] - d[1] : null]),
          areaStyle: { color, opacity: 1 },
        },
      ];
    }
  }
}

function barLabel(text: string, horizontal: boolean): object {
  return {
    show: true,
    formatter: literalLabel(text),
    position: horizontal ? 'right' : 'top',
    distance: 6,
    color: PALETTE.text,
    fontSize: TEXT_SIZE.axis,
  };
}

/** Vertical marker lines ride on an empty series of their own, so hiding a series never hides them. */
function markerSeries(
  markers: readonly MarkerSpec[],
  p: number,
  toX: ToX,
  extent: Extent | undefined,
): object {
  return {
    type: 'line',
    name: '',
    ...axisIndex(p),
    data: [],
    silent: true,
    markLine: {
      silent: true,
      symbol: ['none', 'none'],
      animation: false,
      lineStyle: { color: PALETTE.marker, type: 'dashed', width: 1 },
      label: {
        formatter: '{b}',
        position: 'end',
        // Inside the plot's top edge: above it the label would collide with the y axis name.
        distance: -12,
        backgroundColor: 'rgba(255,255,255,0.8)',
        color: PALETTE.mutedText,
        fontSize: TEXT_SIZE.marker,
      },
      data: markers.map((m) => {
        const x = toX(m.x);
        // A label on the right half of the plot ends at its line, one on the left half starts
        // there, so a marker near either edge keeps its label on the canvas.
        const rightHalf = extent !== undefined && typeof x === 'number' && x > (extent.min + extent.max) / 2;
        return { name: m.label, xAxis: x, label: { align: rightHalf ? 'right' : 'left', padding: [0, 4] } };
      }),
    },
  };
}

function xAxisOption(axis: XAxisSpec, p: number, isLast: boolean, extent: Extent | undefined): object {
  const common = {
    gridIndex: p,
    axisLine: { lineStyle: { color: PALETTE.axis } },
    axisTick: { show: isLast, lineStyle: { color: PALETTE.axis } },
    axisLabel: { show: isLast, color: PALETTE.mutedText, fontSize: TEXT_SIZE.axis, hideOverlap: true },
    splitLine: { show: false },
    name: isLast ? (axis.label ?? '') : '',
    nameLocation: 'middle',
    nameGap: 28,
    nameTextStyle: { color: PALETTE.mutedText, fontSize: TEXT_SIZE.axis },
  };
  if (axis.kind === 'category') return { ...common, type: 'category', data: [...axis.categories] };
  return { ...common, type: axis.kind, ...(extent ? { min: extent.min, max: extent.max } : {}) };
}

/** Tick labels carry the unit: `$1,200`, `12%`, `120 ms` (a template string, so the option stays JSON). */
export function unitTemplate(y: YAxisSpec): string {
  if (!y.unit) return '{value}';
  if (y.unitPosition === 'prefix') return `${y.unit}{value}`;
  return y.unit === '%' ? '{value}%' : `{value} ${y.unit}`;
}

function yAxisOption(y: YAxisSpec, p: number): object {
  if (y.categories !== undefined) {
    return {
      type: 'category',
      gridIndex: p,
      data: [...y.categories],
      // Rows read from the top down, like the table the heatmap draws.
      inverse: true,
      name: y.label ?? '',
      nameLocation: 'start',
      nameGap: 10,
      nameTextStyle: { align: 'right', color: PALETTE.mutedText, fontSize: TEXT_SIZE.axis },
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { color: PALETTE.mutedText, fontSize: TEXT_SIZE.axis },
      splitLine: { show: false },
    };
  }
  return {
    type: 'value',
    gridIndex: p,
    scale: !y.includeZero,
    ...(y.min === undefined ? {} : { min: y.min }),
    ...(y.max === undefined ? {} : { max: y.max }),
    name: y.label ?? '',
    nameLocation: 'end',
    nameGap: 10,
    // Left-aligned at the axis rather than centred on it, so a long name is not cut at the left edge.
    nameTextStyle: { align: 'left', color: PALETTE.mutedText, fontSize: TEXT_SIZE.axis },
    axisLine: { show: false },
    axisTick: { show: false },
    axisLabel: { formatter: unitTemplate(y), color: PALETTE.mutedText, fontSize: TEXT_SIZE.axis },
    splitLine: { lineStyle: { color: PALETTE.grid } },
    splitNumber: 4,
  };
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** The value axis of a horizontal chart, along the bottom: its name centred under the tick labels. */
function valueAxisAcross(y: YAxisSpec): object {
  return {
    nameLocation: 'middle',
    nameGap: 28,
    nameTextStyle: { color: PALETTE.mutedText, fontSize: TEXT_SIZE.axis },
    splitLine: { lineStyle: { color: PALETTE.grid } },
    ...(y.includeZero === false ? {} : { scale: false }),
  };
}

/** The category axis of a horizontal chart, down the left, first category at the top. */
function categoriesDown(axis: object, label: string | undefined): object {
  return {
    ...axis,
    inverse: true,
    name: label ?? '',
    nameLocation: 'start',
    nameGap: 10,
    nameTextStyle: { align: 'right', color: PALETTE.mutedText, fontSize: TEXT_SIZE.axis },
    axisTick: { show: false },
    axisLine: { show: false },
  };
}

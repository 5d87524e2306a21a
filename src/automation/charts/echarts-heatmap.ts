/**
 * The heatmap series of a chart spec as ECharts draws it (the retention heatmap of reports), and the
 * literal labels it and the bar labels share.
 */
import { heatmapCell } from './heatmap-colors.ts';
import type { SeriesSpec } from './spec.ts';
import { PALETTE, TEXT_SIZE } from './theme.ts';

/**
 * A shown label whose text is `text` literally: ECharts reads a formatter string as a template, so
 * the braces that start a placeholder (`{b}`) are the one thing that must not reach it unescaped;
 * labels here are numbers and names, and braces are replaced by parentheses rather than escaped.
 */
export function literalLabel(text: string): string {
  return text.replace(/\{/g, '(').replace(/\}/g, ')');
}

/**
 * A heatmap as cells coloured here rather than by a visualMap: the option stays one series with no
 * colour bar to place, and each cell's text colour can follow its own shade (white on the dark ones).
 */
export function heatmapSeries(
  s: Extract<SeriesSpec, { kind: 'heatmap' }>,
  axes: { xAxisIndex: number; yAxisIndex: number },
): object {
  const values = s.data.map((d) => d[2]).filter((v): v is number => v !== null && Number.isFinite(v));
  const min = s.min ?? Math.min(...values);
  const max = s.max ?? Math.max(...values);
  return {
    type: 'heatmap',
    name: s.name,
    ...axes,
    data: s.data
      .filter(([, , v]) => v !== null && Number.isFinite(v))
      .map(([x, y, v, label]) => {
        const cell = heatmapCell(v as number, min, max);
        return {
          value: [x, y, v],
          itemStyle: { color: cell.fill, borderColor: PALETTE.background, borderWidth: 1 },
          label: {
            show: true,
            formatter: literalLabel(label ?? String(Math.round(v as number))),
            color: cell.text,
            fontSize: TEXT_SIZE.axis,
          },
        };
      }),
    emphasis: { disabled: true },
    z: 2,
  };
}

/**
 * ECharts draws a heatmap only under a visualMap that targets it (HeatmapView.render). The cells carry
 * their own colours (heatmapSeries), so this one is hidden and maps a visual that leaves them as they
 * are: an alpha of 1.
 */
export function heatmapVisualMap(series: readonly object[]): { visualMap?: object[] } {
  const indices = series.flatMap((s, i) => ((s as { type?: string }).type === 'heatmap' ? [i] : []));
  if (indices.length === 0) return {};
  return {
    visualMap: [
      {
        type: 'continuous',
        show: false,
        seriesIndex: indices,
        min: 0,
        max: 1,
        inRange: { colorAlpha: [1, 1] },
      },
    ],
  };
}

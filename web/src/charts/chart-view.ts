import type { EChartsOption } from 'echarts';
import { toEchartsOption } from '../../../src/automation/charts/echarts-option.ts';
import type { ChartSpec } from '../../../src/automation/charts/spec.ts';
import { h } from '../dom.ts';
import { echarts } from './echarts.ts';

/** A chart as the dashboard draws it: the shared spec (as reports draw it), or a raw option (Sankey). */
export type Drawable =
  | { spec: ChartSpec }
  | { option: (size: { width: number; height: number }) => EChartsOption };

/**
 * Returns an element that draws `chart` with ECharts and redraws it when its box changes size. A spec
 * goes through `toEchartsOption`, the function the server renders report images with, so a chart looks
 * the same in a report and in the browser; the layout is recomputed at the element's size because the
 * spec places its panels in pixels. A tooltip is added here: the server's images have none.
 */
export function chartView(chart: Drawable, height = 280): HTMLElement {
  const el = h('div', { class: 'chart', style: `height:${height}px` });
  let instance: ReturnType<typeof echarts.init> | null = null;
  const draw = () => {
    const width = el.clientWidth;
    if (width === 0) return;
    const size = { width, height };
    const option =
      'spec' in chart ? withTooltip(chart.spec, toEchartsOption(chart.spec, size)) : chart.option(size);
    if (!instance) instance = echarts.init(el, null, { renderer: 'canvas' });
    else instance.resize();
    instance.setOption(option, { notMerge: true });
  };
  const observer = new ResizeObserver(() => {
    if (!el.isConnected) {
      observer.disconnect();
      instance?.dispose();
      return;
    }
    draw();
  });
  observer.observe(el);
  return el;
}

/**
 * The axis tooltip: on a time or category axis it lists every series' value at the hovered x. Charts
 * with a band get none: a band is two stacked lines, so a tooltip would show its width as the upper
 * bound (src/automation/charts/README.md); the bounds are in the page's table instead.
 */
function withTooltip(spec: ChartSpec, option: EChartsOption): EChartsOption {
  const hasBand = spec.panels.some((panel) => panel.series.some((s) => s.kind === 'band'));
  return hasBand ? option : { ...option, tooltip: { trigger: 'axis', confine: true } };
}

/**
 * ECharts with only the parts the dashboard draws: lines, bars, scatter and Sankey; grids, titles,
 * legends, tooltips and mark lines; the canvas renderer. Importing `echarts` whole would add the maps,
 * graphs, 3-D helpers and the SVG renderer to every page load for nothing.
 */
import { BarChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  LineChart,
  BarChart,
  ScatterChart,
  SankeyChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export { echarts };

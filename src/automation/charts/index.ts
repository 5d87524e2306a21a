export {
  type CausalImpactChartInput,
  type CausalPoint,
  causalImpactChart,
  causalImpactChartInput,
} from './causal-impact-chart.ts';
export { toEchartsOption, unitTemplate } from './echarts-option.ts';
export { type ChartFonts, DEJAVU_FONTS } from './fonts.ts';
export {
  type ForecastChartInput,
  type ForecastPoint,
  forecastChart,
  forecastPoints,
  type LevelBounds,
} from './forecast-chart.ts';
export { type FunnelChartInput, funnelChart } from './funnel-chart.ts';
export { HEATMAP_RAMP, heatmapCell } from './heatmap-colors.ts';
export { type ChartFileOptions, type ChartFormat, chartFormatOf, renderChartFile } from './render-chart.ts';
export { type PngOptions, type RasterImage, rasterizeSvg, renderPng } from './render-png.ts';
export { renderSvg, type SvgOptions } from './render-svg.ts';
export { type RetentionHeatmapInput, retentionHeatmap } from './retention-heatmap.ts';
export type {
  BandSeriesSpec,
  BarSeriesSpec,
  ChartSpec,
  HeatmapSeriesSpec,
  LineSeriesSpec,
  MarkerSpec,
  PanelSpec,
  ScatterSeriesSpec,
  SeriesSpec,
  XAxisSpec,
  XValue,
  YAxisSpec,
} from './spec.ts';
export { DEFAULT_SIZE, FONT_FAMILY, PALETTE } from './theme.ts';

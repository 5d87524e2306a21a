/**
 * The chart spec: a small typed description of a chart that the rest of Sightline builds (forecasts,
 * causal impact, reports) instead of raw ECharts options. `toEchartsOption` turns it into the option
 * object that both the server (SVG/PNG) and the browser feed to ECharts, so the two cannot drift.
 *
 * A chart is one or more panels stacked vertically over one shared x axis (a forecast has one panel;
 * causal impact has the observed series above and the pointwise effect below).
 */

/** An x position: an ISO 8601 string or epoch milliseconds on a time axis, a number on a value axis, a label on a category axis. */
export type XValue = string | number;

export type XAxisSpec =
  | { kind: 'time'; label?: string }
  | { kind: 'value'; label?: string }
  | { kind: 'category'; label?: string; categories: readonly string[] };

export interface YAxisSpec {
  /** Axis name, drawn above the axis (for example "Daily active users"). */
  label?: string;
  /** Unit written on each tick label: `%` is glued to the number, other suffixes follow a space. */
  unit?: string;
  /** `prefix` for currencies (`$1,200`); `suffix` (the default) for everything else (`120 ms`). */
  unitPosition?: 'prefix' | 'suffix';
  /** Start the axis at zero even when the data do not come near it (counts, revenue). */
  includeZero?: boolean;
  min?: number;
  max?: number;
  /**
   * Makes the y axis a category axis, listed from the top down (a heatmap's rows). Its panel holds
   * heatmap series only.
   */
  categories?: readonly string[];
}

/** Colour overrides are CSS hex colours (`#rrggbb`); without one a series takes the palette's next colour. */
interface SeriesBase {
  /** Shown in the legend; series that share a name toggle together in the browser. */
  name: string;
  color?: string;
  /** Leave the series out of the legend (helper series such as a zero line). */
  hideInLegend?: boolean;
}

/** A line through `[x, y]` points; `null` y leaves a gap. */
export interface LineSeriesSpec extends SeriesBase {
  kind: 'line';
  data: ReadonlyArray<readonly [XValue, number | null]>;
  dashed?: boolean;
  width?: number;
}

export interface BarSeriesSpec extends SeriesBase {
  kind: 'bar';
  data: ReadonlyArray<readonly [XValue, number | null]>;
  /**
   * A text drawn at the end of each bar, by position in `data` (`12,400 · 41.2%` on a funnel's step);
   * null or a missing entry draws none. Plain text: it is written as is, never read as a template.
   */
  labels?: ReadonlyArray<string | null>;
}

/** Markers only, no line (outliers, anomalies, actuals after the forecast origin). */
export interface ScatterSeriesSpec extends SeriesBase {
  kind: 'scatter';
  data: ReadonlyArray<readonly [XValue, number]>;
  size?: number;
}

/** A filled band between `lower` and `upper` at each x (prediction intervals). */
export interface BandSeriesSpec extends SeriesBase {
  kind: 'band';
  data: ReadonlyArray<readonly [XValue, number, number]>;
}

/**
 * A grid of coloured cells on a category x axis and a category y axis (`y.categories`), each cell
 * shaded by its value between `min` and `max` and labelled with its text (a retention table: cohorts
 * down, periods across, % retained). A null value or a missing cell stays blank.
 */
export interface HeatmapSeriesSpec extends SeriesBase {
  kind: 'heatmap';
  /** `[x category, y category, value, label]`; without a label the cell shows the value rounded. */
  data: ReadonlyArray<readonly [string, string, number | null, string?]>;
  /** The values of the lightest and the darkest shade (default: the data's range). */
  min?: number;
  max?: number;
}

export type SeriesSpec =
  | LineSeriesSpec
  | BarSeriesSpec
  | ScatterSeriesSpec
  | BandSeriesSpec
  | HeatmapSeriesSpec;

/** A vertical line across a panel at one x, with a short label ("forecast starts", "launch"). */
export interface MarkerSpec {
  x: XValue;
  label: string;
}

export interface PanelSpec {
  y: YAxisSpec;
  /** Drawn in this order: put bands first so lines stay on top of them. */
  series: readonly SeriesSpec[];
  markers?: readonly MarkerSpec[];
  /** Relative height among the chart's panels (default 1). */
  weight?: number;
  /** A small heading at the panel's top left ("Pointwise effect"). */
  title?: string;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  x: XAxisSpec;
  panels: readonly PanelSpec[];
  /** Show the legend (default true when the chart has more than one named series). */
  legend?: boolean;
  /**
   * Draw the category x axis down the left side and the values across, bars growing to the right,
   * the first category at the top (a funnel's steps). Only with a category x axis and one panel.
   */
  horizontal?: boolean;
}

import type { ModelForecast } from '../../math/forecast/types.ts';
import type { BandSeriesSpec, ChartSpec, SeriesSpec, XValue } from './spec.ts';
import { PALETTE } from './theme.ts';

/** Interval bounds keyed by level, as the forecast JSON writes them (`{"80": …, "95": …}`). */
export interface LevelBounds {
  '80'?: number;
  '95'?: number;
}

export interface ForecastChartInput {
  title: string;
  /** For example the chosen model and why ("ETS(A,Ad,A), best MASE in 4 backtest windows"). */
  subtitle?: string;
  history: ReadonlyArray<{ t: XValue; value: number }>;
  forecast: ReadonlyArray<{ t: XValue; mean: number; lower: LevelBounds; upper: LevelBounds }>;
  /** Written on the y tick labels (`ms`, `%`, `$` with unitPosition prefix). */
  unit?: string;
  unitPosition?: 'prefix' | 'suffix';
  yLabel?: string;
  /**
   * Whether `t` is a time. By default string `t` are ISO times and numeric `t` are step numbers (a
   * value-only series); pass true when numeric `t` are epoch milliseconds.
   */
  timeAxis?: boolean;
  includeZero?: boolean;
  /**
   * Draw only the last this-many history points. A thousand hourly points squeeze a 48-step forecast
   * into a sliver at the right edge; a few times the horizon keeps it readable. Default: all.
   */
  historyPoints?: number;
}

const LEVELS = [
  { level: '95', color: PALETTE.band95 },
  { level: '80', color: PALETTE.band80 },
] as const;

/**
 * Returns the chart spec of a forecast: the history as a solid line, the forecast mean dashed from
 * the last observation on, the 95% band in the lighter and the 80% band in the darker shade of the
 * forecast colour (the narrower band drawn over the wider), and a marker at the forecast origin.
 * A level whose bounds are missing at every step is left out; non-finite values become gaps.
 */
export function forecastChart(input: ForecastChartInput): ChartSpec {
  const shown = input.historyPoints;
  const history =
    shown === undefined || shown >= input.history.length
      ? input.history
      : input.history.slice(input.history.length - Math.max(1, Math.floor(shown)));
  const allT = [...history.map((p) => p.t), ...input.forecast.map((p) => p.t)];
  const isTime = input.timeAxis ?? allT.every((t) => typeof t === 'string');
  const series: SeriesSpec[] = [];

  for (const { level, color } of LEVELS) {
    const data: [XValue, number, number][] = [];
    for (const p of input.forecast) {
      const lower = p.lower[level];
      const upper = p.upper[level];
      if (isFiniteNumber(lower) && isFiniteNumber(upper)) data.push([p.t, lower, upper]);
    }
    if (data.length > 0) {
      const band: BandSeriesSpec = { kind: 'band', name: `${level}% interval`, color, data };
      series.push(band);
    }
  }

  series.push({
    kind: 'line',
    name: 'History',
    color: PALETTE.history,
    data: history.map((p) => [p.t, finiteOrNull(p.value)]),
  });

  // The forecast line starts at the last observation, so history and forecast read as one path.
  const origin = history.at(-1);
  const forecastLine: [XValue, number | null][] = input.forecast.map((p) => [p.t, finiteOrNull(p.mean)]);
  if (origin !== undefined && Number.isFinite(origin.value)) forecastLine.unshift([origin.t, origin.value]);
  series.push({ kind: 'line', name: 'Forecast', color: PALETTE.forecast, dashed: true, data: forecastLine });

  const markerAt = origin?.t ?? input.forecast[0]?.t;
  return {
    title: input.title,
    ...(input.subtitle === undefined ? {} : { subtitle: input.subtitle }),
    x: { kind: isTime ? 'time' : 'value' },
    panels: [
      {
        y: {
          ...(input.yLabel === undefined ? {} : { label: input.yLabel }),
          ...(input.unit === undefined ? {} : { unit: input.unit }),
          ...(input.unitPosition === undefined ? {} : { unitPosition: input.unitPosition }),
          ...(input.includeZero === undefined ? {} : { includeZero: input.includeZero }),
        },
        series,
        markers: markerAt === undefined ? [] : [{ x: markerAt, label: 'forecast starts' }],
      },
    ],
  };
}

function isFiniteNumber(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v);
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export type ForecastPoint = ForecastChartInput['forecast'][number];

/**
 * Returns the chart's forecast points from a model's output and the times of its steps (`times[i]` for
 * step i): the mean, and the bounds of the 80% and 95% intervals where the model gave them. Intervals
 * at other levels are not drawn (the chart has two shades).
 */
export function forecastPoints(forecast: ModelForecast, times: readonly XValue[]): ForecastPoint[] {
  if (times.length !== forecast.mean.length) {
    throw new Error(`forecastPoints: ${times.length} times for ${forecast.mean.length} steps`);
  }
  const at = (level: number) => forecast.intervals.find((interval) => interval.level === level);
  const i80 = at(80);
  const i95 = at(95);
  return times.map((t, i) => {
    const lower: LevelBounds = {};
    const upper: LevelBounds = {};
    if (i80) [lower['80'], upper['80']] = [i80.lower[i]!, i80.upper[i]!];
    if (i95) [lower['95'], upper['95']] = [i95.lower[i]!, i95.upper[i]!];
    return { t, mean: forecast.mean[i]!, lower, upper };
  });
}

import type { CausalImpactResult } from '../../math/causal/causal-impact.ts';
import type { ChartSpec, LineSeriesSpec, PanelSpec, XValue, YAxisSpec } from './spec.ts';
import { PALETTE } from './theme.ts';

/** One time step; NaN `expected`/`lower`/`upper` (no counterfactual there, as in a pre-period) is a gap. */
export interface CausalPoint {
  t: XValue;
  observed: number;
  expected: number;
  lower: number;
  upper: number;
}

export interface CausalImpactChartInput {
  title: string;
  /** For example the summary line ("+10.2% (95% interval +6.1% to +14.0%), p = 0.001"). */
  subtitle?: string;
  /**
   * Every point of the pre- and post-period: what was observed, the counterfactual (what the model
   * expects without the intervention) and its interval at `level`.
   */
  points: ReadonlyArray<CausalPoint>;
  /** The first point of the post-period (where the intervention starts). */
  launch: XValue;
  /** The interval's level in percent (default 95), named in the legend. */
  level?: number;
  /**
   * The cumulative effect over the post-period with its interval, from the model: it cannot be
   * derived here, because the sum of pointwise bounds is not the bound of the sum.
   */
  cumulative?: ReadonlyArray<{ t: XValue; effect: number; lower: number; upper: number }>;
  unit?: string;
  unitPosition?: 'prefix' | 'suffix';
  /** As in forecastChart: string `t` are times, numeric `t` step numbers unless this says otherwise. */
  timeAxis?: boolean;
}

/**
 * Returns the chart spec of a causal impact analysis laid out as CausalImpact's plot (Brodersen et al.
 * 2015, fig. 1): observed against the counterfactual with its band; the pointwise effect (observed
 * minus counterfactual, band `[observed − upper, observed − lower]`) around a zero line; and the
 * cumulative effect when given. A "launch" marker crosses every panel at the start of the post-period.
 */
export function causalImpactChart(input: CausalImpactChartInput): ChartSpec {
  const level = input.level ?? 95;
  const allT = input.points.map((p) => p.t);
  const isTime = input.timeAxis ?? allT.every((t) => typeof t === 'string');
  const y = (label: string): YAxisSpec => ({
    label,
    ...(input.unit === undefined ? {} : { unit: input.unit }),
    ...(input.unitPosition === undefined ? {} : { unitPosition: input.unitPosition }),
  });
  const marker = (label: string) => [{ x: input.launch, label }];

  const observedPanel: PanelSpec = {
    y: y('Observed and counterfactual'),
    weight: 2,
    markers: marker('launch'),
    series: [
      {
        kind: 'band',
        name: `${level}% interval`,
        color: PALETTE.band95,
        data: input.points.map((p) => [p.t, p.lower, p.upper]),
      },
      {
        kind: 'line',
        name: 'Counterfactual',
        color: PALETTE.forecast,
        dashed: true,
        data: input.points.map((p) => [p.t, finiteOrNull(p.expected)]),
      },
      {
        kind: 'line',
        name: 'Observed',
        color: PALETTE.history,
        data: input.points.map((p) => [p.t, finiteOrNull(p.observed)]),
      },
    ],
  };

  const pointwisePanel: PanelSpec = {
    y: y('Pointwise effect'),
    markers: marker(''),
    series: [
      {
        kind: 'band',
        name: `Effect ${level}% interval`,
        color: PALETTE.effectBand,
        hideInLegend: true,
        data: input.points.map((p) => [p.t, p.observed - p.upper, p.observed - p.lower]),
      },
      zeroLine(allT),
      {
        kind: 'line',
        name: 'Pointwise effect',
        color: PALETTE.effect,
        hideInLegend: true,
        data: input.points.map((p) => [p.t, finiteOrNull(p.observed - p.expected)]),
      },
    ],
  };

  const panels = [observedPanel, pointwisePanel];
  const cumulative = input.cumulative ?? [];
  if (cumulative.length > 0) {
    panels.push({
      y: y('Cumulative effect'),
      markers: marker(''),
      series: [
        {
          kind: 'band',
          name: `Cumulative ${level}% interval`,
          color: PALETTE.effectBand,
          hideInLegend: true,
          data: cumulative.map((p) => [p.t, p.lower, p.upper]),
        },
        zeroLine(allT),
        {
          kind: 'line',
          name: 'Cumulative effect',
          color: PALETTE.effect,
          hideInLegend: true,
          data: cumulative.map((p) => [p.t, finiteOrNull(p.effect)]),
        },
      ],
    });
  }

  return {
    title: input.title,
    ...(input.subtitle === undefined ? {} : { subtitle: input.subtitle }),
    x: { kind: isTime ? 'time' : 'value' },
    legend: true,
    panels,
  };
}

/** A thin reference line at zero across the whole period. */
function zeroLine(allT: readonly XValue[]): LineSeriesSpec {
  const first = allT[0];
  const last = allT.at(-1);
  return {
    kind: 'line',
    name: 'zero',
    color: PALETTE.axis,
    width: 1,
    hideInLegend: true,
    data:
      first === undefined || last === undefined
        ? []
        : [
            [first, 0],
            [last, 0],
          ],
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * Returns the chart input for a causal impact result (src/math/causal): every row of `y` observed at
 * `times[row]`, the counterfactual and its band over the post-period rows the result covers (the
 * pre-period has none there, so it shows the observations alone), the cumulative effect, and a subtitle
 * with the average relative effect, its interval and p, as R's summary prints them.
 */
export function causalImpactChartInput(
  result: CausalImpactResult,
  series: { y: Float64Array; times: readonly XValue[]; title: string; unit?: string },
): CausalImpactChartInput {
  const { y, times } = series;
  if (times.length !== y.length)
    throw new Error(`causalImpactChartInput: ${times.length} times for ${y.length} values`);
  const points: CausalPoint[] = Array.from(y, (observed, row) => ({
    t: times[row]!,
    observed,
    expected: Number.NaN,
    lower: Number.NaN,
    upper: Number.NaN,
  }));
  const cumulative: { t: XValue; effect: number; lower: number; upper: number }[] = [];
  result.rows.forEach((row, k) => {
    const point = points[row]!;
    point.expected = result.prediction[k]!;
    point.lower = result.predictionLower[k]!;
    point.upper = result.predictionUpper[k]!;
    cumulative.push({
      t: point.t,
      effect: result.cumulativeEffect[k]!,
      lower: result.cumulativeLower[k]!,
      upper: result.cumulativeUpper[k]!,
    });
  });
  const level = Math.round((1 - result.alpha) * 1000) / 10;
  const relative = result.average.relativeEffect;
  const percent = (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;
  const p = result.p < 0.001 ? 'p < 0.001' : `p = ${result.p.toFixed(3)}`;
  const first = result.rows[0];
  return {
    title: series.title,
    subtitle:
      `Average effect ${percent(relative.value)} (${level}% interval ${percent(relative.interval[0])} to ` +
      `${percent(relative.interval[1])}), ${p}`,
    points,
    launch: times[first ?? 0]!,
    level,
    cumulative,
    ...(series.unit === undefined ? {} : { unit: series.unit }),
  };
}

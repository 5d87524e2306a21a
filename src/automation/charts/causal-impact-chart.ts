import type { ChartSpec, LineSeriesSpec, PanelSpec, XValue, YAxisSpec } from './spec.ts';
import { PALETTE } from './theme.ts';

export interface CausalImpactChartInput {
  title: string;
  /** For example the summary line ("+10.2% (95% interval +6.1% to +14.0%), p = 0.001"). */
  subtitle?: string;
  /**
   * Every point of the pre- and post-period: what was observed, the counterfactual (what the model
   * expects without the intervention) and its interval at `level`.
   */
  points: ReadonlyArray<{ t: XValue; observed: number; expected: number; lower: number; upper: number }>;
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

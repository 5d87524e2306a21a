import { describe, expect, it } from 'vitest';
import { causalImpactInput } from '../../../test/fixtures/charts/samples.ts';
import { causalImpactChart } from './causal-impact-chart.ts';
import type { BandSeriesSpec, LineSeriesSpec } from './spec.ts';

describe('causalImpactChart', () => {
  const input = causalImpactInput();
  const spec = causalImpactChart(input);
  const [observed, pointwise, cumulative] = spec.panels;
  const find = (panel: typeof observed, name: string) => panel!.series.find((s) => s.name === name);

  it('stacks observed vs counterfactual, the pointwise effect and the cumulative effect', () => {
    expect(spec.panels.map((p) => p.y.label)).toEqual([
      'Observed and counterfactual',
      'Pointwise effect',
      'Cumulative effect',
    ]);
    expect(observed!.weight).toBe(2);
  });

  it('draws the counterfactual band and lines from the points as given', () => {
    const band = find(observed, '95% interval') as BandSeriesSpec;
    expect(band.data[10]).toEqual([input.points[10]!.t, input.points[10]!.lower, input.points[10]!.upper]);
    const counterfactual = find(observed, 'Counterfactual') as LineSeriesSpec;
    expect(counterfactual.dashed).toBe(true);
    expect(counterfactual.data[80]![1]).toBe(input.points[80]!.expected);
  });

  it('the pointwise effect is observed minus counterfactual, its band observed minus the bounds', () => {
    const p = input.points[85]!;
    const effect = find(pointwise, 'Pointwise effect') as LineSeriesSpec;
    expect(effect.data[85]).toEqual([p.t, p.observed - p.expected]);
    const band = find(pointwise, 'Effect 95% interval') as BandSeriesSpec;
    expect(band.data[85]).toEqual([p.t, p.observed - p.upper, p.observed - p.lower]);
    const zero = find(pointwise, 'zero') as LineSeriesSpec;
    expect(zero.data).toEqual([
      [input.points[0]!.t, 0],
      [input.points.at(-1)!.t, 0],
    ]);
  });

  it('marks the launch in every panel, labelled once', () => {
    expect(spec.panels.map((p) => p.markers)).toEqual([
      [{ x: input.launch, label: 'launch' }],
      [{ x: input.launch, label: '' }],
      [{ x: input.launch, label: '' }],
    ]);
  });

  it('keeps the legend to observed, counterfactual and the interval', () => {
    const named = spec.panels.flatMap((p) => p.series.filter((s) => !s.hideInLegend).map((s) => s.name));
    expect(named).toEqual(['95% interval', 'Counterfactual', 'Observed']);
  });

  it('without a cumulative series there are two panels; the level names the interval', () => {
    const two = causalImpactChart({ ...input, cumulative: [], level: 90 });
    expect(two.panels).toHaveLength(2);
    expect(two.panels[0]!.series[0]!.name).toBe('90% interval');
    expect(cumulative).toBeDefined();
  });
});

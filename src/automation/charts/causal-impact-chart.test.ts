import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { causalImpactInput } from '../../../test/fixtures/charts/samples.ts';
import { causalImpact } from '../../math/causal/causal-impact.ts';
import { causalImpactChart, causalImpactChartInput } from './causal-impact-chart.ts';
import { rasterizeSvg } from './render-png.ts';
import { renderSvg } from './render-svg.ts';
import type { BandSeriesSpec, LineSeriesSpec } from './spec.ts';
import { PALETTE } from './theme.ts';

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

/** CausalImpact's vignette series (y = 1.2 x1 + noise, +10 from row 70), read-only shared data. */
function vignette(): { y: Float64Array; x1: Float64Array } {
  const file = path.resolve(
    import.meta.dirname,
    '../../../../shared/data/causal/vignette_simulated_seed1.csv',
  );
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const cells = rows.map((line) => line.split(',').map(Number));
  return { y: Float64Array.from(cells, (c) => c[1]!), x1: Float64Array.from(cells, (c) => c[2]!) };
}

describe('causalImpactChartInput', () => {
  const { y, x1 } = vignette();
  const result = causalImpact({ y, controls: [x1], pre: [0, 69], post: [70, 99] });
  const times = Array.from({ length: y.length }, (_, i) =>
    new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
  );
  const input = causalImpactChartInput(result, { y, times, title: 'Vignette' });

  it('observations everywhere, the counterfactual only over the post-period the result covers', () => {
    expect(input.points).toHaveLength(100);
    expect(input.points[69]!.observed).toBe(y[69]);
    expect(input.points[69]!.expected).toBeNaN();
    expect(input.points[70]).toEqual({
      t: times[70],
      observed: y[70],
      expected: result.prediction[0],
      lower: result.predictionLower[0],
      upper: result.predictionUpper[0],
    });
    expect(input.launch).toBe(times[70]);
    expect(input.cumulative!.at(-1)!.effect).toBe(result.cumulativeEffect[29]);
  });

  it('states the average relative effect, its interval and p as R prints them', () => {
    const r = result.average.relativeEffect;
    const pct = (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;
    expect(input.level).toBe(95);
    expect(input.subtitle).toContain(
      `Average effect ${pct(r.value)} (95% interval ${pct(r.interval[0])} to ${pct(r.interval[1])})`,
    );
    expect(input.subtitle).toMatch(/p (<|=) 0\.\d{3}$/);
  });

  it('draws the counterfactual band right of the launch only', () => {
    const image = rasterizeSvg(renderSvg(causalImpactChart(input), { width: 900, height: 560 }));
    const band = [0xdb, 0xe5, 0xfb];
    expect(PALETTE.band95).toBe('#dbe5fb');
    const columns: number[] = [];
    // The top panel's plot lies between about y = 110 and y = 280 at this size.
    for (let row = 110; row < 280; row++) {
      for (let x = 0; x < image.width; x++) {
        const i = 4 * (row * image.width + x);
        if (band.every((v, c) => image.rgba[i + c] === v)) columns.push(x);
      }
    }
    expect(columns.length).toBeGreaterThan(1000);
    // Rows 70..99 of 0..99 on a plot about 830 px wide from x = 45: the band starts near x = 630.
    expect(Math.min(...columns)).toBeGreaterThan(600);
  });
});

import { describe, expect, it } from 'vitest';
import { dailyForecastInput, stepForecastInput } from '../../../test/fixtures/charts/samples.ts';
import { forecastChart } from './forecast-chart.ts';
import type { BandSeriesSpec, LineSeriesSpec } from './spec.ts';
import { PALETTE } from './theme.ts';

describe('forecastChart', () => {
  const input = dailyForecastInput();
  const spec = forecastChart(input);
  const panel = spec.panels[0]!;
  const byName = (name: string) => panel.series.find((s) => s.name === name);

  it('draws the 95% band lighter, then the 80% band darker over it, then the lines', () => {
    expect(panel.series.map((s) => `${s.kind}:${s.name}`)).toEqual([
      'band:95% interval',
      'band:80% interval',
      'line:History',
      'line:Forecast',
    ]);
    expect(byName('95% interval')!.color).toBe(PALETTE.band95);
    expect(byName('80% interval')!.color).toBe(PALETTE.band80);
  });

  it('puts each interval bound where the forecast says, step by step', () => {
    const band80 = byName('80% interval') as BandSeriesSpec;
    expect(band80.data).toHaveLength(input.forecast.length);
    input.forecast.forEach((p, k) => {
      expect(band80.data[k]).toEqual([p.t, p.lower['80'], p.upper['80']]);
    });
  });

  it('starts the dashed forecast line at the last observation, so the two read as one path', () => {
    const line = byName('Forecast') as LineSeriesSpec;
    const last = input.history.at(-1)!;
    expect(line.dashed).toBe(true);
    expect(line.data[0]).toEqual([last.t, last.value]);
    expect(line.data.slice(1).map((d) => d[1])).toEqual(input.forecast.map((p) => p.mean));
  });

  it('marks the forecast origin and uses a time axis for ISO timestamps', () => {
    expect(panel.markers).toEqual([{ x: input.history.at(-1)!.t, label: 'forecast starts' }]);
    expect(spec.x.kind).toBe('time');
    expect(panel.y).toEqual({ label: 'Active users', unit: 'users' });
  });

  it('uses a value axis for step numbers, leaves out a level with no bounds, and turns NaN into a gap', () => {
    const steps = forecastChart(stepForecastInput());
    const series = steps.panels[0]!.series;
    expect(steps.x.kind).toBe('value');
    expect(series.map((s) => s.name)).toEqual(['95% interval', 'History', 'Forecast']);
    const history = series[1] as LineSeriesSpec;
    expect(history.data[20]).toEqual([21, null]);
    expect(steps.panels[0]!.y).toEqual({ unit: '$', unitPosition: 'prefix', includeZero: true });
  });

  it('draws only the last historyPoints observations when asked, still joined to the forecast', () => {
    const recent = forecastChart({ ...input, historyPoints: 14 });
    const history = recent.panels[0]!.series.find((s) => s.name === 'History') as LineSeriesSpec;
    expect(history.data.map((d) => d[0])).toEqual(input.history.slice(-14).map((p) => p.t));
    const line = recent.panels[0]!.series.find((s) => s.name === 'Forecast') as LineSeriesSpec;
    expect(line.data[0]).toEqual([input.history.at(-1)!.t, input.history.at(-1)!.value]);
    expect(forecastChart({ ...input, historyPoints: 10_000 })).toEqual(spec);
  });

  it('draws a forecast without history (a marker at its first step, no connecting point)', () => {
    const only = forecastChart({ ...input, history: [] });
    const line = only.panels[0]!.series.find((s) => s.name === 'Forecast') as LineSeriesSpec;
    expect(line.data).toHaveLength(input.forecast.length);
    expect(only.panels[0]!.markers).toEqual([{ x: input.forecast[0]!.t, label: 'forecast starts' }]);
  });
});

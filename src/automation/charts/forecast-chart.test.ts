import { describe, expect, it } from 'vitest';
import { dailyForecastInput, stepForecastInput } from '../../../test/fixtures/charts/samples.ts';
import type { ModelForecast } from '../../math/forecast/types.ts';
import { forecastChart, forecastPoints } from './forecast-chart.ts';
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

describe('forecastPoints', () => {
  const model: ModelForecast = {
    model: 'ETS(A,N,N)',
    mean: Float64Array.from([10, 11]),
    intervals: [
      { level: 95, lower: Float64Array.from([6, 5]), upper: Float64Array.from([14, 17]) },
      { level: 50, lower: Float64Array.from([9, 9]), upper: Float64Array.from([11, 13]) },
      { level: 80, lower: Float64Array.from([8, 7]), upper: Float64Array.from([12, 15]) },
    ],
    intervalMethod: 'analytic',
    fitted: null,
    params: {},
    logLik: null,
    aicc: null,
    warnings: [],
  };

  it('pairs each step with its time, mean and the 80% and 95% bounds, whatever order the levels came in', () => {
    expect(forecastPoints(model, ['2024-05-01', '2024-05-02'])).toEqual([
      { t: '2024-05-01', mean: 10, lower: { '80': 8, '95': 6 }, upper: { '80': 12, '95': 14 } },
      { t: '2024-05-02', mean: 11, lower: { '80': 7, '95': 5 }, upper: { '80': 15, '95': 17 } },
    ]);
  });

  it('leaves out a level the model did not give, and the chart then draws one band', () => {
    const only95 = { ...model, intervals: [model.intervals[0]!] };
    const points = forecastPoints(only95, [1, 2]);
    expect(points[0]).toEqual({ t: 1, mean: 10, lower: { '95': 6 }, upper: { '95': 14 } });
    const chart = forecastChart({ title: 't', history: [{ t: 0, value: 9 }], forecast: points });
    expect(chart.panels[0]!.series.filter((s) => s.kind === 'band').map((s) => s.name)).toEqual([
      '95% interval',
    ]);
  });

  it('refuses times that do not match the steps (a caller bug, not a user mistake)', () => {
    expect(() => forecastPoints(model, ['2024-05-01'])).toThrow(/1 times for 2 steps/);
  });
});

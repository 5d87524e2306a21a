import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seasonalNaiveModel } from '../../src/math/forecast/baselines/index.ts';
import { createRng } from '../../src/math/random.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

/**
 * `sightline forecast`, `backtest` and `causal` end to end: the real CLI on CSV files, the JSON shape
 * the issue fixes, the numbers of a named model equal to the model called directly, and coded errors.
 */
const { dir, cleanup } = tempDir('sl-forecast-cli-');
afterAll(cleanup);

const HOUR = 3_600_000;
function hourlyCsv(file: string, n: number, seed: number, withId = false): Float64Array {
  const rng = createRng(seed);
  const values = Float64Array.from(
    { length: n },
    (_, t) => 100 + 30 * Math.sin((2 * Math.PI * t) / 24) + 3 * rng.normal(),
  );
  const lines = Array.from(
    values,
    (v, t) => `${withId ? 'a,' : ''}${new Date(Date.UTC(2024, 0, 1) + t * HOUR).toISOString()},${v}`,
  );
  writeFileSync(file, `${withId ? 'series_id,' : ''}timestamp,value\n${lines.join('\n')}\n`);
  return values;
}

describe('sightline forecast', () => {
  it('prints the issue JSON shape with times, both levels, and the numbers of the named model', async () => {
    const file = path.join(dir, 'hourly.csv');
    const values = hourlyCsv(file, 24 * 14, 1);
    const result = await runCli([
      'forecast',
      '--input',
      file,
      '--horizon',
      '6',
      '--model',
      'snaive',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { forecasts } = JSON.parse(result.stdout);
    expect(forecasts).toHaveLength(1);
    const [f] = forecasts;
    expect(f.model).toBe('SeasonalNaive[24]');
    expect(f.points).toHaveLength(6);
    expect(f.points[0].t).toBe('2024-01-15T00:00:00Z');
    const direct = seasonalNaiveModel(values, { horizon: 6, levels: [80, 95], seasonPeriods: [24, 168] });
    expect(f.points.map((p: { mean: number }) => p.mean)).toEqual(Array.from(direct.mean));
    expect(f.points[2].lower['95']).toBe(direct.intervals[1]!.lower[2]);
    expect(f.points[2].upper['80']).toBe(direct.intervals[0]!.upper[2]);
  });

  it('auto says which model it chose and why, with the backtest scores, and draws a PNG chart', async () => {
    const file = path.join(dir, 'auto.csv');
    hourlyCsv(file, 24 * 21, 2, true);
    const chart = path.join(dir, 'auto.png');
    const result = await runCli(['forecast', '--input', file, '--horizon', '24', '--json', '--chart', chart]);
    expect(result.code).toBe(0);
    const [f] = JSON.parse(result.stdout).forecasts;
    expect(f.seriesId).toBe('a');
    expect(f.backtest.windows).toBe(3);
    expect(f.backtest.reason).toMatch(/lowest backtest MASE/);
    expect(f.backtest.scores.length).toBeGreaterThanOrEqual(4);
    expect(readFileSync(chart).subarray(1, 4).toString()).toBe('PNG');
  });

  it('rejects an unknown model and a bad horizon with coded errors', async () => {
    const file = path.join(dir, 'small.csv');
    hourlyCsv(file, 48, 3);
    const unknown = await runCli(['forecast', '--input', file, '--model', 'lstm']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error SL_FORECAST_OPTION_INVALID: unknown model "lstm"/);
    const horizon = await runCli(['forecast', '--input', file, '--horizon', '0']);
    expect(horizon.stderr).toMatch(/^error SL_FORECAST_OPTION_INVALID: the horizon/);
  });
});

describe('sightline backtest', () => {
  it('scores the named models on the windows asked, best first', async () => {
    const file = path.join(dir, 'backtest.csv');
    hourlyCsv(file, 24 * 14, 4);
    const result = await runCli([
      'backtest',
      '--input',
      file,
      '--horizon',
      '24',
      '--windows',
      '4',
      '--models',
      'naive,snaive',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const [b] = JSON.parse(result.stdout).backtests;
    expect(b.origins).toEqual([240, 264, 288, 312]);
    expect(b.models.map((m: { model: string }) => m.model)).toEqual(['snaive', 'naive']);
    expect(b.models[0].mase).toBeLessThan(b.models[1].mase);
    expect(Object.keys(b.models[0].coverage)).toEqual(['80', '95']);
  });
});

describe('sightline causal', () => {
  it('finds the planted +1 effect of the arma fixture, with R-style summary numbers in JSON', async () => {
    const file = path.resolve(import.meta.dirname, '../../../shared/data/causal/arma_data.csv');
    const result = await runCli(['causal', '--input', file, '--pre', '1:70', '--post', '71:100', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.response).toBe('y');
    expect(out.controls).toEqual(['X']);
    expect(out.points).toHaveLength(30);
    // R's CausalImpact: average effect 0.89, 95% interval [0.27, 1.5] (R_summary_arma.txt).
    expect(out.average.absoluteEffect.value).toBeGreaterThan(0.27);
    expect(out.average.absoluteEffect.value).toBeLessThan(1.5);
    expect(out.significant).toBe(true);
  });

  it('draws the chart of a file whose time column is step numbers (the vignette t = 1, 2, ...)', async () => {
    const file = path.resolve(
      import.meta.dirname,
      '../../../shared/data/causal/vignette_simulated_seed1.csv',
    );
    const chart = path.join(dir, 'vignette.png');
    const result = await runCli([
      'causal',
      '--input',
      file,
      '--pre',
      '1:70',
      '--post',
      '71:100',
      '--chart',
      chart,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(chart).subarray(1, 4).toString()).toBe('PNG');
  });

  it('rejects overlapping periods with a coded error', async () => {
    const file = path.resolve(import.meta.dirname, '../../../shared/data/causal/arma_data.csv');
    const result = await runCli(['causal', '--input', file, '--pre', '1:80', '--post', '71:100']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/SL_CAUSAL_PERIOD_INVALID/);
  });
});

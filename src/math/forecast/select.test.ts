import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { driftModel, naiveModel, seasonalNaiveModel } from './baselines/index.ts';
import { backtestWindows, type Candidate, combineForecasts, selectAndForecast } from './select.ts';
import type { ModelForecast } from './types.ts';

const options = { horizon: 12, levels: [80, 95], seasonPeriods: [12] };

function seasonal(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from(
    { length: n },
    (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 12) + rng.normal(),
  );
}

/** A seasonal-naive candidate with a plan that must not be used, counting the times its model runs. */
function searchingCandidate(planRefusal: string): { candidate: Candidate; calls: () => number } {
  let calls = 0;
  const candidate: Candidate = {
    name: 'planned',
    model: (series, o) => {
      calls++;
      return seasonalNaiveModel(series, o);
    },
    plan: () => {
      throw new Error(planRefusal);
    },
  };
  return { candidate, calls: () => calls };
}

function fixed(model: string, mean: number[], lower: number[], upper: number[]): ModelForecast {
  return {
    model,
    mean: Float64Array.from(mean),
    intervals: [{ level: 80, lower: Float64Array.from(lower), upper: Float64Array.from(upper) }],
    intervalMethod: 'analytic',
    fitted: null,
    params: {},
    logLik: null,
    aicc: null,
    warnings: [],
  };
}

describe('selectAndForecast', () => {
  it('picks the seasonal naive model on a strongly seasonal series and ranks the rest behind it', () => {
    const y = seasonal(240, 1);
    const selection = selectAndForecast(
      y,
      options,
      [
        { name: 'naive', model: naiveModel },
        { name: 'snaive', model: seasonalNaiveModel },
        { name: 'drift', model: driftModel },
      ],
      { combine: 'best' },
    );
    expect(selection.windows).toBe(3);
    expect(selection.chosen).toEqual(['snaive']);
    expect(selection.forecast.model).toBe('SeasonalNaive[12]');
    expect(selection.scores[0]!.name).toBe('snaive');
    expect(selection.scores[0]!.mase!).toBeLessThan(selection.scores[1]!.mase! / 3);
    expect(selection.reason).toMatch(/^snaive had the lowest backtest MASE \(\d\.\d{3}; next (naive|drift)/);
  });

  it('scores the combination on the same windows and uses it when asked', () => {
    const y = seasonal(240, 2);
    const candidates = [
      { name: 'naive', model: naiveModel },
      { name: 'snaive', model: seasonalNaiveModel },
      { name: 'drift', model: driftModel },
    ];
    const selection = selectAndForecast(y, options, candidates, { combine: 'ensemble' });
    expect(selection.chosen).toHaveLength(3);
    expect(selection.scores.map((s) => s.name)).toContain('ensemble');
    const finals = candidates.map((c) => c.model(y, options));
    const expected = combineForecasts(finals, 'median');
    expect(Array.from(selection.forecast.mean)).toEqual(Array.from(expected.mean));
  });

  it('fits a candidate with a plan once on the whole history: its windows and its forecast come from the plan', () => {
    const y = seasonal(240, 4);
    const calls = { model: 0, plan: 0, window: [] as number[] };
    const planned: Candidate = {
      name: 'planned',
      model: (series, o) => {
        calls.model++;
        return seasonalNaiveModel(series, o);
      },
      plan: (series, o) => {
        calls.plan++;
        return {
          forecast: { ...seasonalNaiveModel(series, o), model: 'from the plan' },
          window: (train, wo) => {
            calls.window.push(train.length);
            return seasonalNaiveModel(train, wo);
          },
        };
      },
    };
    const selection = selectAndForecast(y, options, [planned, { name: 'naive', model: naiveModel }], {
      combine: 'best',
    });
    expect(selection.chosen).toEqual(['planned']);
    expect(selection.forecast.model).toBe('from the plan');
    expect(calls).toEqual({ model: 0, plan: 1, window: [204, 216, 228] });
  });

  it('repeats the whole model in every window and for the forecast with windowRefit "search"', () => {
    const y = seasonal(240, 4);
    const planned = searchingCandidate('the plan is not used when every window searches');
    const selection = selectAndForecast(
      y,
      options,
      [planned.candidate, { name: 'naive', model: naiveModel }],
      {
        combine: 'best',
        windowRefit: 'search',
      },
    );
    expect(selection.forecast.model).toBe('SeasonalNaive[12]');
    expect(planned.calls()).toBe(4);
  });

  it('searches again in every window by default when the windows cut deep into the history', () => {
    // 100 points, three windows of 12: the first trains on 64% of the history, under REUSE_SHARE.
    const y = seasonal(100, 5);
    const planned = searchingCandidate('the plan is not used when the windows cut deep');
    const selection = selectAndForecast(y, options, [
      planned.candidate,
      { name: 'naive', model: naiveModel },
    ]);
    expect(selection.windows).toBe(3);
    expect(planned.calls()).toBe(4);
  });

  it('falls back to the first candidate with a coded warning when no window fits', () => {
    const y = seasonal(30, 3);
    const selection = selectAndForecast(y, options, [
      { name: 'snaive', model: seasonalNaiveModel },
      { name: 'naive', model: naiveModel },
    ]);
    expect(selection.windows).toBe(0);
    expect(selection.chosen).toEqual(['snaive']);
    expect(selection.forecast.warnings.map((w) => w.code)).toContain('SL_FORECAST_SHORT_SERIES');
  });
});

describe('backtestWindows', () => {
  it('keeps two seasons and two horizons of training before the first window', () => {
    expect(backtestWindows(100, 10, [12], 3)).toBe(3);
    expect(backtestWindows(60, 10, [12], 3)).toBe(3);
    expect(backtestWindows(50, 10, [12], 3)).toBe(2);
    expect(backtestWindows(30, 10, [12], 3)).toBe(0);
  });
});

describe('combineForecasts', () => {
  it('takes the per-step median of the means and of each bound', () => {
    const combined = combineForecasts(
      [
        fixed('a', [1, 10], [0, 8], [2, 12]),
        fixed('b', [3, 20], [1, 15], [6, 30]),
        fixed('c', [2, 40], [1, 30], [3, 50]),
      ],
      'median',
    );
    expect(Array.from(combined.mean)).toEqual([2, 20]);
    expect(Array.from(combined.intervals[0]!.lower)).toEqual([1, 15]);
    expect(Array.from(combined.intervals[0]!.upper)).toEqual([3, 30]);
    expect(combined.model).toBe('Median(a, b, c)');
  });

  it('takes means with method mean and keeps each bound on its side of the point forecast', () => {
    const combined = combineForecasts([fixed('a', [0], [-1], [1]), fixed('b', [10], [9.5], [10.5])], 'mean');
    expect(Array.from(combined.mean)).toEqual([5]);
    expect(Array.from(combined.intervals[0]!.lower)).toEqual([4.25]);
    expect(Array.from(combined.intervals[0]!.upper)).toEqual([5.75]);
  });
});

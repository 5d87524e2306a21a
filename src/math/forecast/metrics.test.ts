import { describe, expect, it } from 'vitest';
import { accuracy, coverage, mae, mape, mase, maseScale, msis, owa, rmse, smape } from './metrics.ts';

// A hand-computed case. History 10, 12, 11, 13, 12, 14 (period 2: |11−10|, |13−12|, |12−11|, |14−13| →
// scale 1; period 1: 2, 1, 2, 1, 2 → 8/5 = 1.6). Actuals 15, 13, 16; forecasts 14, 14, 14 → errors
// 1, −1, 2.
const history = [10, 12, 11, 13, 12, 14];
const actual = [15, 13, 16];
const forecast = [14, 14, 14];

describe('accuracy metrics on a hand-computed case', () => {
  it('MAE, RMSE and MAPE', () => {
    expect(mae(actual, forecast)).toBeCloseTo(4 / 3, 14);
    expect(rmse(actual, forecast)).toBeCloseTo(Math.sqrt(6 / 3), 14);
    expect(mape(actual, forecast)).toBeCloseTo((100 * (1 / 15 + 1 / 13 + 2 / 16)) / 3, 12);
  });

  it('sMAPE as M4 defines it: 200·|y − ŷ|/(|y| + |ŷ|), averaged', () => {
    expect(smape(actual, forecast)).toBeCloseTo((200 / 29 + 200 / 27 + 400 / 30) / 3, 12);
    expect(smape([1], [-1])).toBe(200);
  });

  it('MASE scales by the in-sample seasonal naive MAE at the period', () => {
    expect(maseScale(history, 2)).toBe(1);
    expect(maseScale(history, 1)).toBeCloseTo(1.6, 14);
    expect(mase(actual, forecast, history, 2)).toBeCloseTo(4 / 3, 14);
    expect(mase(actual, forecast, history, 1)).toBeCloseTo(4 / 3 / 1.6, 14);
  });

  it('MSIS penalises each miss by 2/a times its distance (M4 eq. 4)', () => {
    // Interval [13.5, 15.5] each step: width 2; misses: 13 below by 0.5, 16 above by 0.5; a = 0.05.
    const lower = [13.5, 13.5, 13.5];
    const upper = [15.5, 15.5, 15.5];
    expect(msis(actual, lower, upper, history, 2)).toBeCloseTo((6 + 40 * 0.5 + 40 * 0.5) / 3, 12);
    expect(coverage(actual, lower, upper)).toBeCloseTo(1 / 3, 14);
    // Bounds are inside.
    expect(coverage([1, 2], [1, 0], [3, 2])).toBe(1);
  });

  it('accuracy gathers them, with coverage per level and MSIS from the 95% interval', () => {
    const result = accuracy({
      actual,
      mean: forecast,
      insample: history,
      seasonPeriod: 2,
      intervals: [
        { level: 80, lower: Float64Array.from([14, 14, 14]), upper: Float64Array.from([15, 15, 15]) },
        {
          level: 95,
          lower: Float64Array.from([13.5, 13.5, 13.5]),
          upper: Float64Array.from([15.5, 15.5, 15.5]),
        },
      ],
    });
    expect(result.coverage).toEqual({ '80': 1 / 3, '95': 1 / 3 });
    expect(result.msis).toBeCloseTo(46 / 3, 12);
    expect(result.mase).toBeCloseTo(4 / 3, 14);
    expect(result.warnings).toEqual([]);
  });
});

describe('zero denominators give null and a coded warning, never NaN', () => {
  it('a zero actual, a zero forecast of a zero actual and a flat history', () => {
    const result = accuracy({ actual: [0, 2], mean: [0, 1], insample: [5, 5, 5, 5], seasonPeriod: 1 });
    expect(result.mape).toBeNull();
    expect(result.smape).toBeNull();
    expect(result.mase).toBeNull();
    expect(result.mae).toBe(0.5);
    expect(result.warnings.map((w) => w.code)).toEqual([
      'SL_FORECAST_METRIC_UNDEFINED',
      'SL_FORECAST_METRIC_UNDEFINED',
      'SL_FORECAST_METRIC_UNDEFINED',
    ]);
  });

  it('a history no longer than the period is scaled at lag 1; a single point has no scale', () => {
    expect(maseScale([1, 3], 12)).toBe(2);
    expect(maseScale([4], 1)).toBeNull();
  });
});

describe('OWA is M4’s: the mean of the ratios of average sMAPE and average MASE to Naive2’s', () => {
  it('takes ratios of averages over the set, not averages of per-series ratios', () => {
    const model = [
      { smape: 10, mase: 1 },
      { smape: 30, mase: 3 },
    ];
    const naive2 = [
      { smape: 20, mase: 1 },
      { smape: 20, mase: 5 },
    ];
    // Ratio of averages: 20/20 = 1 and 2/3; mean 5/6. (Averaging per-series ratios would give
    // (0.5 + 1.5)/2 = 1 and (1 + 0.6)/2 = 0.8.)
    const result = owa(model, naive2);
    expect(result.relativeSmape).toBe(1);
    expect(result.relativeMase).toBeCloseTo(2 / 3, 14);
    expect(result.owa).toBeCloseTo(5 / 6, 14);
  });

  it('is 1 for Naive2 against itself and null when a series’ metric is undefined', () => {
    const rows = [{ smape: 12, mase: 0.9 }];
    expect(owa(rows, rows).owa).toBe(1);
    expect(owa([{ smape: null, mase: 1 }], rows).owa).toBeNull();
  });
});

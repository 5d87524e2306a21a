import { describe, expect, it } from 'vitest';
import { describeStep, fillGaps, regularize, stepTime } from './regularize.ts';
import { inferSeasonPeriods } from './season.ts';

const HOUR = 3_600_000_000;
const utc = (iso: string) => Date.parse(iso) * 1000;

describe('regularize', () => {
  it('keeps an already regular series as it is, with no warning', () => {
    const times = [0, 1, 2, 3].map((i) => i * HOUR);
    const result = regularize(times, [5, 6, 7, 8]);
    expect(result.step).toEqual({ kind: 'fixed', us: HOUR });
    expect(Array.from(result.y)).toEqual([5, 6, 7, 8]);
    expect(result.warnings).toEqual([]);
  });

  it('fills a missing hour by linear interpolation and says how many', () => {
    const times = [0, 1, 3, 4].map((i) => i * HOUR);
    const result = regularize(times, [10, 20, 40, 50]);
    expect(Array.from(result.y)).toEqual([10, 20, 30, 40, 50]);
    expect(Number.isNaN(result.observed[2]!)).toBe(true);
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_MISSING_FILLED']);
    expect(result.warnings[0]!.message).toContain('1 of 5 1h steps');
  });

  it('sorts the input, averages points that share a step and snaps off-grid points', () => {
    const times = [2 * HOUR, 0, HOUR + 60_000_000, HOUR, 3 * HOUR];
    const result = regularize(times, [30, 10, 24, 20, 40]);
    expect(Array.from(result.y)).toEqual([10, 22, 30, 40]);
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_IRREGULAR']);
  });

  it('treats non-finite values as missing', () => {
    const result = regularize([0, HOUR, 2 * HOUR], [1, Number.NaN, 3]);
    expect(Array.from(result.y)).toEqual([1, 2, 3]);
  });

  it('counts calendar months, so months of 28 to 31 days are one step each', () => {
    const times = ['2024-01-01', '2024-02-01', '2024-03-01', '2024-05-01'].map(utc);
    const result = regularize(times, [1, 2, 3, 5]);
    expect(result.step).toEqual({ kind: 'months', months: 1 });
    expect(Array.from(result.y)).toEqual([1, 2, 3, 4, 5]);
    expect(new Date(stepTime(result.start, result.step, 13) / 1000).toISOString()).toBe(
      '2025-02-01T00:00:00.000Z',
    );
    expect(describeStep(result.step)).toBe('1mo');
  });

  it('fills leading and trailing gaps with the nearest value', () => {
    const { y, filled } = fillGaps(Float64Array.from([Number.NaN, 2, Number.NaN, 4, Number.NaN]));
    expect(Array.from(y)).toEqual([2, 2, 3, 4, 4]);
    expect(filled).toBe(3);
  });
});

describe('inferSeasonPeriods', () => {
  it('gives the day and the week for hourly data long enough to show both twice', () => {
    expect(inferSeasonPeriods({ kind: 'fixed', us: HOUR }, 1000)).toEqual([24, 168]);
    expect(inferSeasonPeriods({ kind: 'fixed', us: HOUR }, 200)).toEqual([24]);
  });

  it('gives the week for daily data and adds the year only with three years of history', () => {
    expect(inferSeasonPeriods({ kind: 'fixed', us: 24 * HOUR }, 730)).toEqual([7]);
    expect(inferSeasonPeriods({ kind: 'fixed', us: 24 * HOUR }, 1100)).toEqual([7, 365]);
  });

  it('gives 12 for monthly and 4 for quarterly data, none for yearly', () => {
    expect(inferSeasonPeriods({ kind: 'months', months: 1 }, 48)).toEqual([12]);
    expect(inferSeasonPeriods({ kind: 'months', months: 3 }, 20)).toEqual([4]);
    expect(inferSeasonPeriods({ kind: 'months', months: 12 }, 50)).toEqual([]);
  });
});

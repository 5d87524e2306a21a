import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import reference from '../../../test/fixtures/scipy/classical.json' with { type: 'json' };
import { expectClose } from '../../../test/helpers/expect-close.ts';
import {
  chiSquareGoodnessOfFit,
  contingencyChiSquare,
  SRM_P_VALUE_THRESHOLD,
  srmTest,
} from './chi-square.ts';

describe('sample-ratio mismatch agrees with GrowthBook (GB-TS-01)', () => {
  const vector = golden<unknown, { users: number[]; weights: number[]; p: number }[]>('GB-TS-01');
  const tolerance = toleranceOf(vector);

  it('reads the vector tolerance as 9 decimal places', () => expect(tolerance).toBe(5e-10));

  it.each(vector.expected.map((c) => [JSON.stringify(c.users), JSON.stringify(c.weights), c]))(
    'users %s, weights %s',
    (_users, _weights, { users, weights, p }) => {
      const result = srmTest(users, weights);
      expect(Math.abs(result.pValue - p)).toBeLessThanOrEqual(tolerance);
      expect(result.mismatch).toBe(result.pValue < SRM_P_VALUE_THRESHOLD);
    },
  );

  it('warns below p = 0.001, as GrowthBook', () => {
    expect(SRM_P_VALUE_THRESHOLD).toBe(0.001);
    expect(srmTest([1000, 1200], [0.5, 0.5]).mismatch).toBe(true);
    expect(srmTest([500, 500, 600], [0.34, 0.33, 0.33]).mismatch).toBe(true);
    expect(srmTest([135, 115], [0.5, 0.5]).mismatch).toBe(false);
  });

  it('skips negative weights and counts without a weight, and says how many arms it tested', () => {
    expect(srmTest([1000, 1200, 900], [0.5, 0.5, -1])).toMatchObject({ arms: 2, df: 1 });
    expect(srmTest([1000], [0.5, 0.5])).toEqual({
      statistic: null,
      df: null,
      pValue: 1,
      mismatch: false,
      arms: 1,
    });
  });
});

describe('goodness of fit agrees with scipy.stats.chisquare', () => {
  it.each(reference.goodnessOfFit.map((c) => [JSON.stringify(c.observed), JSON.stringify(c.weights), c]))(
    'observed %s, weights %s',
    (_o, _w, expected) => {
      const result = chiSquareGoodnessOfFit(expected.observed, expected.weights ?? undefined);
      expectClose(result.statistic, expected.statistic);
      expectClose(result.pValue, expected.pValue);
      expect(result.df).toBe(expected.observed.length - 1);
    },
  );

  it('no observations: a coded warning, not NaN', () => {
    const result = chiSquareGoodnessOfFit([0, 0], [1, 1]);
    expect(result).toMatchObject({ statistic: null, pValue: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
  });

  it('rejects weights that are not positive, and mismatched lengths', () => {
    expect(() => chiSquareGoodnessOfFit([3, 4], [1, 0])).toThrow(RangeError);
    expect(() => chiSquareGoodnessOfFit([3, 4], [1])).toThrow(RangeError);
    expect(() => chiSquareGoodnessOfFit([3, -4])).toThrow(RangeError);
  });
});

describe('contingency tables agree with scipy.stats.chi2_contingency', () => {
  it.each(reference.contingency.map((c) => [JSON.stringify(c.table), c.correction, c]))(
    '%s, correction %s',
    (_t, _c, expected) => {
      const result = contingencyChiSquare(expected.table, { correction: expected.correction });
      expectClose(result.statistic, expected.statistic);
      expectClose(result.pValue, expected.pValue);
      expect(result.df).toBe(expected.df);
    },
  );

  it('Yates never moves a count past its expectation (a table that fits exactly stays at 0)', () => {
    const result = contingencyChiSquare([
      [10, 10],
      [10, 10],
    ]);
    expect(result.statistic).toBe(0);
    expect(result.pValue).toBe(1);
  });

  it('an empty row or column: coded warnings', () => {
    const emptyRow = contingencyChiSquare([
      [0, 0],
      [4, 6],
    ]);
    expect(emptyRow.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
    const emptyColumn = contingencyChiSquare([
      [0, 7],
      [0, 6],
    ]);
    expect(emptyColumn.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
    expect(emptyColumn.pValue).toBeNull();
  });
});

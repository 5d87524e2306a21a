import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import { compareMoments } from './effect.ts';
import { momentsFromProportion, momentsFromSums } from './moments.ts';

interface SumsInput {
  n: number;
  sum: number;
  sum_squares?: number;
}

interface Arms {
  control: SumsInput;
  treatment: SumsInput;
}

interface Expected {
  effect: number;
  ci: (number | string)[];
  se: number;
  p_value: number;
}

const arm = (input: SumsInput) =>
  input.sum_squares === undefined
    ? momentsFromProportion({ n: input.n, successes: input.sum })
    : momentsFromSums({ n: input.n, sum: input.sum, sumSquares: input.sum_squares });

function expectWithin(actual: number | null, expected: number | string, tolerance: number): void {
  if (expected === 'Infinity') {
    expect(actual).toBe(Number.POSITIVE_INFINITY);
    return;
  }
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - Number(expected))).toBeLessThanOrEqual(tolerance);
}

describe('Welch t-test agrees with GrowthBook', () => {
  it.each([
    ['GB-01', 'relative'],
    ['GB-02', 'absolute'],
    ['GB-03', 'relative'],
  ] as const)('%s (%s effect, two-sided)', (id, difference) => {
    const vector = golden<Arms, Expected>(id);
    const { inputs, expected } = vector;
    const tolerance = toleranceOf(vector);
    const result = compareMoments(arm(inputs.control), arm(inputs.treatment), { difference });
    expectWithin(result.effect, expected.effect, tolerance);
    expectWithin(result.se, expected.se, tolerance);
    expectWithin(result.ci![0], expected.ci[0]!, tolerance);
    expectWithin(result.ci![1], expected.ci[1]!, tolerance);
    expectWithin(result.pValue, expected.p_value, tolerance);
  });

  it.each(['relative', 'absolute'] as const)('GB-04: one-sided, treatment greater (%s)', (difference) => {
    const vector = golden('GB-04');
    const inputs = vector.inputs as { control: SumsInput; treatment: SumsInput };
    const expected = (
      vector.expected as Record<
        string,
        { effect: number; ci: (number | string)[]; se: number; p_value: number }
      >
    )[difference]!;
    const tolerance = toleranceOf(vector);
    const result = compareMoments(arm(inputs.control), arm(inputs.treatment), {
      difference,
      alternative: 'greater',
    });
    expectWithin(result.effect, expected.effect, tolerance);
    expectWithin(result.se, expected.se, tolerance);
    expectWithin(result.ci![0], expected.ci[0]!, tolerance);
    expectWithin(result.ci![1], expected.ci[1]!, tolerance);
    expectWithin(result.pValue, expected.p_value, tolerance);
  });
});

describe('degenerate input gives coded warnings, never NaN', () => {
  const some = { n: 10, mean: 1, variance: 2 };
  it('an arm with fewer than two units', () => {
    const result = compareMoments({ n: 1, mean: 3, variance: 0 }, some);
    expect(result).toMatchObject({ effect: null, pValue: null, ci: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
  });
  it('a relative effect over a zero control mean', () => {
    const result = compareMoments({ n: 10, mean: 0, variance: 1 }, some, { difference: 'relative' });
    expect(result.effect).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
  });
  it('no variance in either arm', () => {
    const result = compareMoments({ n: 10, mean: 1, variance: 0 }, { n: 12, mean: 2, variance: 0 });
    expect(result).toMatchObject({ effect: 1, se: 0, pValue: null, ci: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
  });
});

describe('GB-11: the frequentist half of the full-pipeline count metric', () => {
  it('gives GrowthBook’s p-value and interval for the relative effect', () => {
    const vector = golden<Arms, { effect: number; frequentist_p_value: number }>('GB-11');
    const also = vector.also_computed as { frequentist_ci: number[]; se: number };
    const tolerance = toleranceOf(vector);
    const { control, treatment } = vector.inputs;
    const result = compareMoments(arm(control), arm(treatment), { difference: 'relative' });
    expectWithin(result.effect, vector.expected.effect, tolerance);
    expectWithin(result.pValue, vector.expected.frequentist_p_value, tolerance);
    expectWithin(result.se, also.se, 1e-12);
    expectWithin(result.ci![0], also.frequentist_ci[0]!, 1e-12);
    expectWithin(result.ci![1], also.frequentist_ci[1]!, 1e-12);
  });
});

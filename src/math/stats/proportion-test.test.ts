import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/classical.json' with { type: 'json' };
import { expectClose } from '../../../test/helpers/expect-close.ts';
import { drawSuccesses } from '../../../test/helpers/simulated-arms.ts';
import { createRng } from '../random.ts';
import { normalQuantile } from './distributions.ts';
import { compareMoments } from './effect.ts';
import { momentsFromProportion } from './moments.ts';
import { proportionChiSquare, proportionZTest } from './proportion-test.ts';

const ALTERNATIVES = ['two-sided', 'greater', 'less'] as const;

describe('two-proportion z-test agrees with its textbook formulas (scripts/reference/classical.py)', () => {
  it.each(
    reference.proportion.map((c) => [
      c.control.successes,
      c.control.n,
      c.treatment.successes,
      c.treatment.n,
      c,
    ]),
  )('%d/%d against %d/%d', (_sc, _nc, _st, _nt, expected) => {
    for (const alternative of ALTERNATIVES) {
      const result = proportionZTest(expected.control, expected.treatment, { alternative });
      expect(result.warnings).toEqual([]);
      expectClose(result.effect, expected.effect);
      expectClose(result.statistic, expected.statistic);
      expectClose(result.se, expected.se);
      expectClose(result.pValue, expected.pValue[alternative]);
      expectClose(result.ci![0], expected.ci95[alternative][0]!);
      expectClose(result.ci![1], expected.ci95[alternative][1]!);
    }
  });

  it.each(
    reference.proportion.map((c) => [
      c.control.successes,
      c.control.n,
      c.treatment.successes,
      c.treatment.n,
      c,
    ]),
  )(
    'its two-sided p-value is the 2×2 chi-square without Yates (scipy chi2_contingency): %d/%d against %d/%d',
    (_sc, _nc, _st, _nt, expected) => {
      const z = proportionZTest(expected.control, expected.treatment);
      expectClose(z.statistic! ** 2, expected.chi2.statistic, 1e-12);
      expectClose(z.pValue, expected.chi2.pValue);
    },
  );

  it('hand-computed: 50/100 against 60/100', () => {
    // Pooled p̄ = 0.55: z² = 0.1²/(0.55·0.45·0.02) = 200/99. Unpooled se = √(0.0025 + 0.0024) = 0.07.
    const result = proportionZTest({ n: 100, successes: 50 }, { n: 100, successes: 60 });
    expectClose(result.statistic! ** 2, 200 / 99, 1e-14);
    expectClose(result.se, 0.07, 1e-14);
    expectClose(result.ci![0], 0.1 - 1.959963984540054 * 0.07, 1e-14);
    expect(result.controlRate).toBe(0.5);
    expect(result.treatmentRate).toBe(0.6);
  });

  it('a relative effect keeps the pooled p-value and takes the delta-method interval', () => {
    const control = { n: 1000, successes: 120 };
    const treatment = { n: 1000, successes: 150 };
    const absolute = proportionZTest(control, treatment);
    const relative = proportionZTest(control, treatment, { difference: 'relative' });
    expect(relative.pValue).toBe(absolute.pValue);
    expectClose(relative.effect, 0.25, 1e-14);
    const delta = compareMoments(momentsFromProportion(control), momentsFromProportion(treatment), {
      difference: 'relative',
      reference: 'normal',
    });
    expectClose(relative.ci![0], delta.ci![0], 1e-14);
    expectClose(relative.ci![1], delta.ci![1], 1e-14);
  });
});

describe('2×2 chi-square for conversions agrees with scipy chi2_contingency', () => {
  it.each(
    reference.proportion.map((c) => [
      c.control.successes,
      c.control.n,
      c.treatment.successes,
      c.treatment.n,
      c,
    ]),
  )('%d/%d against %d/%d, with and without Yates', (_sc, _nc, _st, _nt, expected) => {
    const plain = proportionChiSquare(expected.control, expected.treatment, { correction: false });
    expectClose(plain.statistic, expected.chi2.statistic);
    expectClose(plain.pValue, expected.chi2.pValue);
    const yates = proportionChiSquare(expected.control, expected.treatment);
    expect(yates.df).toBe(1);
    expectClose(yates.statistic, expected.chi2Yates.statistic);
    expectClose(yates.pValue, expected.chi2Yates.pValue);
  });
});

describe('degenerate counts give coded warnings, never NaN', () => {
  it('an arm with no units', () => {
    const result = proportionZTest({ n: 0, successes: 0 }, { n: 10, successes: 3 });
    expect(result).toMatchObject({ effect: null, pValue: null, ci: null, controlRate: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
  });
  it('nobody converted in either arm', () => {
    const result = proportionZTest({ n: 100, successes: 0 }, { n: 50, successes: 0 });
    expect(result).toMatchObject({ effect: 0, se: 0, pValue: null, ci: null, statistic: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
    expect(proportionChiSquare({ n: 100, successes: 0 }, { n: 50, successes: 0 }).warnings[0]!.code).toBe(
      'SL_STATS_ZERO_VARIANCE',
    );
  });
  it('0% against 100%: a p-value but no zero-width interval', () => {
    const result = proportionZTest({ n: 50, successes: 0 }, { n: 50, successes: 50 });
    expect(result.pValue).toBeGreaterThan(0);
    expect(result.pValue).toBeLessThan(1e-20);
    expect(result.ci).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
  });
  it('a relative effect over a zero control rate', () => {
    const result = proportionZTest(
      { n: 50, successes: 0 },
      { n: 50, successes: 5 },
      { difference: 'relative' },
    );
    expect(result.effect).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
  });
  it('impossible counts are a programming error', () => {
    expect(() => proportionZTest({ n: 10, successes: 11 }, { n: 10, successes: 1 })).toThrow(RangeError);
    expect(() => proportionZTest({ n: 10, successes: 1.5 }, { n: 10, successes: 1 })).toThrow(RangeError);
  });
});

/**
 * Seeded simulations. The z-test is a test of proportions, so its data are binary: a 10% rate and a 2%
 * rate (the skewed case: 60 expected conversions per arm, where the Wald interval starts to strain).
 * Bounds: A/A false-positive rate within [0.044, 0.056] over 20,000 draws; 95% coverage within
 * [0.94, 0.96] over 10,000 draws.
 */
describe('simulation: the z-test is calibrated', () => {
  it('A/A false-positive rate at a 10% rate, 1000 per arm', () => {
    const rng = createRng(303);
    const draws = 20_000;
    let rejected = 0;
    for (let d = 0; d < draws; d++) {
      const control = { n: 1000, successes: drawSuccesses(rng, 1000, 0.1) };
      const treatment = { n: 1000, successes: drawSuccesses(rng, 1000, 0.1) };
      if (proportionZTest(control, treatment).pValue! < 0.05) rejected++;
    }
    expect(rejected / draws).toBeGreaterThanOrEqual(0.044);
    expect(rejected / draws).toBeLessThanOrEqual(0.056);
  });

  it.each([
    [0.1, 0.12, 2000],
    [0.02, 0.025, 3000],
  ])('coverage of the 0.95 Wald interval: %d against %d, %d per arm', (pc, pt, n) => {
    const rng = createRng(404);
    const draws = 10_000;
    let covered = 0;
    for (let d = 0; d < draws; d++) {
      const result = proportionZTest(
        { n, successes: drawSuccesses(rng, n, pc) },
        { n, successes: drawSuccesses(rng, n, pt) },
      );
      if (result.ci![0] <= pt - pc && pt - pc <= result.ci![1]) covered++;
    }
    expect(covered / draws).toBeGreaterThanOrEqual(0.94);
    expect(covered / draws).toBeLessThanOrEqual(0.96);
  });

  it('the Wald interval uses the normal quantile', () => {
    const result = proportionZTest({ n: 400, successes: 40 }, { n: 400, successes: 60 }, { alpha: 0.1 });
    expectClose(result.ci![1] - result.effect!, normalQuantile(0.95) * result.se!, 1e-14);
  });
});

import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import reference from '../../../test/fixtures/scipy/multiple-testing.json' with { type: 'json' };
import { isSightlineError } from '../../errors/index.ts';
import { createRng } from '../random.ts';
import {
  adjustedInterval,
  adjustPValues,
  type Correction,
  correctPValues,
  correctPValueTable,
} from './multiple-testing.ts';

const vector = golden<
  { holm_bonferroni: number[]; benjamini_hochberg: number[]; two_metric_family: number[] },
  {
    holm_bonferroni_by_input_index: number[];
    benjamini_hochberg_by_input_index: number[];
    two_metric_family: { holm: number[]; bh: number[] };
    adjusted_ci: Record<string, number[]>;
  }
>('GB-TS-02');
const tolerance = toleranceOf(vector);

function expectAll(actual: readonly (number | null)[], expected: readonly number[], tol = tolerance): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a! - expected[i]!)).toBeLessThanOrEqual(tol);
  });
}

describe('adjusted p-values agree with GrowthBook (GB-TS-02), in input order', () => {
  it('Holm-Bonferroni', () => {
    expectAll(
      adjustPValues(vector.inputs.holm_bonferroni, 'holm'),
      vector.expected.holm_bonferroni_by_input_index,
    );
  });
  it('Benjamini-Hochberg, with a tie', () => {
    expectAll(
      adjustPValues(vector.inputs.benjamini_hochberg, 'benjamini-hochberg'),
      vector.expected.benjamini_hochberg_by_input_index,
    );
  });
  it('a family of two metrics', () => {
    expectAll(adjustPValues(vector.inputs.two_metric_family, 'holm'), vector.expected.two_metric_family.holm);
    expectAll(
      adjustPValues(vector.inputs.two_metric_family, 'benjamini-hochberg'),
      vector.expected.two_metric_family.bh,
    );
  });
  it('adjusted intervals', () => {
    for (const [label, expected] of Object.entries(vector.expected.adjusted_ci)) {
      const [, p, lift, alpha] = /p_adj=([0-9.]+), lift=([0-9.]+), alpha=([0-9.]+)/.exec(label)!;
      expectAll(adjustedInterval(Number(lift), Number(p), Number(alpha))!, expected);
    }
  });
});

describe('Benjamini-Hochberg agrees with scipy.stats.false_discovery_control', () => {
  it.each(reference.benjaminiHochberg.map((c) => [c.p.length, c] as const))('%i p-values', (_, { p, bh }) => {
    expectAll(adjustPValues(p, 'benjamini-hochberg'), bh, 1e-15);
  });
});

/** The step procedures as the papers state them, for a given level: which hypotheses they reject. */
function holmRejects(p: readonly number[], alpha: number): boolean[] {
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const rejected = p.map(() => false);
  for (let k = 0; k < order.length; k++) {
    if (p[order[k]!]! > alpha / (p.length - k)) break;
    rejected[order[k]!] = true;
  }
  return rejected;
}

function bhRejects(p: readonly number[], alpha: number): boolean[] {
  const sorted = p.slice().sort((a, b) => a - b);
  let threshold = -1;
  sorted.forEach((value, k) => {
    if (value <= ((k + 1) * alpha) / p.length) threshold = value;
  });
  return p.map((value) => value <= threshold);
}

describe('the adjusted p-values reproduce the step procedures at every level', () => {
  const rng = createRng(7);
  const families = Array.from({ length: 60 }, () =>
    // Rounded to two decimals so that ties are common.
    Array.from(
      { length: rng.int(1, 15) },
      () => Math.round((rng.next() < 0.3 ? rng.next() * 0.05 : rng.next()) * 100) / 100,
    ),
  );
  const levels = [0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];
  it('Holm (step-down)', () => {
    for (const p of families)
      for (const alpha of levels)
        expect(correctPValues(p, 'holm', alpha).rejected).toEqual(holmRejects(p, alpha));
  });
  it('Benjamini-Hochberg (step-up)', () => {
    for (const p of families)
      for (const alpha of levels)
        expect(correctPValues(p, 'benjamini-hochberg', alpha).rejected).toEqual(bhRejects(p, alpha));
  });
  it('Bonferroni rejects p ≤ alpha/m', () => {
    for (const p of families)
      for (const alpha of levels)
        expect(correctPValues(p, 'bonferroni', alpha).rejected).toEqual(p.map((v) => v <= alpha / p.length));
  });

  it.each(['bonferroni', 'holm', 'benjamini-hochberg'] as const)(
    '%s: monotone in the raw p-values, capped at 1, never below the raw value, ties equal, order-free',
    (method: Correction) => {
      for (const p of families) {
        const adjusted = adjustPValues(p, method) as number[];
        p.forEach((pi, i) => {
          expect(adjusted[i]!).toBeLessThanOrEqual(1);
          expect(adjusted[i]!).toBeGreaterThanOrEqual(pi);
          p.forEach((pj, j) => {
            if (pi < pj) expect(adjusted[i]!).toBeLessThanOrEqual(adjusted[j]!);
            if (pi === pj) expect(adjusted[i]).toBe(adjusted[j]);
          });
        });
        const reversed = adjustPValues(p.slice().reverse(), method);
        expect(reversed.reverse()).toEqual(adjusted);
      }
    },
  );

  it('Holm is never larger than Bonferroni, and Benjamini-Hochberg never larger than Holm', () => {
    for (const p of families) {
      const bonferroni = adjustPValues(p, 'bonferroni');
      const holm = adjustPValues(p, 'holm');
      const bh = adjustPValues(p, 'benjamini-hochberg');
      p.forEach((_, i) => {
        expect(holm[i]!).toBeLessThanOrEqual(bonferroni[i]!);
        expect(bh[i]!).toBeLessThanOrEqual(holm[i]! + 1e-15);
      });
    }
  });
});

describe('families across metrics × variants', () => {
  it('a table is corrected as one family and keeps its shape', () => {
    const table = [[0.01, 0.04], [0.03, 0.005, 0.55], [0.6]];
    const { adjusted, rejected } = correctPValueTable(table, 'holm');
    expect(adjusted.map((r) => r.length)).toEqual([2, 3, 1]);
    expectAll(adjusted.flat(), adjustPValues(table.flat(), 'holm') as number[]);
    expect(rejected).toEqual([[true, false], [false, true, false], [false]]);
  });

  it('missing p-values stay null and do not count in m', () => {
    expect(adjustPValues([0.01, null, 0.02], 'bonferroni')).toEqual([0.02, null, 0.04]);
    expect(correctPValues([null, 0.2], 'holm').rejected).toEqual([null, false]);
    expect(adjustPValues([], 'benjamini-hochberg')).toEqual([]);
  });

  it('none leaves the p-values as they are', () => {
    expect(adjustPValues([0.3, 0.01], 'none')).toEqual([0.3, 0.01]);
  });

  it('rejects p-values outside [0, 1], an unknown method and a bad alpha with a coded error', () => {
    const calls = [
      () => adjustPValues([0.2, 1.5], 'holm'),
      () => adjustPValues([Number.NaN], 'bonferroni'),
      () => adjustPValues([0.2], 'sidak' as Correction),
      () => correctPValues([0.2], 'holm', 0),
    ];
    for (const call of calls) {
      try {
        call();
        expect.unreachable();
      } catch (error) {
        expect(isSightlineError(error) && error.code).toBe('SL_STATS_INPUT_INVALID');
      }
    }
  });
});

describe('adjusted intervals', () => {
  it('exclude 0 exactly when the adjusted p-value is below alpha', () => {
    for (const p of [0.001, 0.02, 0.049, 0.051, 0.3]) {
      const [lo] = adjustedInterval(0.1, p, 0.05)!;
      expect(lo > 0).toBe(p < 0.05);
    }
  });
  it('have no bounds at p̃ = 1 or a zero effect, and never narrow the unadjusted interval', () => {
    expect(adjustedInterval(0.1, 1)).toBeNull();
    expect(adjustedInterval(0, 0.5)).toBeNull();
    expect(adjustedInterval(0.1, 0.5, 0.05, [-1, 1])).toEqual([-1, 1]);
    const own = adjustedInterval(0.1, 0.5, 0.05, [0.09, 0.11])!;
    expect(own[1] - own[0]).toBeGreaterThan(0.02);
  });
});

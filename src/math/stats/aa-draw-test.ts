/**
 * How one A/A draw is tested (aa-simulation.ts makes the draws): Welch from sums and sums of squares in
 * one pass, the proportion z-test from counts, or Mann-Whitney on reused sorted buffers, with nothing
 * allocated per draw.
 */
import type { AaTest } from './aa-simulation.ts';
import { compareMoments } from './effect.ts';
import { mannWhitneySorted } from './mann-whitney.ts';
import { momentsFromSums } from './moments.ts';
import { proportionZTest } from './proportion-test.ts';
import type { StatWarning } from './result.ts';

/**
 * Tests one draw: the selected users are `a[aFrom .. aFrom + n)` and `b[bFrom .. bFrom + n)` (indices
 * into the values). Returns the p-value, or NaN when the draw has none (the reason goes to `warn`).
 */
export type DrawTest = (a: Int32Array, aFrom: number, b: Int32Array, bFrom: number, n: number) => number;

/**
 * The per-draw test, with the buffers it reuses allocated once. `users` hold every index a draw can pick
 * (the pool, or groups 1 and 2).
 */
export function drawTest(
  test: AaTest,
  values: Float64Array,
  users: readonly [Int32Array, Int32Array | null],
  n: number,
  alpha: number,
  warn: (warning: StatWarning) => void,
): DrawTest {
  if (test === 'welch') {
    // Centre on the pool value nearest the mean: as good as the mean against cancellation, and for
    // integer metrics (counts, conversions) it keeps every sum an exact integer, so draws with equal
    // sums give exactly equal p-values (which `discreteness` counts) and p = 1 exactly at no difference.
    let total = 0;
    let count = 0;
    for (const list of users) {
      if (!list) continue;
      for (let i = 0; i < list.length; i++) total += values[list[i]!]!;
      count += list.length;
    }
    const mean = total / count;
    let centre = values[users[0][0]!]!;
    for (const list of users) {
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        const v = values[list[i]!]!;
        if (Math.abs(v - mean) < Math.abs(centre - mean)) centre = v;
      }
    }
    const centred = new Float64Array(values.length);
    for (const list of users) {
      if (!list) continue;
      for (let i = 0; i < list.length; i++) centred[list[i]!] = values[list[i]!]! - centre;
    }
    return (a, aFrom, b, bFrom, size) => {
      let s1 = 0;
      let q1 = 0;
      let s2 = 0;
      let q2 = 0;
      for (let i = 0; i < size; i++) {
        const x = centred[a[aFrom + i]!]!;
        s1 += x;
        q1 += x * x;
        const y = centred[b[bFrom + i]!]!;
        s2 += y;
        q2 += y * y;
      }
      const result = compareMoments(
        momentsFromSums({ n: size, sum: s1, sumSquares: q1 }),
        momentsFromSums({ n: size, sum: s2, sumSquares: q2 }),
        { alpha },
      );
      if (result.pValue === null) {
        warn(result.warnings[0]!);
        return Number.NaN;
      }
      return result.pValue;
    };
  }
  if (test === 'proportion') {
    return (a, aFrom, b, bFrom, size) => {
      let x1 = 0;
      let x2 = 0;
      for (let i = 0; i < size; i++) {
        x1 += values[a[aFrom + i]!]!;
        x2 += values[b[bFrom + i]!]!;
      }
      const result = proportionZTest({ n: size, successes: x1 }, { n: size, successes: x2 }, { alpha });
      if (result.pValue === null) {
        warn(result.warnings[0]!);
        return Number.NaN;
      }
      return result.pValue;
    };
  }
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  return (a, aFrom, b, bFrom, size) => {
    for (let i = 0; i < size; i++) {
      xs[i] = values[a[aFrom + i]!]!;
      ys[i] = values[b[bFrom + i]!]!;
    }
    xs.sort();
    ys.sort();
    const result = mannWhitneySorted(xs, ys);
    if (result.pValue === null) {
      warn(result.warnings[0]!);
      return Number.NaN;
    }
    return result.pValue;
  };
}

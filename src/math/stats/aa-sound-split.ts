/**
 * What a sound real split gives when an A/A simulation draws from it: every draw shares the split's own
 * chance difference, so its draws are judged against this, not as if they were independent (the verdict
 * is aa-verdict.ts; the draws aa-simulation.ts).
 */
import type { AaTest } from './aa-simulation.ts';
import { normalCdf, normalQuantile } from './distributions.ts';
import { compareMoments } from './effect.ts';
import { mannWhitney } from './mann-whitney.ts';
import { momentsOf } from './moments.ts';
import { proportionZTest } from './proportion-test.ts';
import type { Interval } from './result.ts';

/**
 * The false-positive rate a sound real split gives when a draw takes a fraction f of each group and the
 * groups happen to have equal means: 2Φ(−z₁₋α/₂/√(1 − f)).
 *
 * Why: every draw from one realised split shares that split's chance difference between its groups (a
 * shift of about √f standard errors), and draws without replacement from a finite group vary less than
 * independent samples (the finite-population factor 1 − f). So a draw's statistic is N(δ, 1 − f) with δ
 * the split's own chance difference in standard errors, not N(0, 1): at f = 0.1 the rate is 0.039 at δ = 0
 * and about 0.05 at δ = ±0.32 (one standard deviation of δ). Averaged over splits it is α, but an A/A
 * run judges one split, so f must be small for the verdict to mean anything: at f = 0.02 the rate at
 * δ = 0 is 0.0477, inside the interval 10,000 draws give. The one-pool mode has no such bias, as every
 * draw is a fresh random split.
 */
export function splitFprWithoutDifference(fraction: number, alpha: number): number {
  return drawRejectionRate(alpha, { fraction, shift: 0 });
}

/**
 * How a sound real split behaves under repeated draws of n users from its groups of N₁ and N₂ users.
 * Every draw shares the split's own chance difference between its groups: in units of a draw's standard
 * error it is δ = z·√f, where z is the same test's statistic on the whole groups and f = (n/N₁ + n/N₂)/2
 * (the variance of a draw's difference relative to the groups' is 1/f). Given δ, a draw's statistic is
 * about N(δ, 1 − f) (the finite-population factor of drawing without replacement). So a sound split's
 * p-values are not uniform: they follow {@link splitPValueCdf}; and over sound splits δ ~ N(0, f).
 * `fullSplitPValue` is the two-sided p-value of the test on the whole groups (null: no shift).
 */
export interface SoundSplit {
  /** f, the average share of a group one draw takes. */
  readonly fraction: number;
  /** |δ|, the split's own difference in units of a draw's standard error. */
  readonly shift: number;
}

export function soundSplit(
  n: number,
  sizes: readonly [number, number],
  fullSplitPValue: number | null,
): SoundSplit {
  const fraction = (n / sizes[0] + n / sizes[1]) / 2;
  const z = fullSplitPValue === null ? 0 : normalQuantile(1 - Math.max(fullSplitPValue, 1e-300) / 2);
  return { fraction, shift: z * Math.sqrt(fraction) };
}

/** P(p < α) for a draw whose statistic is N(shift, 1 − fraction): Φ((−z − δ)/s) + Φ((−z + δ)/s). */
export function drawRejectionRate(alpha: number, { fraction, shift }: SoundSplit): number {
  const z = normalQuantile(1 - alpha / 2);
  const s = Math.sqrt(Math.max(0, 1 - fraction));
  // A draw of whole groups (f = 1) is the same every time: it rejects or it does not.
  if (s === 0) return Math.abs(shift) > z ? 1 : 0;
  return normalCdf((-z - shift) / s) + normalCdf((-z + shift) / s);
}

/**
 * The false-positive rates a sound split gives: from a split whose groups happen to be equal (δ = 0) to
 * one whose chance difference is at the edge of its 95% range (|δ| = 1.96·√f). With one pool (f = 0) it
 * is [α, α].
 */
export function soundSplitFprBand(alpha: number, fraction: number): Interval {
  const edge = normalQuantile(0.975) * Math.sqrt(fraction);
  return [
    drawRejectionRate(alpha, { fraction, shift: 0 }),
    drawRejectionRate(alpha, { fraction, shift: edge }),
  ];
}

/** P(p ≤ u) for the draws of a sound split (see {@link SoundSplit}); u itself when fraction = 0. */
export function splitPValueCdf(u: number, split: SoundSplit): number {
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return drawRejectionRate(u, split);
}

/** The test's two-sided p-value on the whole of groups 1 and 2 (null when it has none). */
export function fullSplitPValue(
  test: AaTest,
  values: Float64Array,
  a: Int32Array,
  b: Int32Array,
): number | null {
  const first = Float64Array.from(a, (i) => values[i]!);
  const second = Float64Array.from(b, (i) => values[i]!);
  if (test === 'mann-whitney') return mannWhitney(first, second).pValue;
  if (test === 'proportion') {
    const successes = (xs: Float64Array) => xs.reduce((sum, x) => sum + x, 0);
    return proportionZTest(
      { n: first.length, successes: successes(first) },
      { n: second.length, successes: successes(second) },
    ).pValue;
  }
  return compareMoments(momentsOf(first), momentsOf(second)).pValue;
}

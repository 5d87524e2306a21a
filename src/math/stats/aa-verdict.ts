/**
 * How an A/A simulation's p-values are judged (aa-simulation.ts runs the draws): the false-positive rate
 * with its Wilson interval, the histogram, the largest group of tied p-values, and the verdict rule
 * (what a sound split gives to judge against is aa-sound-split.ts).
 */
import { normalQuantile } from './distributions.ts';
import type { Interval } from './result.ts';

/** The verdict on the split: every condition must hold. See {@link aaVerdict}. */
export interface AaVerdict {
  readonly ok: boolean;
  /**
   * The same test on the whole of both groups does not reject at 0.05: the split's own difference is
   * within chance. Always true when both arms come from one pool.
   */
  readonly groupsAlike: boolean;
  /**
   * The 95% Wilson interval of the false-positive rate meets the band of rates a sound split gives
   * ({@link soundSplitFprBand}; just α when both arms come from one pool).
   */
  readonly fprAsExpected: boolean;
  /**
   * The KS test does not reject (p ≥ 0.05) the p-value distribution a sound split gives: uniform for one
   * pool, {@link splitPValueCdf} for a real split.
   */
  readonly pValuesAsExpected: boolean;
  /** One line per failed condition (or why the verdict could not be reached); empty when ok. */
  readonly reasons: readonly string[];
}

/** The largest group of draws that share one p-value: a sign of a discrete metric (see {@link discreteness}). */
export interface AaTies {
  readonly pValue: number;
  readonly draws: number;
  /** True when the group holds at least {@link AA_DISCRETE_SHARE} of the tested draws. */
  readonly discrete: boolean;
}

export const AA_HISTOGRAM_BINS = 20;
/** The verdict's threshold for the KS p-value. */
export const AA_KS_THRESHOLD = 0.05;
/** The verdict's threshold for the p-value of the test on the whole of both groups. */
export const AA_SPLIT_THRESHOLD = 0.05;
/**
 * The largest share of the smaller group one draw may take from a real split before the result warns
 * (SL_AA_LARGE_SAMPLE_FRACTION); see {@link splitFprWithoutDifference}.
 */
export const AA_MAX_SAMPLE_FRACTION = 0.02;
/** The share of draws with one p-value from which the p-values count as discrete. */
export const AA_DISCRETE_SHARE = 0.01;

/**
 * The Wilson score interval of a binomial proportion (Wilson 1927): centre (x + z²/2)/(n + z²), half
 * width z/(n + z²)·√(x(n − x)/n + z²/4) with z the normal quantile at 1 − (1 − confidence)/2. Unlike the
 * Wald interval it stays inside [0, 1] and keeps its coverage near 0 and 1. Null for n = 0.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval | null {
  if (n <= 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const centre = (successes + z2 / 2) / (n + z2);
  const half = (z / (n + z2)) * Math.sqrt((successes * (n - successes)) / n + z2 / 4);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * The rule for the split, three conditions:
 * - the groups are alike: the test on the whole of both groups gives p ≥ 0.05 (`fullSplitPValue`; null
 *   for one pool, where it holds);
 * - the 95% Wilson interval of the false-positive rate meets `expected`, the band of rates a sound split
 *   gives at this sample (see {@link soundSplitFprBand}): more false positives than that means the test
 *   is miscalibrated on this metric;
 * - the KS test of the p-values against the distribution a sound split with this split's own difference
 *   gives (see {@link splitPValueCdf}) has p ≥ 0.05.
 * Each alone fails a sound split about 5% of the time (the second less), so a failure is a reason to
 * rerun with another seed and to look, not proof of a broken split. Judging the draws against U(0, 1)
 * instead, as if they were independent, fails a sound split far more often: every draw shares the split's
 * own chance difference. `discrete` (see {@link discreteness}) only adds an explanation to a failed KS
 * condition; it does not change the rule.
 */
export function aaVerdict(
  fprInterval: Interval | null,
  expected: Interval,
  ksPValue: number | null,
  fullSplitPValue: number | null,
  discrete = false,
): AaVerdict {
  if (fprInterval === null || ksPValue === null) {
    return {
      ok: false,
      groupsAlike: false,
      fprAsExpected: false,
      pValuesAsExpected: false,
      reasons: ['no draw gave a p-value (the metric has no variance), so the split cannot be judged'],
    };
  }
  const [lo, hi] = fprInterval;
  const [expectedLo, expectedHi] = expected;
  const fprAsExpected = lo <= expectedHi && expectedLo <= hi;
  const pValuesAsExpected = ksPValue >= AA_KS_THRESHOLD;
  const groupsAlike = fullSplitPValue === null || fullSplitPValue >= AA_SPLIT_THRESHOLD;
  const reasons: string[] = [];
  if (!groupsAlike)
    reasons.push(
      `the two groups differ beyond chance: the test on all their users gives p = ${fullSplitPValue!.toPrecision(3)} < ${AA_SPLIT_THRESHOLD}`,
    );
  if (!fprAsExpected)
    reasons.push(
      expectedLo === expectedHi
        ? `the false-positive rate's 95% interval [${fmt(lo)}, ${fmt(hi)}] does not contain α = ${expectedLo}`
        : `the false-positive rate's 95% interval [${fmt(lo)}, ${fmt(hi)}] misses [${fmt(expectedLo)}, ${fmt(expectedHi)}], the rates a sound split gives at this sample`,
    );
  if (!pValuesAsExpected)
    reasons.push(
      `the p-values do not follow the distribution a sound split gives (KS p = ${ksPValue.toPrecision(3)} < ${AA_KS_THRESHOLD})${
        discrete
          ? ', which a discrete metric causes by itself at this sample size (see SL_AA_DISCRETE_PVALUES)'
          : ''
      }`,
    );
  return {
    ok: groupsAlike && fprAsExpected && pValuesAsExpected,
    groupsAlike,
    fprAsExpected,
    pValuesAsExpected,
    reasons,
  };
}

const fmt = (x: number) => x.toFixed(4);

/**
 * The most repeated p-value among the draws. A continuous metric gives distinct p-values; a discrete one
 * (conversions, small counts) at a small N gives atoms: with 500 users per arm and a 10% rate, 4% of the
 * draws have equal successes in both arms and p = 1 exactly. An asymptotic test's p-values are then not
 * uniform: between atoms P(p ≤ u) runs above u by about φ(z)/σ_d (σ_d the standard deviation of the
 * difference in counts, the continuity offset a continuity correction would remove), which is as large
 * as the atom at p = 1 and far above the KS test's resolution at 10,000 draws (1.36/√K ≈ 0.014). So a
 * split can be sound and still fail the KS condition on such a metric; the result says so with
 * SL_AA_DISCRETE_PVALUES. Flagged when one p-value holds at least {@link AA_DISCRETE_SHARE} of the draws.
 */
export function discreteness(pValues: Float64Array): AaTies | null {
  if (pValues.length === 0) return null;
  const sorted = Float64Array.from(pValues).sort();
  let best = sorted[0]!;
  let bestRun = 1;
  let run = 1;
  for (let i = 1; i < sorted.length; i++) {
    run = sorted[i] === sorted[i - 1] ? run + 1 : 1;
    if (run > bestRun) {
      bestRun = run;
      best = sorted[i]!;
    }
  }
  return { pValue: best, draws: bestRun, discrete: bestRun >= AA_DISCRETE_SHARE * pValues.length };
}

/** Counts of values in `bins` equal bins of [0, 1]; a value of exactly 1 falls in the last bin. */
export function pValueHistogram(pValues: ArrayLike<number>, bins = AA_HISTOGRAM_BINS): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < pValues.length; i++) {
    const bin = Math.min(bins - 1, Math.floor(pValues[i]! * bins));
    counts[bin]!++;
  }
  return counts;
}

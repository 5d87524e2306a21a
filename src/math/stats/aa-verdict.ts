/**
 * How an A/A simulation's p-values are judged (aa-simulation.ts runs the draws): the false-positive rate
 * with its Wilson interval, the histogram, the largest group of tied p-values, the verdict rule, and the
 * false-positive rate a sound real split gives when each draw takes a large share of its groups.
 */
import { normalCdf, normalQuantile } from './distributions.ts';
import type { Interval } from './result.ts';

/** The verdict on the split: both conditions must hold. See {@link aaVerdict}. */
export interface AaVerdict {
  readonly ok: boolean;
  /** The 95% Wilson interval of the false-positive rate contains α. */
  readonly fprContainsAlpha: boolean;
  /** The KS test does not reject uniform p-values at 0.05 (p ≥ 0.05). */
  readonly pValuesUniform: boolean;
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
 * The rule for the split: OK when the 95% Wilson interval of the false-positive rate contains α (bounds
 * included) and the KS test of the p-values against U(0, 1) gives p ≥ 0.05. Each condition alone fails a
 * valid split about 5% of the time, so a valid split fails the verdict about 10% of the time at a fresh
 * seed: a failure is a reason to rerun with another seed and to look, not proof of a broken split; a split
 * that fails at several seeds is broken. `discrete` (see {@link discreteness}) only adds an explanation to
 * a failed KS condition; it does not change the rule.
 */
export function aaVerdict(
  fprInterval: Interval | null,
  alpha: number,
  ksPValue: number | null,
  discrete = false,
): AaVerdict {
  if (fprInterval === null || ksPValue === null) {
    return {
      ok: false,
      fprContainsAlpha: false,
      pValuesUniform: false,
      reasons: ['no draw gave a p-value (the metric has no variance), so the split cannot be judged'],
    };
  }
  const [lo, hi] = fprInterval;
  const fprContainsAlpha = lo <= alpha && alpha <= hi;
  const pValuesUniform = ksPValue >= AA_KS_THRESHOLD;
  const reasons: string[] = [];
  if (!fprContainsAlpha)
    reasons.push(
      `the false-positive rate's 95% interval [${fmt(lo)}, ${fmt(hi)}] does not contain α = ${alpha}`,
    );
  if (!pValuesUniform)
    reasons.push(
      `the p-values are not uniform (KS p = ${ksPValue.toPrecision(3)} < ${AA_KS_THRESHOLD})${
        discrete
          ? ', which a discrete metric causes by itself at this sample size (see SL_AA_DISCRETE_PVALUES)'
          : ''
      }`,
    );
  return { ok: fprContainsAlpha && pValuesUniform, fprContainsAlpha, pValuesUniform, reasons };
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
  return 2 * normalCdf(-normalQuantile(1 - alpha / 2) / Math.sqrt(1 - fraction));
}

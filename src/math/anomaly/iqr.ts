/**
 * The IQR rule (Tukey's fences, Tukey 1977): a point is normal inside [Q1 − k·IQR, Q3 + k·IQR], the
 * quartiles taken over the previous `window` points. Tukey's k = 1.5 flags 0.7% of normal data; here k is
 * set so the fences are the normal band at the sensitivity's alpha, which puts this rule on the same
 * scale as every other detector. For a normal distribution Q1,3 = μ ∓ 0.6745σ and IQR = 1.349σ, so the
 * fence Q3 + k·IQR equals μ + z·σ when k = (z − 0.6745) / 1.349 (2.77 at the default alpha 1e-5, where
 * z = 4.42). Written around the midhinge m = (Q1 + Q3)/2 and σ̂ = IQR/1.349, the fences are exactly
 * m ± z·σ̂, so the rule is a z-score with robust location and scale: p = P(|Z| ≥ |x − m|/σ̂). Quartiles of
 * a finite window are themselves uncertain, so the deviation is read as a t (see `createIqrDetector`),
 * which widens k a little for a window of n points: 3.07 at n = 96, 2.87 at n = 1,000.
 */
import { ROBUST_SCALE_EFFICIENCY } from './mad.ts';
import { RollingQuantiles } from './rolling.ts';
import { flagScore, normalBandZ } from './score.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';
import { noExpectation, resolveLearning, resolveWindow, zToT, zVerdict } from './zscore.ts';

export interface IqrOptions extends DetectorOptions {
  /** Points in the rolling window; default `defaultWindow(stepMs)` (one day of points, 28 for daily). */
  readonly window?: number;
}

/** 2·Φ⁻¹(0.75): the IQR of a normal distribution in units of σ. */
export const IQR_PER_SIGMA = 1.3489795003921634;

/** Fewest points in the window for quartiles worth judging by. */
const MIN_POINTS = 5;

/**
 * Tukey's k that makes the fences [Q1 − k·IQR, Q3 + k·IQR] the band at `sensitivity` for quartiles of a
 * window of `n` points (the normal band when n is ∞), as `createIqrDetector` draws it.
 */
export function tukeyK(sensitivity?: number, n: number = Number.POSITIVE_INFINITY): number {
  const half = predictiveFactor(n) * zToT(normalBandZ(sensitivity), ROBUST_SCALE_EFFICIENCY * (n - 1));
  return (half - IQR_PER_SIGMA / 2) / IQR_PER_SIGMA;
}

/**
 * √(1 + 1.238/n): 1.238σ²/n is the variance of the midhinge of n normal points (from the quartiles'
 * asymptotic covariance), so scale × this factor is the scale of a new point's deviation from it.
 */
function predictiveFactor(n: number): number {
  return Math.sqrt(1 + 1.238 / n);
}

/**
 * A rolling IQR-rule detector over the previous `window` finite values (type-7 quartiles, R's default):
 * expected = the midhinge (Q1 + Q3)/2, band [Q1 − k·IQR, Q3 + k·IQR] with k = `tukeyK(sensitivity, n)`:
 * t = (x − midhinge)/(IQR/1.349 · √(1 + 1.238/n)) is read as Student's t with 0.3675·(n − 1) degrees of
 * freedom (see `ROBUST_SCALE_EFFICIENCY`, `zVerdict`) and scored by the two-sided normal tail of its
 * equivalent. When the IQR is 0 (more than half the window
 * is one value) the scale falls back to the window's sd, as the MAD rule does (see `robustSigma`), and a
 * flat window makes any other value maximally surprising. Learns `learningPoints` (default:
 * the window) finite values before scoring, and needs at least five.
 */
export function createIqrDetector(options: IqrOptions): StreamingDetector {
  const window = resolveWindow(options.window, options.stepMs);
  const learning = resolveLearning(options.learningPoints, window);
  const zBand = normalBandZ(options.sensitivity);
  const flagAt = flagScore(options.sensitivity);
  const q = new RollingQuantiles(window);
  let learnt = 0;
  return {
    name: `iqr(window=${window},k=${tukeyK(options.sensitivity, window).toFixed(2)},learning=${learning})`,
    update(_t: number, value: number): Verdict {
      let verdict = noExpectation();
      if (q.count >= MIN_POINTS && learnt >= learning) {
        const q1 = q.quantile(0.25);
        const q3 = q.quantile(0.75);
        const iqr = q3 - q1;
        const n = q.count;
        const df = ROBUST_SCALE_EFFICIENCY * (n - 1);
        const predictive = predictiveFactor(n);
        verdict =
          iqr > 0
            ? zVerdict(value, (q1 + q3) / 2, (iqr / IQR_PER_SIGMA) * predictive, df, zBand, flagAt)
            : zVerdict(value, q1, q.sd() * predictive, df, zBand, flagAt);
      }
      if (Number.isFinite(value)) {
        q.push(value);
        learnt++;
      }
      return verdict;
    },
  };
}

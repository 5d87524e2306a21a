/**
 * The median/MAD rule (Hampel's identifier, the "robust z-score" of Iglewicz & Hoaglin 1993): a point
 * is judged against the median of the previous `window` points, with the median absolute deviation
 * scaled by 1.4826 (= 1 / Φ⁻¹(3/4), which makes it estimate σ for normal data) as the spread. Unlike the
 * mean and sd, neither moves when up to half the window is outliers, so a burst of anomalies does not
 * mask itself; a level shift becomes the new normal once it fills half the window.
 */
import { RollingQuantiles } from './rolling.ts';
import { flagScore, normalBandZ } from './score.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';
import { noExpectation, resolveLearning, resolveWindow, zVerdict } from './zscore.ts';

export interface MadOptions extends DetectorOptions {
  /** Points in the rolling window; default `defaultWindow(stepMs)` (one day of points, 28 for daily). */
  readonly window?: number;
}

/** 1 / Φ⁻¹(0.75): the MAD of a normal sample times this estimates σ. */
export const MAD_TO_SIGMA = 1.482602218505602;

/**
 * The MAD's efficiency as a normal scale estimate: its σ̂ from n points has the variance 1.3605σ²/n,
 * against σ²/(2n) for the sd (Rousseeuw & Croux 1993), so it is worth an sd from 0.3675·n points. The
 * same holds for IQR/1.349, which coincides with the MAD asymptotically for symmetric data. Used as the
 * degrees of freedom of the t that reads a robust z.
 */
export const ROBUST_SCALE_EFFICIENCY = 0.3675;

/** Fewest points in the window for a median and MAD worth judging by. */
const MIN_POINTS = 5;

/**
 * The normal-equivalent σ of a window from its robust spread: 1.4826·MAD, or, when the MAD is 0 because
 * more than half the window is one value, the window's sample sd; 0 only when the window is flat. Such a
 * window is far from normal (typically a sparse count: mostly 0s, some 1s), and the sd keeps the spread
 * of its minority values, while Iglewicz & Hoaglin's fallback, 1.2533 × the mean absolute deviation from
 * the median, understates it for sparse data (for 0/1 data with 15% ones it is 0.19 against an sd of
 * 0.36, which flags every 1 as a 5-sigma event).
 */
export function robustSigma(window: RollingQuantiles): number {
  const mad = window.mad();
  if (mad > 0) return MAD_TO_SIGMA * mad;
  return window.count >= 2 ? window.sd() : 0;
}

/**
 * A rolling median/MAD detector: z = (x − median) / (1.4826·MAD·√(1 + π/(2n))) over the previous
 * `window` = n finite values (π/(2n)·σ² being the variance of the median, so the scale is that of a new
 * point's deviation), read as Student's t with 0.3675·(n − 1) degrees of freedom (see
 * `ROBUST_SCALE_EFFICIENCY`, `zVerdict`), scored by the two-sided normal tail of its equivalent; band
 * median ± the matching half-width. Learns `learningPoints` (default: the window) finite values before
 * scoring, and needs at least five.
 */
export function createMadDetector(options: MadOptions): StreamingDetector {
  const window = resolveWindow(options.window, options.stepMs);
  const learning = resolveLearning(options.learningPoints, window);
  const zBand = normalBandZ(options.sensitivity);
  const flagAt = flagScore(options.sensitivity);
  const q = new RollingQuantiles(window);
  let learnt = 0;
  return {
    name: `mad(window=${window},learning=${learning})`,
    update(_t: number, value: number): Verdict {
      const ready = q.count >= MIN_POINTS && learnt >= learning;
      const n = q.count;
      const verdict = ready
        ? zVerdict(
            value,
            q.median(),
            robustSigma(q) * Math.sqrt(1 + Math.PI / (2 * n)),
            ROBUST_SCALE_EFFICIENCY * (n - 1),
            zBand,
            flagAt,
          )
        : noExpectation();
      if (Number.isFinite(value)) {
        q.push(value);
        learnt++;
      }
      return verdict;
    },
  };
}

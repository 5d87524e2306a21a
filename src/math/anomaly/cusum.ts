/**
 * Two-sided CUSUM (Page 1954) on robust z-scores: each point is standardised against the median and
 * 1.4826·MAD of the previous `window` points, and the upper and lower cumulative sums
 *   S⁺ₜ = max(0, S⁺ₜ₋₁ + zₜ − k),  S⁻ₜ = max(0, S⁻ₜ₋₁ − zₜ − k)
 * accumulate evidence of a sustained shift. k = 0.5 is tuned to a shift of 1σ (k is half the shift the
 * chart is meant to catch fastest). It is a change detector: a single spike alarms only past about 11σ
 * at the default sensitivity, a shift of 1σ after about 20 points, of 3σ after about 5.
 */
import { robustSigma } from './mad.ts';
import { defaultWindow, RollingQuantiles } from './rolling.ts';
import { alphaFor, flagScore, scoreFromP } from './score.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';

export interface CusumOptions extends DetectorOptions {
  /** Points in the rolling median/MAD baseline; default `defaultWindow(stepMs)` (a day of points, 28 daily). */
  readonly window?: number;
  /** The allowance k in σ (default 0.5). */
  readonly drift?: number;
}

/**
 * The scale window in level windows. σ comes from the residuals x − median over four level windows: a
 * 96-point MAD varies by about 12%, and the CUSUM compounds that (on N(0, 1) noise with the scale from
 * the level window itself, 9 false alarms in 105,120 points at alpha 1e-5, ~1 expected; with four
 * windows of residuals, 1-2). Residuals, not values, so a drift or a trend does not widen it.
 */
const SCALE_WINDOWS = 4;

/** Points relearnt after an alarm before verdicts resume: a median of 5 survives one more outlier. */
export const CUSUM_RELEARN_POINTS = 5;

/**
 * Siegmund's (1985) approximation of the in-control average run length of a one-sided CUSUM with
 * allowance k and threshold h on N(0, 1) data: (e^{2kb} − 2kb − 1) / (2k²) with b = h + 1.166 (the
 * 1.166 corrects for the overshoot of the boundary). Within a few percent of the exact ARL for k ≥ 0.25.
 */
export function siegmundArl(h: number, k: number): number {
  const b = h + 1.166;
  const x = 2 * k * b;
  return (Math.expm1(x) - x) / (2 * k * k);
}

/**
 * The tail probability a CUSUM value s stands for: a two-sided chart whose sides each alarm at s has an
 * in-control run length of ARL(s) / 2 (Siegmund for each side, the sides nearly independent), so a
 * statistic this high is reached once per ARL(s) / 2 points: p = min(1, 2 / ARL(s)). This puts the chart
 * on the score scale of the point tests: a value that flags at alpha is one that would, with no shift,
 * raise a false alarm once per 1 / alpha points.
 */
export function cusumP(s: number, k: number): number {
  return Math.min(1, 2 / siegmundArl(Math.max(0, s), k));
}

/** The threshold h at which cusumP(h, k) = alpha (by bisection: cusumP decreases in h). */
export function cusumThreshold(alpha: number, k: number): number {
  let lo = 0;
  let hi = 1;
  while (cusumP(hi, k) > alpha) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cusumP(mid, k) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * A CUSUM detector. Score scoreFromP(cusumP(max(S⁺, S⁻))) after adding the point; flag when that sum
 * reaches h = cusumThreshold(alphaFor(sensitivity), k), which is exactly when the point leaves the band
 * [median − σ(h − S⁻ + k), median + σ(h − S⁺ + k)] (the values that keep both sums below h). After an
 * alarm both sums restart at 0 and the level is relearnt from the points that follow (5 before verdicts
 * resume), so a level shift becomes the new normal at once and a spike does not poison the baseline.
 * σ = 1.4826·MAD of the residuals from the rolling median over 4 windows (`SCALE_WINDOWS`). Learns `learningPoints` (default: the
 * window) values first. Not seasonal: give it deseasonalised residuals.
 */
export function createCusumDetector(options: CusumOptions): StreamingDetector {
  const window = options.window ?? defaultWindow(options.stepMs);
  if (!(Number.isInteger(window) && window >= 5))
    throw new Error(`window must be an integer >= 5, got ${window}`);
  const learning = Math.max(CUSUM_RELEARN_POINTS, options.learningPoints ?? window);
  const k = options.drift ?? 0.5;
  const threshold = flagScore(options.sensitivity);
  const h = cusumThreshold(alphaFor(options.sensitivity), k);
  const level = new RollingQuantiles(window);
  const residuals = new RollingQuantiles(SCALE_WINDOWS * window);
  let sPlus = 0;
  let sMinus = 0;
  let learnt = 0;
  let needed = learning;

  const none: Verdict = { score: 0, flag: false, expected: Number.NaN, lower: Number.NaN, upper: Number.NaN };
  const learn = (value: number): void => {
    if (level.count >= CUSUM_RELEARN_POINTS) residuals.push(value - level.median());
    level.push(value);
    learnt++;
  };

  return {
    name: `cusum(window=${window},k=${k},h=${h.toFixed(2)},learning=${learning})`,
    update(_t: number, value: number): Verdict {
      if (learnt < needed || residuals.count < CUSUM_RELEARN_POINTS) {
        if (!Number.isNaN(value)) learn(value);
        return none;
      }
      const median = level.median();
      let sigma = robustSigma(residuals);
      // A flat history: any change is a shift of infinitely many σ; a tiny scale keeps the sums finite.
      if (!(sigma > 0)) sigma = Math.max(Math.abs(median) * 1e-9, 1e-12);
      const lower = median - sigma * (h - sMinus + k);
      const upper = median + sigma * (h - sPlus + k);
      if (Number.isNaN(value)) return { score: 0, flag: false, expected: median, lower, upper };
      const z = (value - median) / sigma;
      sPlus = Math.max(0, sPlus + z - k);
      sMinus = Math.max(0, sMinus - z - k);
      const score = scoreFromP(cusumP(Math.max(sPlus, sMinus), k));
      const flag = score >= threshold;
      if (flag) {
        // Restart: the level is relearnt from the points after the alarm; the residual scale, being
        // relative to the level, carries over.
        sPlus = 0;
        sMinus = 0;
        level.clear();
        learnt = 0;
        needed = CUSUM_RELEARN_POINTS;
      } else {
        learn(value);
      }
      return { score, flag, expected: median, lower, upper };
    },
  };
}

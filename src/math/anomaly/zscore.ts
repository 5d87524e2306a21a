/**
 * The rolling z-score ("sigma rule"): a point is judged against the mean and standard deviation of the
 * previous `window` points, z = (x − mean) / sd, with a two-sided normal tail probability. Datadog's
 * "basic" algorithm and NAB's Windowed Gaussian baseline are this rule. It adapts to a level shift
 * within one window (the shifted points first widen the spread, then become the mean) and has no notion
 * of season; with the default window of one day, a daily cycle widens its band rather than raising flags.
 */
import { defaultWindow, RollingStats } from './rolling.ts';
import { flagScore, normalBandZ, scoreFromP, twoSidedNormalP } from './score.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';

export interface ZScoreOptions extends DetectorOptions {
  /** Points in the rolling window; default `defaultWindow(stepMs)` (one day of points, 28 for daily). */
  readonly window?: number;
}

const NO_EXPECTATION: Verdict = Object.freeze({
  score: 0,
  flag: false,
  expected: Number.NaN,
  lower: Number.NaN,
  upper: Number.NaN,
});

/** The verdict of a detector that has no expectation yet: score 0, no flag, NaN expected and band. */
export function noExpectation(): Verdict {
  return NO_EXPECTATION;
}

/**
 * The standard normal deviate with the same two-sided tail as Student's t = `t` with `df` degrees of
 * freedom: z = (8ν + 1)/(8ν + 3) · √(ν · ln(1 + t²/ν)) (Wallace 1959, "Bounds on normal approximations to
 * Student's and the chi-square distributions"). Checked against scipy's t.sf for t ≤ 80: −log10 p, and
 * so the score, is within 2% for ν ≥ 10 and 0.2% for ν ≥ 95, at the cost of one log1p and one sqrt
 * instead of an incomplete beta function per point. ν = ∞ returns t.
 */
export function tToZ(t: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return t;
  const z = ((8 * df + 1) / (8 * df + 3)) * Math.sqrt(df * Math.log1p((t * t) / df));
  return t < 0 ? -z : z;
}

/** The inverse of `tToZ` for z ≥ 0: the |t| whose normal-equivalent deviate is z. */
export function zToT(z: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return z;
  const r = (z * (8 * df + 3)) / (8 * df + 1);
  return Math.sqrt(df * Math.expm1((r * r) / df));
}

// The band's t for the last (zBand, df): once a window is full both stay fixed, which saves an expm1 per point.
let lastDf = Number.NaN;
let lastZBand = Number.NaN;
let lastT = Number.NaN;

/**
 * The verdict for `x` against a location `centre` and a scale `scale` estimated with `df` degrees of
 * freedom: the standardised deviation t = (x − centre)/scale is read as Student's t with `df` (∞ for a
 * known scale, giving the plain normal z), converted to its normal equivalent by `tToZ`, and scored by the
 * two-sided normal tail; band centre ± scale·zToT(zBand, df), so a value is flagged exactly when it is
 * outside the band. Reading an estimated scale as a t keeps the false-flag rate near the nominal alpha
 * when the scale comes from a few dozen points: on Gaussian noise with a normal reading, a 96-point MAD
 * flags ten times as often as alpha says. A zero scale (a flat history) makes any departure from the
 * centre maximally surprising (score 1) and the centre itself not at all (score 0), with a band of width
 * 0; no division by zero. A missing `x` (NaN) gets score 0 with the band it would have been judged by.
 * Shared by the z-score, IQR, MAD and seasonal detectors.
 */
export function zVerdict(
  x: number,
  centre: number,
  scale: number,
  df: number,
  zBand: number,
  flagAt: number,
): Verdict {
  if (df !== lastDf || zBand !== lastZBand) {
    lastDf = df;
    lastZBand = zBand;
    lastT = zToT(zBand, df);
  }
  const half = scale > 0 ? scale * lastT : 0;
  const lower = centre - half;
  const upper = centre + half;
  if (Number.isNaN(x)) return { score: 0, flag: false, expected: centre, lower, upper };
  let score: number;
  if (scale > 0) score = scoreFromP(twoSidedNormalP(tToZ((x - centre) / scale, df)));
  else score = x === centre ? 0 : 1;
  return { score, flag: score >= flagAt, expected: centre, lower, upper };
}

/** Resolves the window option: a positive integer, or the step's default. */
export function resolveWindow(window: number | undefined, stepMs: number): number {
  if (window === undefined) return defaultWindow(stepMs);
  if (!(Number.isInteger(window) && window >= 2))
    throw new Error(`window must be an integer >= 2, got ${window}`);
  return window;
}

/** Resolves the learning option: a non-negative integer, or `fallback`. */
export function resolveLearning(learningPoints: number | undefined, fallback: number): number {
  if (learningPoints === undefined) return fallback;
  if (!(Number.isInteger(learningPoints) && learningPoints >= 0)) {
    throw new Error(`learningPoints must be an integer >= 0, got ${learningPoints}`);
  }
  return learningPoints;
}

/**
 * A rolling z-score detector: mean and sample sd (n − 1) of the previous `window` finite values
 * (`RollingStats`). For a new normal observation, (x − mean)/(sd·√(1 + 1/n)) is exactly Student's t with
 * n − 1 degrees of freedom (the prediction interval of a normal sample), so that is how the deviation is
 * read (see `zVerdict`); for a 96-point window this is z within 1%, but it keeps short windows honest.
 * Learns `learningPoints` (default: the window) finite values before scoring, and needs at least three.
 */
export function createZScoreDetector(options: ZScoreOptions): StreamingDetector {
  const window = resolveWindow(options.window, options.stepMs);
  const learning = resolveLearning(options.learningPoints, window);
  const zBand = normalBandZ(options.sensitivity);
  const flagAt = flagScore(options.sensitivity);
  const stats = new RollingStats(window);
  let learnt = 0;
  return {
    name: `zscore(window=${window},learning=${learning})`,
    update(_t: number, value: number): Verdict {
      const n = stats.count;
      const ready = n >= 3 && learnt >= learning;
      const verdict = ready
        ? zVerdict(value, stats.mean, stats.sd * Math.sqrt(1 + 1 / n), n - 1, zBand, flagAt)
        : NO_EXPECTATION;
      if (Number.isFinite(value)) {
        stats.push(value);
        learnt++;
      }
      return verdict;
    },
  };
}

/**
 * The contract every anomaly detector keeps. A detector is a small state machine fed one point at a
 * time, in time order: `update` judges the point from the points before it (never after), returns the
 * verdict, and only then learns the point. Batch scoring (`scoreSeries`) is a loop over `update`, so a
 * score in a report is the score the point got when it arrived.
 */
import type { StatWarning } from '../stats/result.ts';

/** How one point was judged. */
export interface Verdict {
  /**
   * Surprise in [0, 1]: `min(1, -log10(p) / 10)` where p is the detector's tail probability of a
   * deviation at least this large under what it has learnt (see `score.ts`). 0 while learning and for
   * missing points; equal scores from two detectors mean equally improbable points.
   */
  readonly score: number;
  /** The point is anomalous at the detector's sensitivity: `score >= flagScore(sensitivity)`. */
  readonly flag: boolean;
  /** What the detector expected here, or NaN when it has no expectation yet (learning, or no model of level). */
  readonly expected: number;
  /**
   * The band of normal values for this point alone at the sensitivity (for one-sided detectors one side
   * is infinite); NaN when there is no band yet. For detectors that judge the point alone, a value outside
   * the band is exactly a flagged one. Detectors that judge the recent run of points (`likelihood`, the
   * change-point detectors) may flag a point inside its band, because the run is what is improbable, or
   * leave a point outside it unflagged, because it belongs to an episode already flagged; the band is
   * then the explanation a person reads, not the rule.
   */
  readonly lower: number;
  readonly upper: number;
}

export interface DetectorOptions {
  /**
   * In [0, 1], default 0.5: the tail probability that flags a point is `alphaFor(sensitivity)`
   * (1e-8 at 0, 1e-5 at 0.5, 1e-2 at 1). Higher flags more.
   */
  readonly sensitivity?: number;
  /** The series' regular step in milliseconds (15 minutes, an hour, a day); points may still be missing. */
  readonly stepMs: number;
  /** Seasonal periods in steps, ascending (for example [96, 672] for 15-minute data); [] for none. */
  readonly seasonPeriods?: readonly number[];
  /** Points to learn from before any verdict (score 0, no flag); each detector has a sensible default. */
  readonly learningPoints?: number;
}

/** A streaming detector: one instance per series. */
export interface StreamingDetector {
  /** The detector's name and its effective settings, for reports: `zscore(window=96)`. */
  readonly name: string;
  /**
   * Judges `value` at time `t` (epoch ms, non-decreasing) from the history before it, then learns it.
   * A missing point (`value` NaN) gets score 0, no flag, and the expectation the detector has, and is
   * not learnt.
   */
  update(t: number, value: number): Verdict;
}

export type DetectorFactory = (options: DetectorOptions) => StreamingDetector;

/** A whole series judged point by point: `Series -> AnomalyScores`. */
export interface AnomalyScores {
  readonly detector: string;
  readonly score: Float64Array;
  readonly flag: Uint8Array;
  readonly expected: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly warnings: readonly StatWarning[];
}

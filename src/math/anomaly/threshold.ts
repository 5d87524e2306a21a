/**
 * Static thresholds: the rule a person writes when they know the limits ("error rate above 5%", "no
 * fewer than 100 orders an hour"). Nothing is learnt, so the verdict does not depend on history or on
 * the sensitivity: a value beyond a bound is certain to be an alert (score 1), any other value is not
 * (score 0).
 */
import { flagScore } from './score.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';
import { resolveLearning } from './zscore.ts';

export interface ThresholdOptions extends DetectorOptions {
  /** Values strictly above this are flagged; no upper bound when absent. */
  readonly above?: number;
  /** Values strictly below this are flagged; no lower bound when absent. */
  readonly below?: number;
}

/**
 * A static-threshold detector: score 1 and a flag when the value is above `above` or below `below`,
 * score 0 otherwise; band [below ?? −∞, above ?? +∞]; expected NaN (a threshold has no notion of the
 * typical value). No learning by default (`learningPoints` 0; when given, that many finite values are
 * passed over first). A missing value scores 0.
 */
export function createThresholdDetector(options: ThresholdOptions): StreamingDetector {
  const above = options.above ?? Number.POSITIVE_INFINITY;
  const below = options.below ?? Number.NEGATIVE_INFINITY;
  if (Number.isNaN(above) || Number.isNaN(below) || below > above) {
    throw new Error(`threshold bounds must satisfy below <= above, got below=${below}, above=${above}`);
  }
  const learning = resolveLearning(options.learningPoints, 0);
  // A score of 1 is at or above every sensitivity's flag score, so "regardless of sensitivity" holds by
  // the shared rule rather than by a special case.
  const flagAt = flagScore(options.sensitivity);
  let learnt = 0;
  const bounds = [
    options.below === undefined ? '' : `below=${below}`,
    options.above === undefined ? '' : `above=${above}`,
  ].filter((s) => s !== '');
  return {
    name: `threshold(${bounds.join(',')})`,
    update(_t: number, value: number): Verdict {
      const beyond = learnt >= learning && (value > above || value < below);
      if (Number.isFinite(value)) learnt++;
      const score = beyond ? 1 : 0;
      return { score, flag: score >= flagAt, expected: Number.NaN, lower: below, upper: above };
    },
  };
}

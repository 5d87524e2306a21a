/**
 * An ensemble of streaming detectors with one verdict: the k-th highest member score (k = `agree`,
 * default 2), so a point is flagged when at least k members flag it.
 *
 * Why "k agree" and not the maximum or a mean: the members are chosen to fail differently — a rolling
 * median/MAD rule flags a dip that recurs every day, a seasonal rule does not; a same-slot baseline
 * flags the first day after a level shift, a rolling one absorbs it within hours — so one member's
 * flag is often that member's blind spot, while two members with different baselines agreeing on a
 * point is evidence about the point. The maximum would inherit every member's false alarms (their
 * union), a mean would dilute a spike that all but one member see. Because every member keeps the
 * same contract (score = −log10 p / 10, flag ⇔ score ≥ flagScore at the same sensitivity), the k-th
 * highest score is ≥ flagScore exactly when k members flag, and the band that keeps that
 * equivalence is the k-th narrowest on each side: upper = k-th smallest member upper, lower = k-th
 * largest member lower.
 */
import { createCusumDetector } from './cusum.ts';
import { createMadDetector } from './mad.ts';
import { flagScore } from './score.ts';
import { createSeasonalSlotDetector } from './seasonal-slot.ts';
import { createStlEsdDetector } from './stl-esd.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';
import { createZScoreDetector } from './zscore.ts';

export interface EnsembleOptions extends DetectorOptions {
  /** Factories of the members, each given the ensemble's options; default `defaultEnsembleMembers`. */
  readonly members?: readonly ((options: DetectorOptions) => StreamingDetector)[];
  /** How many members must flag a point (default 2, clamped to [1, members]). */
  readonly agree?: number;
}

/**
 * The default members: with a season, the same-slot seasonal baseline, S-H-ESD and the rolling
 * median/MAD rule (three baselines: the slot's own history, the season's shape plus the recent level,
 * the recent level alone); without one, the rolling median/MAD rule, the rolling z-score and CUSUM
 * (robust and classical spreads for spikes, accumulated evidence for small shifts). Each costs well
 * under a microsecond a point (README).
 */
export function defaultEnsembleMembers(
  options: DetectorOptions,
): ((o: DetectorOptions) => StreamingDetector)[] {
  const seasonal = (options.seasonPeriods ?? []).some((m) => m >= 2);
  return seasonal
    ? [createSeasonalSlotDetector, createStlEsdDetector, createMadDetector]
    : [createMadDetector, createZScoreDetector, createCusumDetector];
}

/**
 * An ensemble detector (see the file comment for the rule). Expected = the median of the members'
 * expectations that are known (the upper one of the middle two for an even count). Members learn on their own schedules; until k of them give verdicts
 * the ensemble scores 0 (learningPoints is passed to every member).
 */
export function createEnsembleDetector(options: EnsembleOptions): StreamingDetector {
  const factories = options.members ?? defaultEnsembleMembers(options);
  if (factories.length === 0) throw new Error('an ensemble needs at least one member');
  const memberOptions: DetectorOptions = {
    stepMs: options.stepMs,
    ...(options.sensitivity === undefined ? {} : { sensitivity: options.sensitivity }),
    ...(options.seasonPeriods === undefined ? {} : { seasonPeriods: options.seasonPeriods }),
    ...(options.learningPoints === undefined ? {} : { learningPoints: options.learningPoints }),
  };
  const members = factories.map((f) => f(memberOptions));
  const m = members.length;
  const k = Math.min(m, Math.max(1, Math.trunc(options.agree ?? 2)));
  const threshold = flagScore(options.sensitivity);
  const scores = new Float64Array(m);
  const lowers = new Float64Array(m);
  const uppers = new Float64Array(m);
  const expecteds = new Float64Array(m);
  const scratch = new Float64Array(m);

  return {
    name: `ensemble(agree=${k}: ${members.map((d) => d.name).join(', ')})`,
    update(t: number, value: number): Verdict {
      let known = 0;
      let banded = 0;
      for (let i = 0; i < m; i++) {
        const v = members[i]!.update(t, value);
        scores[i] = v.score;
        // A member without a band (learning) flags nothing: its band is the whole line. Uppers are
        // stored negated so both sides take the k-th largest.
        const hasBand = !Number.isNaN(v.lower) || !Number.isNaN(v.upper);
        if (hasBand) banded++;
        lowers[i] = Number.isNaN(v.lower) ? Number.NEGATIVE_INFINITY : v.lower;
        uppers[i] = Number.isNaN(v.upper) ? Number.NEGATIVE_INFINITY : -v.upper;
        if (!Number.isNaN(v.expected)) expecteds[known++] = v.expected;
      }
      const score = kthLargest(scores, m, k, scratch);
      const lower = banded >= k ? kthLargest(lowers, m, k, scratch) : Number.NaN;
      const upper = banded >= k ? -kthLargest(uppers, m, k, scratch) : Number.NaN;
      const expected = known === 0 ? Number.NaN : kthLargest(expecteds, known, (known + 1) >> 1, scratch);
      return { score, flag: score >= threshold, expected, lower, upper };
    },
  };
}

/**
 * The k-th largest (1-based) of the first n values, by insertion sort into `scratch`: n is a handful of
 * members, and nothing is allocated per point. With k = ⌈n/2⌉ it is the (upper) median.
 */
function kthLargest(values: Float64Array, n: number, k: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    let j = i - 1;
    while (j >= 0 && scratch[j]! > x) {
      scratch[j + 1] = scratch[j]!;
      j--;
    }
    scratch[j + 1] = x;
  }
  return scratch[n - k]!;
}

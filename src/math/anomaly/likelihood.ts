/**
 * The default detector: how unusual the recent deviations of a series are, judged against the series'
 * own history of deviations. Four streaming stages, each O(1) per point:
 *
 * 1. Deviation. A point's z against the rolling mean and standard deviation of the last `window`
 *    points or, when the series has a season and its same-slot residuals (the point minus the median of
 *    its slot over the last `cycles` cycles) vary less than the raw values (`seasonGain`), against those
 *    residuals: a real daily cycle is expected rather than flagged, and a "season" that is only noise
 *    does not judge the series. With two seasons (day and week) the one whose residuals vary least
 *    judges: the hour of the week once three weeks are seen, where weekdays and weekends differ. Values enter the rolling statistics clipped to `clip` deviations, so one
 *    outage does not widen the band for the next `window` points. The deviation is bounded:
 *    `d = min(1, |z| / 6)`.
 * 2. Likelihood (Ahmad et al. 2017, "Unsupervised real-time anomaly detection for streaming data",
 *    section 4.2). The mean of the last `averaging` deviations (100 minutes of points, 2 to 20) is
 *    compared with the mean and spread of that same average over the last `history` points; twice the
 *    upper normal tail probability of the current average (capped at 1) is the point's p. A series that
 *    is always noisy has a high, wide baseline of deviations and is not flagged for its usual noise.
 * 3. Never seen. A value more than `novelty` of the range seen so far beyond that range's edges, and at
 *    least `noveltyZ` deviations from the expectation (after the first `window` points), has p = 0; a
 *    deviation of at least `noveltyZ` that is more than `largerZ` times the largest this series has
 *    shown is judged on its own normal tail as well. The first catches a series going where it has never
 *    been, the second a one-point spike that an average would dilute; the conditions on z keep a growing
 *    series, which sets new highs all the time, from being flagged for each.
 * 4. Episodes. A flag opens an episode that lasts until the score falls below `episodeExit` times the
 *    flag score; inside it, scores of flag height are lowered to 0.6 times the flag score (as Numenta's
 *    likelihood filter moves repeated red-zone points to the yellow zone). A sustained change is flagged
 *    once, where it starts, and an alert stream is not flooded by one event.
 *
 * The settings were chosen on the Numenta Anomaly Benchmark, one setting for all 58 series, and each
 * halved or doubled still scores well above the target (see `bench/nab.bench.ts`). Stages 2 and 3 make
 * the score relative to the series' own past, which is why one setting serves series of any scale.
 */

import { normalCdf } from '../stats/distributions.ts';
import { RollingStats } from './rolling.ts';
import {
  DEFAULT_SENSITIVITY,
  EPISODE_SCORE_FRACTION,
  flagScore,
  normalBandZ,
  scoreFromP,
  twoSidedNormalP,
} from './score.ts';
import { clipTo, SeasonSlots } from './season-slots.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';

export interface LikelihoodSettings {
  /** Points in the rolling mean and deviation. */
  readonly window: number;
  /** Deviations averaged before they are judged. */
  readonly averaging: number;
  /** Averaged deviations whose mean and spread are the baseline. */
  readonly history: number;
  /** Beyond the range seen so far by this fraction of it: never seen before. */
  readonly novelty: number;
  /** Cycles of the season whose same-slot mean is the seasonal expectation. */
  readonly cycles: number;
  /** Use the seasonal residual when its variance is below this fraction of the raw variance. */
  readonly seasonGain: number;
  /** Averaged deviations needed before the baseline is trusted. */
  readonly minHistory: number;
  /** A value beyond the range counts as never seen only when its |z| is at least this. */
  readonly noveltyZ: number;
  /** An episode ends when the score falls below this fraction of the flag score. */
  readonly episodeExit: number;
  /** A point whose |z| exceeds this multiple of the largest |z| seen so far is judged on its own tail too. */
  readonly largerZ: number;
  /** Values enter the rolling mean and deviation clipped to this many deviations from the mean. */
  readonly clip: number;
}

export const LIKELIHOOD_DEFAULTS: LikelihoodSettings = {
  window: 300,
  averaging: 20,
  history: 2000,
  novelty: 0.02,
  cycles: 3,
  seasonGain: 1,
  minHistory: 100,
  noveltyZ: 4,
  episodeExit: 0.6,
  largerZ: 1.2,
  clip: 4,
};
const AVERAGING_MS = 100 * 60_000;

/** Deviations in standard deviations that count as the largest (d = 1). */
const DEVIATION_CAP = 6;
/** The spread of the baseline never falls below this (Numenta's floor on the variance, 1.5e-5). */
const MIN_BASELINE_SD = Math.sqrt(1.5e-5);

export function createLikelihoodDetector(
  options: DetectorOptions & Partial<LikelihoodSettings>,
): StreamingDetector {
  const s: LikelihoodSettings = {
    ...LIKELIHOOD_DEFAULTS,
    averaging: averagingFor(options.stepMs),
    ...pickSettings(options),
  };
  const sensitivity = options.sensitivity ?? DEFAULT_SENSITIVITY;
  const threshold = flagScore(sensitivity);
  const bandZ = normalBandZ(sensitivity);
  const learning = options.learningPoints ?? Math.min(s.window, 30);
  const seasons = usablePeriods(options.seasonPeriods ?? [], s.cycles).map(
    (period) => new SeasonSlots(period, options.stepMs, s.cycles, s.window, s.clip, learning),
  );
  const slotOf = new Int32Array(seasons.length);
  const medians = new Float64Array(seasons.length);

  const raw = new RollingStats(s.window);
  const recent = new Float64Array(s.averaging);
  let recentHead = 0;
  let recentCount = 0;
  let recentSum = 0;
  const baseline = new RollingStats(s.history);
  let seen = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let inEpisode = false;
  let episodeMinEnd = 0;
  let largestZ = 0;

  const name = `likelihood(window=${s.window}, averaging=${s.averaging}, history=${s.history}${seasons.length > 0 ? `, season=${seasons.map((m) => m.period).join('/')}` : ''})`;

  return {
    name,
    update(t: number, value: number): Verdict {
      // The season whose residuals vary least, if any has its slot's cycles and varies less than the raw
      // values (a "season" that is only noise does not judge the series).
      let best = -1;
      let bestVariance = s.seasonGain * raw.variance;
      for (let m = 0; m < seasons.length; m++) {
        const season = seasons[m]!;
        slotOf[m] = season.slotOf(t);
        medians[m] = season.median(slotOf[m]!);
        const r = season.residual;
        if (!Number.isNaN(medians[m]!) && r.count >= learning && r.variance < bestVariance) {
          best = m;
          bestVariance = r.variance;
        }
      }
      const residual = best >= 0 ? seasons[best]!.residual : null;
      const centre = residual ? medians[best]! + residual.mean : raw.mean;
      const sd = residual ? residual.sd : raw.sd;
      const ready = raw.count >= learning;
      const expected = ready ? centre : Number.NaN;
      const lower = ready ? centre - bandZ * sd : Number.NaN;
      const upper = ready ? centre + bandZ * sd : Number.NaN;
      if (Number.isNaN(value)) return { score: 0, flag: false, expected, lower, upper };

      // 1. The bounded deviation of this point.
      let deviation = 0;
      let z = 0;
      if (ready) {
        z = sd > 0 ? (value - centre) / sd : value === centre ? 0 : Number.POSITIVE_INFINITY;
        deviation = Math.min(1, Math.abs(z) / DEVIATION_CAP);
      }
      // 2. Its recent average against the history of that average.
      recentSum += deviation - recent[recentHead]!;
      recent[recentHead] = deviation;
      recentHead = recentHead + 1 === s.averaging ? 0 : recentHead + 1;
      if (recentCount < s.averaging) recentCount++;
      const average = recentSum / recentCount;
      let p = 1;
      if (baseline.count >= s.minHistory) {
        const spread = Math.max(baseline.sd, MIN_BASELINE_SD);
        p = Math.min(1, 2 * normalCdf(-(average - baseline.mean) / spread));
      }
      if (ready) baseline.push(average);
      // A deviation larger than any this series has shown since it was learnt.
      const absZ = Math.abs(z);
      if (ready && Number.isFinite(absZ)) {
        if (baseline.count >= s.minHistory && absZ >= s.noveltyZ && absZ > s.largerZ * largestZ)
          p = Math.min(p, twoSidedNormalP(z));
        largestZ = Math.max(largestZ, absZ);
      }
      // 3. A value beyond everything seen so far.
      const range = max - min;
      if (
        seen >= s.window &&
        Math.abs(z) >= s.noveltyZ &&
        (value > max + s.novelty * range || value < min - s.novelty * range)
      )
        p = 0;
      // 4. One flag per episode.
      let score = scoreFromP(p);
      // The flagged point stays in the average for `averaging` points: the episode lasts at least that long.
      if (inEpisode) {
        if (seen >= episodeMinEnd && score < s.episodeExit * threshold) inEpisode = false;
        else if (score >= threshold) score = EPISODE_SCORE_FRACTION * threshold;
      }
      if (!inEpisode && score >= threshold) {
        inEpisode = true;
        episodeMinEnd = seen + s.averaging;
      }

      learn(value);
      return { score, flag: score >= threshold, expected, lower, upper };
    },
  };

  function learn(value: number): void {
    seen++;
    if (value < min) min = value;
    if (value > max) max = value;
    raw.push(raw.count >= learning ? clipTo(value, raw.mean, s.clip * raw.sd) : value);
    for (let m = 0; m < seasons.length; m++) seasons[m]!.learn(value, slotOf[m]!, medians[m]!);
  }
}

/**
 * Deviations averaged: 100 minutes of points (20 at NAB's 5-minute step, 7 at 15 minutes, 2 hourly), at
 * least 2. A fixed count would average a day of an hourly series and dilute a two-hour outage into its
 * noise; a floor of 3 made an hourly series wait a third hour (the demo's outage, 4 sd low two hours in a
 * row, was flagged in its third hour; with 2, in its second, at a cost of 0.2 NAB points).
 */
export function averagingFor(stepMs: number): number {
  if (!(stepMs > 0)) return LIKELIHOOD_DEFAULTS.averaging;
  return Math.max(2, Math.min(LIKELIHOOD_DEFAULTS.averaging, Math.round(AVERAGING_MS / stepMs)));
}

/** The seasons whose `cycles` cycles fit in memory cheaply (at most two: day and week). */
function usablePeriods(periods: readonly number[], cycles: number): number[] {
  return periods.filter((p) => p >= 2 && p * cycles <= 1_000_000).slice(0, 2);
}

function pickSettings(options: Partial<LikelihoodSettings>): Partial<LikelihoodSettings> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(LIKELIHOOD_DEFAULTS) as (keyof LikelihoodSettings)[]) {
    const v = options[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = v;
  }
  return out as Partial<LikelihoodSettings>;
}

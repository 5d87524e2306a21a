/**
 * The default detector: how unusual the recent deviations of a series are, judged against the series'
 * own history of deviations. Four stages, each cheap and streaming:
 *
 * 1. Deviation. A point's z against the rolling mean and standard deviation of the last `window`
 *    points; when the series has a season and same-slot residuals (the point minus the mean of its slot
 *    over the last `cycles` cycles) are much quieter than the raw values (variance below `seasonGain`
 *    times the raw variance, measured on the same window), the z of the residual instead, so a daily
 *    cycle is expected rather than flagged while a series without a real cycle is not judged by a noisy
 *    one. The deviation is bounded: `d = min(1, |z| / 6)`.
 * 2. Likelihood (Ahmad et al. 2017, "Unsupervised real-time anomaly detection for streaming data",
 *    section 4.2). The mean of the last `averaging` deviations is compared with the mean and spread of
 *    that same average over the last `history` points; twice the upper normal tail probability of the
 *    current average (capped at 1, so an average at or below the usual one scores 0) is the point's p. A series that is always noisy has a high, wide baseline of deviations and
 *    is not flagged for its usual noise; a quiet series is flagged for a deviation it has never shown.
 * 3. Novelty. A value more than `novelty` of the range seen so far beyond that range's edges, and at
 *    least `noveltyZ` deviations from the expectation (after the first `window` points), has p = 0: the
 *    series has never been there. The second condition keeps a growing series, which makes new highs
 *    all the time, from being flagged for each of them.
 * 4. Episodes. A flag opens an episode, which lasts until the score falls below `episodeExit` times the
 *    flag score; inside it, scores of flag height are lowered to 0.6 times the flag score (as Numenta's
 *    likelihood filter moves repeated red-zone points to the yellow zone). A sustained change is flagged
 *    once, where it starts, and an alert stream is not flooded by one event.
 *
 * The settings were chosen on the Numenta Anomaly Benchmark, one setting for all 58 series, and its
 * neighbours score within a few points (see `bench/nab.bench.ts`). Stage 2 makes the score relative to
 * the series' own past, which is why one setting serves series of any scale and noise.
 */

import { normalCdf } from '../stats/distributions.ts';
import { RollingStats } from './rolling.ts';
import { DEFAULT_SENSITIVITY, flagScore, normalBandZ, scoreFromP } from './score.ts';
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
}

export const LIKELIHOOD_DEFAULTS: LikelihoodSettings = {
  window: 300,
  averaging: 20,
  history: 2000,
  novelty: 0.02,
  cycles: 3,
  seasonGain: 0.5,
  minHistory: 100,
  noveltyZ: 4,
  episodeExit: 0.6,
};
/** Scores of flag height inside an episode are lowered to this fraction of the flag score. */
const EPISODE_CAP = 0.6;

/** Deviations in standard deviations that count as the largest (d = 1). */
const DEVIATION_CAP = 6;
/** The spread of the baseline never falls below this (Numenta's floor on the variance, 1.5e-5). */
const MIN_BASELINE_SD = Math.sqrt(1.5e-5);

export function createLikelihoodDetector(
  options: DetectorOptions & Partial<LikelihoodSettings>,
): StreamingDetector {
  const s: LikelihoodSettings = { ...LIKELIHOOD_DEFAULTS, ...pickSettings(options) };
  const sensitivity = options.sensitivity ?? DEFAULT_SENSITIVITY;
  const threshold = flagScore(sensitivity);
  const bandZ = normalBandZ(sensitivity);
  const learning = options.learningPoints ?? Math.min(s.window, 30);
  const period = usablePeriod(options.seasonPeriods ?? [], s.cycles);

  const raw = new RollingStats(s.window);
  const residual = new RollingStats(s.window);
  const slots = period > 0 ? new Float64Array(period * s.cycles) : null;
  const slotCount = new Int32Array(Math.max(1, period));
  const recent = new Float64Array(s.averaging);
  let recentHead = 0;
  let recentCount = 0;
  let recentSum = 0;
  const baseline = new RollingStats(s.history);
  let seen = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let inEpisode = false;

  const name = `likelihood(window=${s.window}, averaging=${s.averaging}, history=${s.history}${period > 0 ? `, season=${period}` : ''})`;

  function slotOf(t: number): number {
    const k = Math.floor(t / options.stepMs) % period;
    return k < 0 ? k + period : k;
  }

  /** The mean of the slot's last `cycles` values, or NaN until it has them. */
  function slotMean(slot: number): number {
    if (slots === null || slotCount[slot]! < s.cycles) return Number.NaN;
    let sum = 0;
    for (let k = 0; k < s.cycles; k++) sum += slots[slot * s.cycles + k]!;
    return sum / s.cycles;
  }

  return {
    name,
    update(t: number, value: number): Verdict {
      const slot = slots === null ? 0 : slotOf(t);
      const seasonal = slotMean(slot);
      const useSeason =
        !Number.isNaN(seasonal) &&
        residual.count >= learning &&
        residual.variance < s.seasonGain * raw.variance;
      const centre = useSeason ? seasonal + residual.mean : raw.mean;
      const sd = useSeason ? residual.sd : raw.sd;
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
      if (inEpisode) {
        if (score < s.episodeExit * threshold) inEpisode = false;
        else if (score >= threshold) score = EPISODE_CAP * threshold;
      } else if (score >= threshold) inEpisode = true;

      learn(t, value, slot, seasonal);
      return { score, flag: score >= threshold, expected, lower, upper };
    },
  };

  function learn(_t: number, value: number, slot: number, seasonal: number): void {
    seen++;
    if (value < min) min = value;
    if (value > max) max = value;
    raw.push(value);
    if (!Number.isNaN(seasonal)) residual.push(value - seasonal);
    if (slots !== null) {
      slots[slot * s.cycles + (slotCount[slot]! % s.cycles)] = value;
      slotCount[slot]!++;
    }
  }
}

/** The shortest season whose `cycles` cycles fit in memory cheaply, or 0 for none. */
function usablePeriod(periods: readonly number[], cycles: number): number {
  for (const p of periods) if (p >= 2 && p * cycles <= 1_000_000) return p;
  return 0;
}

function pickSettings(options: Partial<LikelihoodSettings>): Partial<LikelihoodSettings> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(LIKELIHOOD_DEFAULTS) as (keyof LikelihoodSettings)[]) {
    const v = options[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = v;
  }
  return out as Partial<LikelihoodSettings>;
}

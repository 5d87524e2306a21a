/**
 * What a bucket was expected to hold, from history only (nothing at or after the bucket), for the whole
 * metric and for every segment, so that the segments of a dimension add up to the whole as Adtributor
 * needs. Two questions, answered from different history because they drift at different speeds:
 *
 * - How much in all (the whole, F): a robust straight line through the same slot (same time of day, or
 *   the day itself) on each of the previous HISTORY_DAYS days, evaluated at the bucket: the Theil-Sen
 *   estimator (Sen 1968; slope the median of pairwise slopes, intercept the median of the residuals).
 *   Products grow (the demo's DAU climbs from 50 to 600 over a month): a median of past slots, or of
 *   weekly slots scaled by a trailing-week level ratio, over-stated the demo's outage-day DAU by 25-40%,
 *   while the line is within a few percent; being built from medians, one anomalous day (a campaign
 *   burst) barely moves it. The same time of day keeps the daily cycle out. The weekly cycle is left in
 *   the line's noise (the demo's weekdays differ by up to 14%): a weekday correction estimated from two
 *   weeks of slots was as noisy as the effect it corrects. With fewer than MIN_TREND_DAYS days the median.
 * - Who (each segment's share): the pooled share over the same slot on the previous SHARE_DAYS days,
 *   F_ij = F · Σ_k x_ij,k / Σ_k X_k. Segment mixes drift by the day (a release moves app_version shares
 *   several points a day, new posts replace old ones), so weeks-old shares mislead. Shares of a partition
 *   sum to 1, so its segments sum to F.
 */

const DAY_MS = 86_400_000;
/** Days of same-slot history the whole's line goes through. */
export const HISTORY_DAYS = 14;
/** Fewer days than this give the median instead of a line. */
export const MIN_TREND_DAYS = 4;
/** Days whose same-slot values give the segment shares. */
export const SHARE_DAYS = 2;

export interface SlotPlan {
  /** Days back of each history slot, nearest first; window k + 1 of the query is lag `lags[k]`. */
  readonly lags: readonly number[];
  /** The first SHARE_DAYS of them, for the shares. */
  readonly shareLags: readonly number[];
}

/**
 * The history slots of a bucket starting at `start` (epoch ms) given the first instant with data: lags
 * 1 … HISTORY_DAYS days whose slot starts at or after `historyStart`. Returns null when there is none.
 */
export function planSlots(start: number, historyStart: number): SlotPlan | null {
  const lags = Array.from({ length: HISTORY_DAYS }, (_, i) => i + 1).filter(
    (lag) => start - lag * DAY_MS >= historyStart,
  );
  return lags.length === 0 ? null : { lags, shareLags: lags.slice(0, SHARE_DAYS) };
}

/**
 * The Theil-Sen line (Sen 1968) through (lag, value) evaluated at lag 0: slope the median of the pairwise
 * slopes, intercept the median of value − slope · lag; the median of the values when there are fewer than
 * MIN_TREND_DAYS; never below 0 (the measures are counts and sums of non-negative amounts). NaN for none.
 */
export function trendAtBucket(lags: readonly number[], values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  if (values.length < MIN_TREND_DAYS) return Math.max(0, median(values));
  const slopes: number[] = [];
  for (let i = 0; i < lags.length; i++)
    for (let j = i + 1; j < lags.length; j++) {
      const dx = (lags[j] as number) - (lags[i] as number);
      if (dx !== 0) slopes.push(((values[j] as number) - (values[i] as number)) / dx);
    }
  // value(lag) = a + slope · lag, so the value at lag 0 is a = value − slope · lag.
  const slope = median(slopes);
  return Math.max(0, median(values.map((v, k) => v - slope * (lags[k] as number))));
}

/** The median (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * One additive part's expectation: the whole, F = the Theil-Sen line through the history slots at the
 * bucket, and a function from a segment's values in the share slots to F · Σ x_k / Σ X_k (0 when the
 * share slots are empty).
 */
export function expectation(
  lags: readonly number[],
  totals: readonly number[],
  shareTotals: readonly number[],
): { expected: number; segment: (shareSlots: readonly number[]) => number } {
  const expected = trendAtBucket(lags, totals);
  const whole = Number.isFinite(expected) ? expected : 0;
  const pooled = shareTotals.reduce((a, b) => a + b, 0);
  return {
    expected: whole,
    segment: (slots) => {
      if (!(pooled > 0)) return 0;
      let s = 0;
      for (const x of slots) s += x;
      return (whole * s) / pooled;
    },
  };
}

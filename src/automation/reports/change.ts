/**
 * Whether a metric's change is news. Two cases, by what the number is:
 *
 * - An estimate (a ratio of per-user sums: CTR, messages per user, mean latency) has a sampling error.
 *   The relative change between two periods is compared by the delta method, `compareRatio` of
 *   `src/math/stats/ratio.ts` (the same code the experiments use) on the two periods' per-user sums,
 *   with Welch's reference. The two periods share many users, and a user's ratio is positively
 *   correlated from one day to the next, so treating them as independent samples overstates the variance
 *   of the difference: the interval is conservative, never too narrow.
 * - A count (DAU, views) is an exact tally: there is nothing to sample, but a count moves from day to day
 *   anyway (weekdays, weather, releases). Its change is judged against the metric's own recent changes:
 *   a robust spread s of the relative changes over the previous 28 days (8 weeks for weekly reports) at
 *   the same lag: 1.4826 × their median absolute value (the MAD taken around 0, since a change has no
 *   expected direction; 1.4826 makes it the standard deviation for normal changes). The usual range is
 *   ±1.96·s and a change beyond it is significant. A median rather than a root mean square because one
 *   campaign day or outage in the history would otherwise set the range for a month (on a 2,000-user,
 *   30-day demo, whose campaign day has 2× the events, views' day-over-day range is ±27% by the median
 *   and ±76% by the root mean square). With fewer than 7
 *   earlier changes there is no range and no verdict. Weekday swings widen the range: they are usual,
 *   so that is the intended reading.
 */
import { compareRatio, type RatioSums, ratioMoments } from '../../math/stats/ratio.ts';
import type { Change } from './document.ts';

/** z of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** 1/Φ⁻¹(0.75): the median absolute deviation of a normal variable times this is its standard deviation. */
export const MAD_SCALE = 1.482602218505602;

/** Earlier changes read for the usual range: 28 days, or 8 weeks for weekly reports. */
export const HISTORY_CHANGES = { day: 28, week: 8 } as const;

/** Fewer earlier changes than this give no usual range. */
export const MIN_HISTORY_CHANGES = 7;

/** A change without a verdict: value − previous, and relative to previous (null when previous is 0). */
export function plainChange(value: number, previous: number): Change {
  return {
    previous,
    absolute: value - previous,
    relative: previous === 0 ? null : (value - previous) / previous,
  };
}

/**
 * The half-width of the usual range of relative changes at `lag` steps (1 = day over day, 7 = the same
 * weekday a week before): 1.96 × 1.4826 × the median absolute value of the last `count` changes in `history` (oldest first, ending
 * just before the reported period). Null with fewer than MIN_HISTORY_CHANGES usable pairs.
 */
export function usualRange(history: readonly (number | null)[], lag: number, count: number): number | null {
  const changes: number[] = [];
  for (let i = history.length - 1; i >= lag && changes.length < count; i--) {
    const now = history[i];
    const before = history[i - lag];
    if (now === null || now === undefined || before === null || before === undefined || before === 0)
      continue;
    changes.push(now / before - 1);
  }
  if (changes.length < MIN_HISTORY_CHANGES) return null;
  const absolute = changes.map(Math.abs).sort((a, b) => a - b);
  const mid = absolute.length >> 1;
  const median = absolute.length % 2 === 1 ? absolute[mid]! : (absolute[mid - 1]! + absolute[mid]!) / 2;
  return Z95 * MAD_SCALE * median;
}

/** A count's change, judged against its usual range when there is one. */
export function countChange(value: number, previous: number, range: number | null): Change {
  const change = plainChange(value, previous);
  if (range === null || change.relative === null) return change;
  return { ...change, usualRange: range, significant: Math.abs(change.relative) > range };
}

/**
 * An estimate's change from `before` to `now` (per-user sums of each period): the relative change of
 * the ratio with its 95% delta-method interval; significant when the interval excludes 0. Without two
 * users in each period or a non-zero baseline there is no interval.
 */
export function ratioChange(now: RatioSums, before: RatioSums): Change | undefined {
  const a = ratioMoments(now);
  const b = ratioMoments(before);
  if (!a || !b) return undefined;
  const change = plainChange(a.mean, b.mean);
  const compared = compareRatio(before, now, { difference: 'relative', alpha: 0.05 });
  if (!compared.ci) return change;
  const interval: readonly [number, number] = [compared.ci[0], compared.ci[1]];
  return { ...change, interval, significant: interval[0] > 0 || interval[1] < 0 };
}

/** A 95% interval of the ratio itself, mean ± 1.96·sqrt(variance / n) (delta method); null below 2 users. */
export function ratioInterval(sums: RatioSums): readonly [number, number] | undefined {
  const m = ratioMoments(sums);
  if (!m || m.n < 2) return undefined;
  const half = Z95 * Math.sqrt(m.variance / m.n);
  return [m.mean - half, m.mean + half];
}

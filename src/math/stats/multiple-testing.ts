/**
 * Corrections for testing many hypotheses at once (every metric × every treatment arm of an experiment):
 * adjusted p-values, the decisions they imply, and GrowthBook's matching adjusted intervals.
 *
 * With m p-values sorted ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎:
 * - Bonferroni: min(1, m·p), which controls the family-wise error rate;
 * - Holm (1979), step-down, also family-wise and never less powerful than Bonferroni:
 *   p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎);
 * - Benjamini & Hochberg (1995), step-up, which controls the false-discovery rate:
 *   p̃₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j).
 * The running max/min makes the adjusted values monotone in the raw ones and gives tied raw p-values the
 * same adjusted value whatever their order. Results come back in input order. A hypothesis is rejected
 * when its adjusted p-value is ≤ alpha, which is exactly Holm's and Benjamini-Hochberg's step procedures
 * (statsmodels' `multipletests` uses the same rule). Missing p-values (null: a comparison that could not be
 * computed) stay null and do not count in m.
 */
import { SightlineError } from '../../errors/index.ts';
import { normalQuantile } from './distributions.ts';
import type { Interval } from './result.ts';

export type Correction = 'none' | 'bonferroni' | 'holm' | 'benjamini-hochberg';

export interface CorrectedPValues {
  /** Adjusted p-values in input order (null where the input was null). */
  readonly adjusted: readonly (number | null)[];
  /** Whether each hypothesis is rejected at alpha (null where the input was null). */
  readonly rejected: readonly (boolean | null)[];
}

/** Adjusted p-values in input order, by the given correction. */
export function adjustPValues(pValues: readonly (number | null)[], method: Correction): (number | null)[] {
  const present: number[] = [];
  pValues.forEach((p, i) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1))
      throw new SightlineError('SL_STATS_INPUT_INVALID', `p-value ${i} must lie in [0, 1], got ${p}`);
    present.push(i);
  });
  const out: (number | null)[] = pValues.map(() => null);
  const m = present.length;
  if (method === 'none' || method === 'bonferroni') {
    for (const i of present) out[i] = method === 'none' ? pValues[i]! : Math.min(1, m * pValues[i]!);
    return out;
  }
  // Stable sort ascending: ties keep input order, and the running max/min equalises them anyway.
  const order = present.slice().sort((a, b) => pValues[a]! - pValues[b]!);
  if (method === 'holm') {
    let running = 0;
    order.forEach((index, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * pValues[index]!));
      out[index] = running;
    });
    return out;
  }
  if (method === 'benjamini-hochberg') {
    let running = 1;
    for (let rank = m - 1; rank >= 0; rank--) {
      const index = order[rank]!;
      running = Math.min(running, pValues[index]! * (m / (rank + 1)));
      out[index] = running;
    }
    return out;
  }
  throw new SightlineError('SL_STATS_INPUT_INVALID', `unknown correction ${String(method)}`, {
    hint: 'use none, bonferroni, holm or benjamini-hochberg',
  });
}

/** Adjusted p-values and the decisions at alpha (default 0.05: reject when adjusted ≤ alpha). */
export function correctPValues(
  pValues: readonly (number | null)[],
  method: Correction,
  alpha = 0.05,
): CorrectedPValues {
  if (!(alpha > 0 && alpha < 1))
    throw new SightlineError('SL_STATS_INPUT_INVALID', `alpha must lie in (0, 1), got ${alpha}`);
  const adjusted = adjustPValues(pValues, method);
  return { adjusted, rejected: adjusted.map((p) => (p === null ? null : p <= alpha)) };
}

/**
 * Corrects a table of p-values (rows = metrics, columns = treatment arms, or any other layout) as one
 * family, the way GrowthBook corrects across all metrics and variations; the result has the same shape.
 */
export function correctPValueTable(
  table: readonly (readonly (number | null)[])[],
  method: Correction,
  alpha = 0.05,
): { adjusted: (number | null)[][]; rejected: (boolean | null)[][] } {
  const flat = correctPValues(table.flat(), method, alpha);
  const adjusted: (number | null)[][] = [];
  const rejected: (boolean | null)[][] = [];
  let k = 0;
  for (const row of table) {
    adjusted.push(flat.adjusted.slice(k, k + row.length));
    rejected.push(flat.rejected.slice(k, k + row.length));
    k += row.length;
  }
  return { adjusted, rejected };
}

/**
 * The two-sided interval consistent with an adjusted p-value, as GrowthBook shows beside corrected
 * results: the standard error that would give that p-value for this effect, |effect|/z₁₋p̃/₂, times
 * z₁₋α/₂ on each side. It excludes 0 exactly when p̃ < alpha. Null when it has no bounds: the effect is 0
 * or p̃ > 0.999999 (where GrowthBook shows (−∞, ∞)). When the unadjusted interval is given and is wider,
 * it is returned instead (adjusting never narrows an interval).
 */
export function adjustedInterval(
  effect: number,
  adjustedPValue: number,
  alpha = 0.05,
  unadjusted?: Interval,
): Interval | null {
  if (effect === 0 || adjustedPValue > 0.999999) return null;
  const sd = Math.abs(effect) / normalQuantile(1 - adjustedPValue / 2);
  const half = normalQuantile(1 - alpha / 2) * sd;
  const interval: Interval = [effect - half, effect + half];
  if (unadjusted && unadjusted[1] - unadjusted[0] > interval[1] - interval[0]) return unadjusted;
  return interval;
}

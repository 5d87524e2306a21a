/**
 * Checks of a causal impact analysis's periods, in one place so the CLI can report them before any
 * fitting: both periods inside the series, non-empty, and the pre-period ending before the post-period
 * starts (indices 0-based and inclusive, as `[start, end]`).
 */
import type { StatWarning } from '../stats/result.ts';

export type Period = readonly [number, number];

export interface PeriodCheck {
  /** SL_CAUSAL_PERIOD_INVALID problems: the analysis cannot run while any is present. */
  readonly problems: readonly StatWarning[];
  /** SL_CAUSAL_SHORT_PRE_PERIOD and the like: the analysis runs, with less to go on. */
  readonly warnings: readonly StatWarning[];
}

/** Fewer pre-period points than this leave the local level and its variance barely identified. */
export const MIN_PRE_POINTS = 10;

/** The problems and warnings of `pre` and `post` over a series of `n` points. */
export function checkCausalPeriods(n: number, pre: Period, post: Period): PeriodCheck {
  const problems: StatWarning[] = [];
  const warnings: StatWarning[] = [];
  const invalid = (message: string): void => {
    problems.push({ code: 'SL_CAUSAL_PERIOD_INVALID', message });
  };
  for (const [name, [start, end]] of [
    ['pre', pre],
    ['post', post],
  ] as const) {
    if (!Number.isInteger(start) || !Number.isInteger(end)) {
      invalid(`The ${name}-period [${start}, ${end}] needs whole row indices.`);
    } else if (start > end) {
      invalid(`The ${name}-period [${start}, ${end}] is empty: its start is after its end.`);
    } else if (start < 0 || end >= n) {
      invalid(`The ${name}-period [${start}, ${end}] lies outside the series (rows 0 to ${n - 1}).`);
    }
  }
  if (problems.length === 0 && pre[1] >= post[0]) {
    invalid(
      `The pre-period [${pre[0]}, ${pre[1]}] must end before the post-period [${post[0]}, ${post[1]}] starts.`,
    );
  }
  if (problems.length === 0) {
    const preLength = pre[1] - pre[0] + 1;
    const postLength = post[1] - post[0] + 1;
    if (preLength < MIN_PRE_POINTS || preLength < postLength) {
      warnings.push({
        code: 'SL_CAUSAL_SHORT_PRE_PERIOD',
        message: `The pre-period has ${preLength} points for a post-period of ${postLength}; the counterfactual rests on little history.`,
      });
    }
  }
  return { problems, warnings };
}

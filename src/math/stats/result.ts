/**
 * The shapes the statistics functions return. A result never carries NaN or an infinity presented as a
 * number: what cannot be computed is null, and a coded warning says why.
 */
import type { ErrorCode } from '../../errors/index.ts';

/** A problem with the input that made part of a result unavailable or less trustworthy. */
export interface StatWarning {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * The alternative hypothesis about treatment − control: `two-sided` (they differ), `greater`
 * (treatment is larger) or `less`. Two-sided unless the caller says otherwise.
 */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** Absolute effects are treatment − control; relative ones divide that by |control mean|. */
export type Difference = 'absolute' | 'relative';

/**
 * A confidence (or credible) interval. A one-sided test's interval is open on one side: that bound is
 * -Infinity or Infinity, the only place an infinity appears, and it means "unbounded".
 */
export type Interval = readonly [number, number];

/** The outcome of a comparison of a treatment arm with control. */
export interface Comparison {
  /** Treatment − control (absolute) or that over |control mean| (relative); null when undefined. */
  readonly effect: number | null;
  /** The standard error of `effect`. */
  readonly se: number | null;
  readonly ci: Interval | null;
  readonly pValue: number | null;
  readonly warnings: readonly StatWarning[];
}

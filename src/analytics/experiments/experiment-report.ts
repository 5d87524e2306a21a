import type { Interval, StatWarning } from '../../math/stats/result.ts';
import type { MetricRole } from './experiment.ts';
import type { MetricKind } from './metric-plan.ts';

/**
 * What `analyzeExperiment` returns: plain JSON (no Infinity, no NaN; what cannot be computed is null
 * with a coded warning), the same object the CLI prints with --json, the API serves and reports quote.
 * Effects are treatment − control; relative effects divide by |control mean|; intervals are two-sided
 * at 1 − alpha.
 */
export interface ExperimentReport {
  readonly experiment: string;
  readonly description: string | null;
  readonly kind: 'ab' | 'aa';
  /** The analysis window, UTC days, inclusive. */
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  readonly control: string;
  readonly alpha: number;
  readonly exposure: ExposureReport;
  readonly srm: SrmReport;
  readonly metrics: readonly MetricReport[];
  /** The correction and the size of its family (primary and secondary metrics × treatments). */
  readonly correction: { readonly method: string; readonly comparisons: number };
  readonly recommendation: Recommendation;
  readonly warnings: readonly StatWarning[];
  /** Every query that ran, in order. */
  readonly sql: string;
}

export interface ExposureReport {
  /** Analysed users per variant, control first. */
  readonly variants: readonly {
    readonly variant: string;
    readonly users: number;
    readonly expectedShare: number;
    readonly observedShare: number | null;
  }[];
  readonly users: number;
  readonly multipleArms: number;
  readonly undeclaredVariants: readonly { readonly variant: string; readonly users: number }[];
  readonly firstExposure: string | null;
  readonly lastExposure: string | null;
  /** Newly exposed users per day, averaged over the window's days up to the last exposure. */
  readonly dailyUsers: number;
  readonly daily: readonly { readonly date: string; readonly users: number }[];
}

export interface SrmReport {
  /** Pearson's chi-square goodness of fit of users per variant to the expected weights. */
  readonly pValue: number;
  readonly statistic: number | null;
  readonly threshold: number;
  readonly mismatch: boolean;
}

export interface ArmResult {
  readonly variant: string;
  readonly n: number;
  /** Mean per user, the conversion rate, or the ratio of sums; null when undefined (no denominator). */
  readonly mean: number | null;
  /** A ratio metric's summed numerator and denominator. */
  readonly numerator?: number;
  readonly denominator?: number;
}

/** An effect with its interval and p-value on one scale. */
export interface EffectResult {
  readonly effect: number | null;
  readonly se: number | null;
  readonly ci: Interval | null;
  readonly pValue: number | null;
}

export interface VariantResult {
  readonly variant: string;
  readonly absolute: EffectResult;
  readonly relative: EffectResult;
  /** The p-value decisions read: fixed-horizon or, for sequential experiments, always-valid. */
  readonly pValue: number | null;
  /**
   * Corrected across the primary and secondary metrics × treatments; a guardrail's is its own p-value
   * (guardrails are outside the family, see README.md).
   */
  readonly adjustedPValue: number | null;
  /** adjustedPValue < alpha. */
  readonly significant: boolean;
  /** Whether the effect goes the metric's better way, when it is significant. */
  readonly direction: 'better' | 'worse' | null;
  /** Always-valid view (normal-mixture confidence sequence): may be read at any time. */
  readonly sequential: {
    readonly absolute: { readonly ci: Interval | null; readonly pValue: number | null };
    readonly relative: { readonly ci: Interval | null; readonly pValue: number | null };
    readonly tuning: number;
  };
  /** Gaussian posterior of the relative effect under a flat prior. */
  readonly bayesian: {
    readonly chanceToWin: number | null;
    /** Expected relative loss of shipping the treatment / keeping control. */
    readonly riskTreatment: number | null;
    readonly riskControl: number | null;
    readonly ci: Interval | null;
  };
  /** CUPED: θ pooled across arms and the share of variance it removed. */
  readonly cuped?: { readonly theta: number; readonly varianceReduction: number };
  readonly warnings: readonly StatWarning[];
}

export interface MetricReport {
  readonly metric: string;
  readonly label: string;
  readonly role: MetricRole;
  readonly better: 'higher' | 'lower';
  readonly kind: MetricKind;
  readonly test: { readonly name: string; readonly why: string };
  readonly arms: readonly ArmResult[];
  /** One per treatment variant. */
  readonly variants: readonly VariantResult[];
  readonly breakdowns: readonly BreakdownReport[];
}

export interface BreakdownReport {
  readonly dimension: string;
  /** Groups by users, largest first; beyond the limit the rest are merged into one `other` group. */
  readonly groups: readonly {
    readonly value: string | null;
    readonly other: boolean;
    readonly arms: readonly ArmResult[];
    readonly variants: readonly {
      readonly variant: string;
      readonly absolute: EffectResult;
      readonly relative: EffectResult;
      readonly warnings: readonly StatWarning[];
    }[];
  }[];
}

export type Decision = 'ship' | 'do not ship' | 'keep running' | 'invalid';

export interface Recommendation {
  readonly decision: Decision;
  /** The variant to ship, when the decision is `ship`. */
  readonly variant: string | null;
  /** Why, in words, one sentence per rule that fired, in the order the rules are checked. */
  readonly reasons: readonly string[];
  /** Users per arm the primary metric needs to detect the MDE with the declared power. */
  readonly requiredUsersPerArm: number | null;
  /** Further days at the observed daily traffic until that sample is reached (keep running only). */
  readonly daysNeeded: number | null;
}

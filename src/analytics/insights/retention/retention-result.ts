import { addDays } from '../date-range.ts';
import type { InsightResultBase, InsightWarning } from '../insight-type.ts';
import { addPeriods, type PeriodAxis } from './local-periods.ts';
import type { RetentionCountRow } from './retention-sql.ts';

/** The breakdown fields of a cohort, curve or trend point: a value (null included), or the merged rest. */
export interface BreakdownTag {
  /** The breakdown value; absent without a breakdown and on "other". */
  breakdown?: string | null;
  /** Set on the group that merges the values beyond the breakdown limit. */
  other?: true;
}

export interface RetentionCohort extends BreakdownTag {
  /** The first day of the cohort's period. */
  cohort: string;
  size: number;
  /** retained[0] is the size; retained[k] the users back in period k. Periods not over by `to` are left out. */
  retained: number[];
}

export interface RetentionAverage extends BreakdownTag {
  period: number;
  /** Users back in period k, summed over the cohorts that have period k. */
  retained: number;
  /** retained / the summed sizes of those cohorts (a weighted mean); null when they have no users. */
  rate: number | null;
  /** Cohorts with users that have period k. */
  cohorts: number;
}

export interface RetentionTrendPoint extends BreakdownTag {
  cohort: string;
  size: number;
  /** retained[K] / size; null for an empty cohort. */
  rate: number | null;
}

export interface RetentionResult extends InsightResultBase {
  cohorts: RetentionCohort[];
  average: RetentionAverage[];
  /** With --trend-period K: period-K retention of every cohort that has period K. */
  trend?: RetentionTrendPoint[];
}

interface Group {
  tag: BreakdownTag;
  /** Per cohort index: counts by k (index 0 the size). */
  counts: number[][];
  total: number;
}

/**
 * Turns the count rows into the matrix, the averaged curve and the trend. Every cohort period of the
 * range appears (empty ones with size 0) for each breakdown group; a cohort's row stops at the last
 * period that ended by the end of `to`. Beyond `breakdownLimit` values, the smallest groups (by users)
 * merge into "other": each user is in one group per cohort, so counts add up exactly.
 */
export function buildRetention(
  rows: readonly RetentionCountRow[],
  options: {
    axis: PeriodAxis;
    to: string;
    periods: number;
    breakdown: boolean;
    breakdownLimit: number;
    trendPeriod: number | undefined;
  },
): Omit<RetentionResult, 'sql'> {
  const { axis, periods } = options;
  const warnings: InsightWarning[] = [];
  const end = addDays(options.to, 1);
  const available = axis.labels.map((_, c) => {
    let k = 0;
    while (k < periods && addPeriods(axis.unit, axis.origin, c + k + 2) <= end) k++;
    return k;
  });

  const byValue = new Map<string | null, Group>();
  const groupOf = (value: string | null): Group => {
    let group = byValue.get(value);
    if (!group) {
      group = {
        tag: options.breakdown ? { breakdown: value } : {},
        counts: axis.labels.map(() => new Array<number>(periods + 1).fill(0)),
        total: 0,
      };
      byValue.set(value, group);
    }
    return group;
  };
  if (!options.breakdown) groupOf(null);
  for (const row of rows) {
    const group = groupOf(options.breakdown ? row.breakdown : null);
    const counts = group.counts[row.cohort];
    if (!counts || row.k > periods) throw new Error(`retention row outside the axis: ${JSON.stringify(row)}`);
    counts[row.k] = (counts[row.k] ?? 0) + row.users;
    if (row.k === 0) group.total += row.users;
  }

  let groups = [...byValue.values()];
  if (options.breakdown) {
    groups.sort(
      (a, b) => b.total - a.total || compareValues(a.tag.breakdown ?? null, b.tag.breakdown ?? null),
    );
    if (groups.length > options.breakdownLimit) {
      const rest = groups.slice(options.breakdownLimit);
      const other: Group = {
        tag: { other: true },
        counts: axis.labels.map((_, c) =>
          Array.from({ length: periods + 1 }, (_, k) =>
            rest.reduce((sum, g) => sum + (g.counts[c]?.[k] ?? 0), 0),
          ),
        ),
        total: rest.reduce((sum, g) => sum + g.total, 0),
      };
      warnings.push({
        code: 'SL_BREAKDOWN_OTHER',
        message: `${rest.length} breakdown value${rest.length === 1 ? '' : 's'} beyond the ${options.breakdownLimit} largest merged into "other"`,
      });
      groups = [...groups.slice(0, options.breakdownLimit), other];
    }
  }

  const cohorts: RetentionCohort[] = [];
  const average: RetentionAverage[] = [];
  const trend: RetentionTrendPoint[] = [];
  let nullRates = 0;
  for (const group of groups) {
    const matrix = axis.labels.map((label, c) => ({
      ...group.tag,
      cohort: label,
      size: group.counts[c]?.[0] ?? 0,
      retained: (group.counts[c] ?? []).slice(0, (available[c] ?? 0) + 1),
    }));
    cohorts.push(...matrix);
    for (let k = 0; k <= periods; k++) {
      const included = matrix.filter((m) => m.retained.length > k && m.size > 0);
      const retained = included.reduce((sum, m) => sum + (m.retained[k] ?? 0), 0);
      const size = included.reduce((sum, m) => sum + m.size, 0);
      if (size === 0) nullRates++;
      average.push({
        ...group.tag,
        period: k,
        retained,
        rate: size > 0 ? retained / size : null,
        cohorts: included.length,
      });
    }
    const K = options.trendPeriod;
    if (K !== undefined)
      for (const m of matrix)
        if (m.retained.length > K) {
          if (m.size === 0) nullRates++;
          trend.push({
            ...group.tag,
            cohort: m.cohort,
            size: m.size,
            rate: m.size > 0 ? (m.retained[K] ?? 0) / m.size : null,
          });
        }
  }
  if (nullRates > 0)
    warnings.push({
      code: 'SL_EMPTY_DENOMINATOR',
      message: `${nullRates} rate${nullRates === 1 ? '' : 's'} had no users to divide by (an empty cohort, or no cohort reaching the period) and ${nullRates === 1 ? 'is' : 'are'} null`,
    });
  return {
    cohorts,
    average,
    ...(options.trendPeriod === undefined ? {} : { trend }),
    warnings,
  };
}

/** Values in ascending order, NULL last. */
function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

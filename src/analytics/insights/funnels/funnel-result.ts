import type { FunnelOrder } from '../../../data/sql/funnel-attempts.ts';
import type { InsightResultBase, InsightWarning } from '../insight-type.ts';
import type { HistogramBin } from './funnel-histogram.ts';
import { type FunnelAggregateRow, SET_ALL, SET_BREAKDOWN, SET_BUCKET } from './funnel-query.ts';

export interface FunnelStepResult {
  event: string;
  label?: string;
  /** Users who reached this step (the furthest step of their attempts is this one or later). */
  count: number;
  /** count / users who entered (step 1); null when nobody entered. */
  conversionRate: number | null;
  /** count / users who reached the previous step; null when nobody did. */
  conversionFromPrevious: number | null;
  /** From step 2: over the users who reached it, seconds from the previous step in their reported attempt. */
  medianSecondsFromPrevious?: number | null;
  meanSecondsFromPrevious?: number | null;
}

export interface FunnelBreakdown {
  /** The breakdown value of the entry events (null for NULL); absent on `other`. */
  breakdown?: string | null;
  /** The values beyond the breakdown limit, merged (see the SL_BREAKDOWN_OTHER warning). */
  other?: true;
  steps: FunnelStepResult[];
}

export interface FunnelOverTimePoint {
  /** The bucket of entry: its first day, `YYYY-MM-DD`. */
  t: string;
  /** Users with an attempt that starts in the bucket. */
  entered: number;
  /** Those of them whose attempts from the bucket reached the last step. */
  converted: number;
  rate: number | null;
}

export interface FunnelResult extends InsightResultBase {
  order: FunnelOrder;
  windowSeconds: number;
  from: string;
  to: string;
  timeZone: string;
  steps: FunnelStepResult[];
  timeToConvert: {
    /** Over the users who reached the last step: seconds from their step 1 to the last step. */
    medianSeconds: number | null;
    meanSeconds: number | null;
    histogram: { fromSeconds: number; toSeconds: number; users: number }[];
  };
  breakdowns?: FunnelBreakdown[];
  overTime?: FunnelOverTimePoint[];
  /** With --dropped-at K: users who reached step K − 1 but not step K (the first --limit by id). */
  droppedUsers?: string[];
}

export interface StepLabel {
  event: string;
  label?: string | undefined;
}

export interface BuildOptions {
  steps: readonly StepLabel[];
  bins: readonly HistogramBin[];
  /** The breakdown values in their rank order, and whether the rest was merged into other. */
  breakdown: { values: readonly (string | null)[]; other: boolean } | undefined;
  buckets: readonly string[] | undefined;
  droppedAt: number | undefined;
}

const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function stepsOf(row: FunnelAggregateRow | undefined, steps: readonly StepLabel[]): FunnelStepResult[] {
  const counts = steps.map((_, i) => Number(row?.[`c${i + 1}`] ?? 0));
  return steps.map((step, i) => {
    const count = counts[i] as number;
    const result: FunnelStepResult = {
      event: step.event,
      ...(step.label !== undefined ? { label: step.label } : {}),
      count,
      conversionRate: rate(count, counts[0] as number),
      conversionFromPrevious: rate(count, i === 0 ? count : (counts[i - 1] as number)),
    };
    if (i > 0) {
      result.medianSecondsFromPrevious = numberOrNull(row?.[`med${i + 1}`]);
      result.meanSecondsFromPrevious = numberOrNull(row?.[`mean${i + 1}`]);
    }
    return result;
  });
}

/** Shapes the aggregate rows (one per set and key) into the result and its warnings. */
export function buildFunnelResult(
  rows: readonly FunnelAggregateRow[],
  options: BuildOptions,
): Omit<FunnelResult, 'order' | 'windowSeconds' | 'from' | 'to' | 'timeZone' | 'sql'> {
  const warnings: InsightWarning[] = [];
  const all = rows.find((r) => r.set_id === SET_ALL);
  const steps = stepsOf(all, options.steps);
  const excluded = Number(all?.excluded_users ?? 0);
  const result: ReturnType<typeof buildFunnelResult> = {
    steps,
    timeToConvert: {
      medianSeconds: numberOrNull(all?.ttc_median),
      meanSeconds: numberOrNull(all?.ttc_mean),
      histogram: options.bins.map((bin, i) => ({ ...bin, users: Number(all?.[`h${i}`] ?? 0) })),
    },
    warnings,
  };
  let emptyRates = steps.some((s) => s.conversionRate === null || s.conversionFromPrevious === null) ? 1 : 0;

  if (options.breakdown) {
    const byKey = new Map<string, FunnelAggregateRow>();
    for (const row of rows)
      if (row.set_id === SET_BREAKDOWN)
        byKey.set(Number(row.set_other) === 1 ? 'other' : JSON.stringify(row.set_key), row);
    result.breakdowns = options.breakdown.values.map((value) => ({
      breakdown: value,
      steps: stepsOf(byKey.get(JSON.stringify(value)), options.steps),
    }));
    if (options.breakdown.other)
      result.breakdowns.push({ other: true, steps: stepsOf(byKey.get('other'), options.steps) });
    emptyRates += result.breakdowns.filter((b) =>
      b.steps.some((s) => s.conversionRate === null || s.conversionFromPrevious === null),
    ).length;
  }

  if (options.buckets) {
    const byBucket = new Map<string, FunnelAggregateRow>();
    for (const row of rows) if (row.set_id === SET_BUCKET) byBucket.set(String(row.set_key), row);
    const n = options.steps.length;
    result.overTime = options.buckets.map((t) => {
      const row = byBucket.get(t);
      const entered = Number(row?.c1 ?? 0);
      const converted = Number(row?.[`c${n}`] ?? 0);
      return { t, entered, converted, rate: rate(converted, entered) };
    });
    emptyRates += result.overTime.filter((p) => p.rate === null).length;
  }

  if (options.droppedAt !== undefined) {
    const ids = Array.isArray(all?.dropped) ? (all.dropped as unknown[]).map(String) : [];
    result.droppedUsers = ids.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  if (steps[0]?.count === 0)
    warnings.push({ code: 'SL_NO_DATA', message: 'no user entered the funnel in the range' });
  if (emptyRates > 0)
    warnings.push({
      code: 'SL_EMPTY_DENOMINATOR',
      message: `${emptyRates} group${emptyRates === 1 ? '' : 's'} (the funnel, breakdown values or buckets) had no users to divide by; their rates are null`,
    });
  if (excluded > 0)
    warnings.push({
      code: 'SL_FUNNEL_EXCLUDED',
      message: `${excluded} user${excluded === 1 ? '' : 's'} left out of the funnel: every attempt that got furthest had an excluded event`,
    });
  return result;
}

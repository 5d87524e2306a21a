import { SightlineError } from '../../../errors/index.ts';
import { evaluateFormula, type FormulaNode } from '../../metrics/formula.ts';
import { addDays, type DateRange, daysBetween, rangeOf, resolveRange } from '../date-range.ts';
import type { InsightContext } from '../insight-context.ts';
import type { InsightResultBase, InsightWarning } from '../insight-type.ts';
import { type Bucket, bucketsFor } from './buckets.ts';
import type { BreakdownValue, Keys } from './leaf-sql.ts';
import { type LeafValues, leafValues, type Ranking, rankBreakdown, windowLeafValues } from './leaf-values.ts';
import { canUseRollup, rollupFilters } from './rollup-eligibility.ts';
import { type Leaf, type PlannedSeries, planTrends, VALUE } from './series-plan.ts';
import { type Interval, SUB_DAILY, type TrendsSpec } from './trends-spec.ts';

export interface TrendsPoint {
  /** The bucket: `YYYY-MM-DD` (its first day) or `YYYY-MM-DDTHH:00` (local hour). */
  t: string;
  value: number | null;
  /** With `movingAverage`: the mean of the non-null values of this point and the N − 1 before it. */
  movingAverage?: number | null;
}

export interface TrendsSeries {
  label: string;
  /** The breakdown value (one dimension) or values (several); absent without a breakdown and on other. */
  breakdown?: BreakdownValue | BreakdownValue[];
  /** The group of every breakdown value beyond the limit (see the SL_BREAKDOWN_OTHER warning). */
  other?: true;
  /** The preceding period of equal length, its points labelled with their own dates. */
  compare?: true;
  points: TrendsPoint[];
}

export interface TrendsResult extends InsightResultBase {
  interval: Interval;
  from: string;
  to: string;
  timeZone: string;
  series: TrendsSeries[];
}

export interface TrendsOptions {
  /** `never` reads `events` even where the `user_daily` rollup would give the same numbers. */
  rollup?: 'auto' | 'never';
}

/** No trend returns more points than this; a breakdown limit times the buckets is checked up front. */
export const MAX_POINTS = 200_000;

interface Period {
  range: DateRange;
  buckets: Bucket[];
  compare: boolean;
}

/** What one output series group is made of: series (several when a formula combines them). */
interface Unit {
  label: string;
  series: PlannedSeries[];
  value: (series: (s: PlannedSeries) => number | null) => number | null;
}

export async function runTrends(
  ctx: InsightContext,
  spec: TrendsSpec,
  options: TrendsOptions = {},
): Promise<TrendsResult> {
  const plan = planTrends(ctx, spec);
  const breakdown = spec.breakdown ?? [];
  for (const ref of breakdown) ctx.layer.dimension(ref);
  const leaves = plan.series.flatMap((s) => [...s.leaves.values()]);
  if (SUB_DAILY.has(spec.interval) && leaves.some((leaf) => leaf.aggregate.kind === 'window'))
    throw new SightlineError(
      'SL_INSIGHT_INVALID',
      'trends: trailing-window users (wau, mau) are counted per day; use --interval day, week or month',
    );
  if (spec.timeZone !== 'UTC') ctx.dialect.require('timeZones', 'a trend in a time zone other than UTC');

  const range = await resolveRange(ctx, spec);
  const periods: Period[] = [
    { range, buckets: bucketsFor(spec.interval, range.from, range.to, range.timeZone), compare: false },
  ];
  if (spec.compare === 'previous') {
    const length = daysBetween(range.from, range.to) + 1;
    const previous = rangeOf(ctx, addDays(range.from, -length), addDays(range.from, -1), range.timeZone);
    periods.push({
      range: previous,
      buckets: bucketsFor(spec.interval, previous.from, previous.to, previous.timeZone),
      compare: true,
    });
  }

  const units: Unit[] = plan.formula
    ? [formulaUnit(plan.formula.label, plan.formula.node, plan.series)]
    : plan.series.map(seriesUnit);
  const groupsAtMost = breakdown.length > 0 ? spec.breakdownLimit + 1 : 1;
  const points = units.length * groupsAtMost * periods.reduce((sum, p) => sum + p.buckets.length, 0);
  if (points > MAX_POINTS)
    throw new SightlineError(
      'SL_INSIGHT_TOO_LARGE',
      `trends: up to ${points} points (series × breakdown values × buckets); at most ${MAX_POINTS}`,
      { hint: 'lower --breakdown-limit, use a coarser --interval or a shorter range' },
    );

  const warnings: InsightWarning[] = [];
  const cache = new Map<string, Promise<LeafValues>>();
  const queryFor = (leaf: Leaf, period: Period, keys: Keys) => ({
    ctx,
    leaf,
    range: period.range,
    interval: spec.interval,
    breakdown,
    keys,
    rollup:
      options.rollup !== 'never' && canUseRollup(ctx.layer, leaf, breakdown, spec.interval, spec.timeZone),
    rollupFirsts:
      options.rollup !== 'never' &&
      leaf.aggregate.kind === 'first_time' &&
      rollupFilters(ctx.layer, leaf.filters),
  });
  const cacheKey = (leaf: Leaf, period: Period, keys: Keys) =>
    JSON.stringify([leaf, period.range.from, keys]);
  // Trailing-window leaves of the same events and filters (WAU and MAU) are read together, in one pass.
  const windowSiblings = (leaf: Leaf): number[] => {
    const same = JSON.stringify([leaf.event, leaf.filters]);
    const windows = units.flatMap((unit) =>
      unit.series.flatMap((s) =>
        [...s.leaves.values()].flatMap((l) =>
          l.aggregate.kind === 'window' && JSON.stringify([l.event, l.filters]) === same
            ? [l.aggregate.days]
            : [],
        ),
      ),
    );
    return [...new Set(windows)];
  };
  const valuesOf = (leaf: Leaf, period: Period, keys: Keys): Promise<LeafValues> => {
    const cached = cache.get(cacheKey(leaf, period, keys));
    if (cached) return cached;
    if (leaf.aggregate.kind === 'window') {
      // Siblings differ only in the window length, which does not decide whether the rollup can answer.
      const windows = windowSiblings(leaf);
      const all = windowLeafValues(queryFor(leaf, period, keys), windows, period.buckets);
      for (const days of windows) {
        const sibling: Leaf = { ...leaf, aggregate: { kind: 'window', days } };
        cache.set(
          cacheKey(sibling, period, keys),
          all.then((byWindow) => byWindow.get(days) as LeafValues),
        );
      }
      return cache.get(cacheKey(leaf, period, keys)) as Promise<LeafValues>;
    }
    const values = leafValues(queryFor(leaf, period, keys), period.buckets);
    cache.set(cacheKey(leaf, period, keys), values);
    return values;
  };

  const series: TrendsSeries[] = [];
  for (const unit of units) {
    let ranking: Ranking = { kept: [[]], merged: 0 };
    if (breakdown.length > 0) {
      const first = [...(unit.series[0] as PlannedSeries).leaves.values()][0] as Leaf;
      ranking = await rankBreakdown(
        queryFor(first, periods[0] as Period, { kind: 'raw' }),
        spec.breakdownLimit,
      );
      if (ranking.merged > 0)
        warnings.push({
          code: 'SL_BREAKDOWN_OTHER',
          message: `${unit.label}: ${ranking.merged} ${breakdown.join(' × ')} ${breakdown.length > 1 ? 'combination' : 'value'}${ranking.merged === 1 ? '' : 's'} beyond the top ${spec.breakdownLimit} merged into "other"`,
        });
    }
    const keys: Keys = { kind: 'groups', kept: ranking.kept };

    const perPeriod: Map<string, Map<string, LeafValues>>[] = [];
    let hasOther = ranking.merged > 0;
    for (const period of periods) {
      const bySeries = new Map<string, Map<string, LeafValues>>();
      for (const s of unit.series) {
        const byLeaf = new Map<string, LeafValues>();
        for (const [name, leaf] of s.leaves) {
          const values = await valuesOf(leaf, period, keys);
          if (values.groups.has(-1)) hasOther = true;
          byLeaf.set(name, values);
        }
        bySeries.set(s.name, byLeaf);
      }
      perPeriod.push(bySeries);
    }

    const groups = ranking.kept.map((_, i) => i);
    if (hasOther && breakdown.length > 0) groups.push(-1);
    periods.forEach((period, p) => {
      const bySeries = perPeriod[p] as Map<string, Map<string, LeafValues>>;
      for (const g of groups) {
        const points = period.buckets.map((bucket, i): TrendsPoint => {
          const value = unit.value((s) =>
            seriesValue(s, bySeries.get(s.name) as Map<string, LeafValues>, g, i),
          );
          return { t: bucket.t, value: finite(value, unit.label, bucket.t, warnings) };
        });
        if (spec.movingAverage) addMovingAverage(points, spec.movingAverage);
        series.push(outputSeries(unit.label, breakdown, ranking.kept, g, period.compare, points));
      }
    });
  }

  return {
    interval: spec.interval,
    from: range.from,
    to: range.to,
    timeZone: range.timeZone,
    series,
    sql: ctx.sqlText(),
    warnings,
  };
}

function seriesUnit(s: PlannedSeries): Unit {
  return { label: s.label, series: [s], value: (seriesValueOf) => seriesValueOf(s) };
}

function formulaUnit(label: string, node: FormulaNode, all: PlannedSeries[]): Unit {
  const byName = new Map(all.map((s) => [s.name, s]));
  return {
    label,
    series: all,
    value: (seriesValueOf) =>
      evaluateFormula(node, (name) => seriesValueOf(byName.get(name) as PlannedSeries)),
  };
}

/** A series' value in group g and bucket i: its one leaf, or its metric formula over its leaves. */
function seriesValue(s: PlannedSeries, leaves: Map<string, LeafValues>, g: number, i: number): number | null {
  const leafValue = (name: string): number | null => {
    const values = leaves.get(name) as LeafValues;
    const group = values.groups.get(g);
    return group ? (group[i] as number | null) : values.empty;
  };
  return s.formula ? evaluateFormula(s.formula, leafValue) : leafValue(s.metric ?? VALUE);
}

function finite(value: number | null, label: string, t: string, warnings: InsightWarning[]): number | null {
  if (value === null || Number.isFinite(value)) return value;
  if (!warnings.some((w) => w.code === 'SL_VALUE_NOT_FINITE'))
    warnings.push({
      code: 'SL_VALUE_NOT_FINITE',
      message: `${label} at ${t} is ${value}; shown as null (and so is any other such point)`,
    });
  return null;
}

/** The mean of the non-null values among each point and the `n − 1` points before it (null if none). */
function addMovingAverage(points: TrendsPoint[], n: number): void {
  points.forEach((point, i) => {
    const window = points
      .slice(Math.max(0, i - n + 1), i + 1)
      .map((p) => p.value)
      .filter((v): v is number => v !== null);
    point.movingAverage = window.length === 0 ? null : window.reduce((a, b) => a + b, 0) / window.length;
  });
}

function outputSeries(
  label: string,
  breakdown: readonly string[],
  kept: BreakdownValue[][],
  g: number,
  compare: boolean,
  points: TrendsPoint[],
): TrendsSeries {
  const out: TrendsSeries = { label, points };
  if (breakdown.length > 0) {
    if (g < 0) {
      out.label = `${label} · other`;
      out.other = true;
    } else {
      const values = kept[g] as BreakdownValue[];
      out.label = `${label} · ${values.map((v) => v ?? '(none)').join(' / ')}`;
      out.breakdown = values.length === 1 ? (values[0] as BreakdownValue) : values;
    }
  }
  if (compare) {
    out.label = `${out.label} (previous period)`;
    out.compare = true;
  }
  // Keys in a stable, readable order for --json.
  const { points: p, ...rest } = out;
  return { ...rest, points: p };
}
